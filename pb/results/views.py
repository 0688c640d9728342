"""Results pages: the count, the override, certification, the published result."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from pb import links, submissions
from pb.allocation import RULE_DESCRIPTIONS, RULE_NAMES, RULE_SUMMARIES
from pb.anchors import certified_anchor
from pb.errors import DomainError
from pb.extensions import db
from pb.forms import apply_errors
from pb.loaders import job_or_404, managed_round_or_404, visible_round_or_404
from pb.models import Round
from pb.models.round import TIE_BREAKS as TIE_BREAK_CHOICES
from pb.policy import (
    can_certify_result,
    can_explore_rules,
    can_follow_job,
    can_manage_round,
    can_scrutinise,
    role_required,
)
from pb.results import explorer, presenting, review, services
from pb.results import override as overrides
from pb.results.forms import CertifyForm, ExplorerForm, OverrideForm, ResultActionForm
from pb.voting.services import replaced_counts

bp = Blueprint("results", __name__)

VOTES_LABEL = {"approval": _l("Votes"), "budget": _l("Votes"),
               "ranking": _l("Voters who ranked it"), "points": _l("Votes"),
               "scores": _l("Voters who scored it")}
POINTS_LABEL = {"points": _l("Points"), "scores": _l("Total score")}


@links.public
def _results_links(round_, user):
    if round_.status == "results" or (round_.status == "closed" and (
            can_manage_round(user, round_) or can_scrutinise(user))):
        yield (_("Results"), url_for("results.results", round_id=round_.id),
               round_.status == "results")


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
        votes_label=VOTES_LABEL.get(round_.ballot_design, _l("Votes")),
        points_label=POINTS_LABEL.get(round_.ballot_design),
        can_manage=can_manage_round(current_user, round_),
        can_certify=result is not None and can_certify_result(current_user, round_, result),
        replaced=replaced_counts(round_), breaches=breaches,
        anchor=certified_anchor(result.id) if published else None, **forms), status


def _act(round_: Round, form, use_case, form_name: str, done):
    """Run an officer's action from a results form; on refusal, the page with the reason."""
    if not form.validate_on_submit():
        return _page(round_, status=400, **{form_name: form})
    try:
        result = use_case()
    except DomainError as exc:
        apply_errors(form, exc)
        return _page(round_, status=exc.status, **{form_name: form})
    flash(done(result), "success")
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
        lambda result: _("Counted %(ballots)s ballots with %(rule)s. A second officer must now "
                         "check and certify the result.", ballots=result.ballots_counted,
                         rule=result.rule))


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
    flash(_("The result now shows your change and its reason. A different officer must "
            "certify it."), "success")
    return redirect(url_for("results.results", round_id=round_.id), code=303)


@bp.route("/rounds/<int:round_id>/results/certify", methods=["POST"])
@role_required()
def certify(round_id: int):
    round_ = managed_round_or_404(round_id)
    form = CertifyForm()
    return _act(round_, form, lambda: services.certify(
        round_, current_user._get_current_object(), submission=form.submission.data,
        seen=form.seen.data, read_it=bool(form.read_it.data)), "certify_form",
        lambda result: _("Result certified and published."))


# The rule explorer ------------------------------------------------------------------------

def _explorer_form() -> ExplorerForm:
    form = ExplorerForm()
    rounds = [r for r in services.closed_rounds_for(current_user) if can_manage_round(current_user, r)]
    form.round_id.choices = [(0, "None: I will upload a file")] + [(r.id, r.name) for r in rounds]
    form.rules.choices = list(RULE_NAMES.items())
    form.tie_breaks.choices = [(t, TIE_BREAK_CHOICES[t]) for t in explorer.TIE_BREAKS]
    form.settings.choices = list(explorer.SETTINGS.items())
    if not form.is_submitted():
        form.rules.data = ["greedy-approval", "mes-cost-add1", "phragmen"]
        form.tie_breaks.data = ["id"]
        form.settings.data = ["min1"]
    return form


@bp.route("/explorer", methods=["GET", "POST"])
@role_required()
def explorer_start():
    if not can_explore_rules(current_user):
        abort(403)
    form = _explorer_form()
    status = 200
    if form.validate_on_submit():
        round_ = db.session.get(Round, form.round_id.data) if form.round_id.data else None
        upload = None
        if form.upload.data and not round_:
            with form.upload.data.stream as stream:  # a large upload is a temporary file
                upload = stream.read()
        try:
            job_id = explorer.start(current_user._get_current_object(), round_=round_,
                                    upload=upload, rules=form.rules.data or [],
                                    tie_breaks=form.tie_breaks.data or [],
                                    settings=form.settings.data or [])
        except DomainError as exc:
            apply_errors(form, exc)
            status = exc.status
        else:
            return redirect(url_for("jobs.progress", job_id=job_id), code=303)
    elif form.is_submitted():
        status = 400
    return render_template("results/explorer.html", form=form,
                           max_mb=current_app.config["UPLOAD_MAX_BYTES"] // 1_000_000,
                           timeout=current_app.config["JOB_TIMEOUT_SECONDS"],
                           max_runs=explorer.MAX_RUNS), status


@bp.route("/explorer/<job_id>")
@role_required()
def explorer_result(job_id: str):
    job = job_or_404(job_id)
    if job.kind != "explore-rules" or not can_follow_job(current_user, job):
        abort(404)
    if job.status != "done":
        return redirect(url_for("jobs.progress", job_id=job.id))
    result = job.result
    return render_template("results/explorer_result.html", job=job, result=result,
                           differences=explorer.differences(result))
