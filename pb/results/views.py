"""Results pages: the count, the override, certification, the published result."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from pb import links, submissions
from pb.allocation import RULE_DESCRIPTIONS, RULE_SUMMARIES
from pb.anchors import certified_anchor
from pb.errors import DomainError
from pb.forms import apply_errors
from pb.loaders import managed_round_or_404, visible_round_or_404
from pb.models import Round
from pb.policy import can_certify_result, can_manage_round, can_scrutinise, role_required
from pb.results import override as overrides
from pb.results import presenting, review, services
from pb.results.forms import CertifyForm, OverrideForm, ResultActionForm
from pb.voting.services import replaced_counts

bp = Blueprint("results", __name__)

VOTES_LABEL = {"approval": "Votes", "budget": "Votes", "ranking": "Voters who ranked it",
               "points": "Votes", "scores": "Voters who scored it"}
POINTS_LABEL = {"points": "Points", "scores": "Total score"}


@links.public
def _results_links(round_, user):
    if round_.status == "results" or (round_.status == "closed" and (
            can_manage_round(user, round_) or can_scrutinise(user))):
        yield ("Results", url_for("results.results", round_id=round_.id))


def _may_see_unpublished(round_: Round) -> bool:
    return can_manage_round(current_user, round_) or can_scrutinise(current_user)


def _fresh(form_class, result, **kwargs):
    """A form for the page: a new submission key and the version of the result shown."""
    form = form_class(formdata=None, **kwargs)
    form.submission.data = submissions.new_key()
    form.seen.data = services.result_version(result)
    return form


def _page(round_: Round, *, status: int = 200, tally_form=None, certify_form=None,
          override_form=None, breaches=()):
    result = services.result_for(round_)
    published = result is not None and result.is_certified
    if not published and not _may_see_unpublished(round_):
        if round_.status in ("closed", "results"):
            return render_template("results/pending.html", round=round_), 200
        abort(404)
    rows = presenting.result_rows(result, round_) if result else []
    if override_form is None:
        override_form = _fresh(OverrideForm, result,
                               selected=result.selected if result else [])
    forms = {"tally_form": tally_form or _fresh(ResultActionForm, result),
             "certify_form": certify_form or _fresh(CertifyForm, result),
             "override_form": override_form}
    return render_template(
        "results/results.html", round=round_, result=result, rows=rows, published=published,
        rule_description=RULE_DESCRIPTIONS.get(round_.allocation_rule, ""),
        rule_summary=RULE_SUMMARIES.get(round_.allocation_rule, ""),
        money_story=presenting.money_story(result, round_) if result else [],
        constraint_lines=presenting.constraint_lines(round_),
        review=review.review(result, round_, rows) if result and not published else None,
        comparison=presenting.comparison_view(result, rows) if result else None,
        votes_label=VOTES_LABEL.get(round_.ballot_design, "Votes"),
        points_label=POINTS_LABEL.get(round_.ballot_design),
        can_manage=can_manage_round(current_user, round_),
        can_certify=result is not None and can_certify_result(current_user, round_, result),
        replaced=replaced_counts(round_), breaches=breaches,
        anchor=certified_anchor(result.id) if published else None, **forms), status


def _act(round_: Round, form, use_case, form_name: str, done: str):
    """Run an officer's action from a results form; on refusal, the page with the reason."""
    if not form.validate_on_submit():
        return _page(round_, status=400, **{form_name: form})
    try:
        result = use_case()
    except DomainError as exc:
        apply_errors(form, exc)
        return _page(round_, status=exc.status, **{form_name: form})
    flash(done.format(result=result), "success")
    return redirect(url_for("results.results", round_id=round_.id), code=303)


@bp.route("/rounds/<int:round_id>/results")
def results(round_id: int):
    return _page(visible_round_or_404(round_id))


@bp.route("/rounds/<int:round_id>/results/tally", methods=["POST"])
@role_required()
def run_tally(round_id: int):
    round_ = managed_round_or_404(round_id)
    form = ResultActionForm()
    return _act(round_, form, lambda: services.tally(
        round_, current_user._get_current_object(), submission=form.submission.data,
        seen=form.seen.data), "tally_form",
        "Counted {result.ballots_counted} ballots with {result.rule}. A second officer must "
        "now check and certify the result.")


@bp.route("/rounds/<int:round_id>/results/override", methods=["POST"])
@role_required()
def override(round_id: int):
    round_ = managed_round_or_404(round_id)
    form = OverrideForm()
    if not form.validate_on_submit():
        return _page(round_, status=400, override_form=form)
    try:
        overrides.override(round_, current_user._get_current_object(), form.selected.data,
                           form.reason.data, exceptions=form.exceptions.data,
                           submission=form.submission.data, seen=form.seen.data)
    except DomainError as exc:
        apply_errors(form, exc)
        result = services.result_for(round_)
        breaches = ()
        if "exceptions" in exc.field_errors and result is not None:
            breaches = overrides.breaches(round_, result, form.selected.data)
        return _page(round_, status=exc.status, override_form=form, breaches=breaches)
    flash("The result now shows your change and its reason. A different officer must "
          "certify it.", "success")
    return redirect(url_for("results.results", round_id=round_.id), code=303)


@bp.route("/rounds/<int:round_id>/results/certify", methods=["POST"])
@role_required()
def certify(round_id: int):
    round_ = managed_round_or_404(round_id)
    form = CertifyForm()
    return _act(round_, form, lambda: services.certify(
        round_, current_user._get_current_object(), submission=form.submission.data,
        seen=form.seen.data, read_it=bool(form.read_it.data)), "certify_form",
        "Result certified and published.")
