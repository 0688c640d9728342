"""Results pages: the count, the override, certification, the published result."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from pb import links
from pb.allocation import RULE_DESCRIPTIONS
from pb.loaders import managed_round_or_404, visible_round_or_404
from pb.models import Round
from pb.models.round import TIE_BREAKS
from pb.policy import can_certify_result, can_manage_round, can_scrutinise, role_required
from pb.results import services

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


def _page(round_: Round, *, status: int = 200, errors: dict | None = None,
          form_values: dict | None = None):
    result = services.result_for(round_)
    published = result is not None and result.is_certified
    if not published and not _may_see_unpublished(round_):
        if round_.status in ("closed", "results"):
            return render_template("results/pending.html", round=round_), 200
        abort(404)
    rows = services.result_rows(result, round_) if result else []
    return render_template(
        "results/results.html", round=round_, result=result, rows=rows, published=published,
        rule_description=RULE_DESCRIPTIONS.get(round_.allocation_rule, ""),
        tie_break_label=TIE_BREAKS.get(round_.tie_break, round_.tie_break),
        votes_label=VOTES_LABEL.get(round_.ballot_design, "Votes"),
        points_label=POINTS_LABEL.get(round_.ballot_design),
        can_manage=can_manage_round(current_user, round_),
        can_certify=result is not None and can_certify_result(current_user, round_, result),
        errors=errors or {}, form_values=form_values or {}), status


@bp.route("/rounds/<int:round_id>/results")
def results(round_id: int):
    return _page(visible_round_or_404(round_id))


def _refused(round_: Round, exc: services.ResultError, **kwargs):
    if exc.field:
        return _page(round_, status=exc.status, errors={exc.field: exc.message}, **kwargs)
    return _page(round_, status=exc.status, errors={"": exc.message}, **kwargs)


@bp.route("/rounds/<int:round_id>/results/tally", methods=["POST"])
@role_required()
def run_tally(round_id: int):
    round_ = managed_round_or_404(round_id)
    try:
        result = services.tally(round_, current_user._get_current_object())
    except services.ResultError as exc:
        return _refused(round_, exc)
    flash(f"Counted {result.ballots_counted} ballots with {result.rule}. A second officer must "
          "now check and certify the result.", "success")
    return redirect(url_for("results.results", round_id=round_.id), code=303)


@bp.route("/rounds/<int:round_id>/results/override", methods=["POST"])
@role_required()
def override(round_id: int):
    round_ = managed_round_or_404(round_id)
    selected = request.form.getlist("selected")
    reason = request.form.get("reason", "")
    try:
        services.override(round_, current_user._get_current_object(), selected, reason)
    except services.ResultError as exc:
        return _refused(round_, exc, form_values={"selected": selected, "reason": reason})
    flash("The result now shows your change and its reason. A different officer must "
          "certify it.", "success")
    return redirect(url_for("results.results", round_id=round_.id), code=303)


@bp.route("/rounds/<int:round_id>/results/certify", methods=["POST"])
@role_required()
def certify(round_id: int):
    round_ = managed_round_or_404(round_id)
    try:
        services.certify(round_, current_user._get_current_object())
    except services.ResultError as exc:
        return _refused(round_, exc)
    flash("Result certified and published.", "success")
    return redirect(url_for("results.results", round_id=round_.id), code=303)
