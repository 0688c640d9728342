"""The programme dashboard, its charts' CSV downloads, and scrutiny's detail page.

Every view reads only: load the filters from the query string, build the figures,
render. One URL serves the page and (to htmx) its fragment, so every filtered view has
its own address and works without JavaScript.
"""

from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from pb import links, policy
from pb.errors import DomainError
from pb.forms import apply_errors
from pb.htmx import render_page_or_fragment
from pb.loaders import visible_round_or_404
from pb.models import Role
from pb.policy import role_required
from pb.scrutiny import detail, equality, figures_cache, interests
from pb.scrutiny import filters as filtering
from pb.scrutiny.dashboard import Dashboard
from pb.scrutiny.forms import RoundInterestForm

bp = Blueprint("scrutiny", __name__)


def _board() -> Dashboard:
    filters = filtering.parse(request.args)
    return Dashboard(filters, sees_all_rounds=policy.can_see_all_turnout(current_user))


def _csv(rows: list[list], filename: str) -> Response:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return Response(out.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/")
def dashboard():
    """The public programme dashboard; htmx gets only the figures."""
    board = _board()
    response = render_page_or_fragment(
        "scrutiny/dashboard.html", "scrutiny/_figures.html", board=board,
        filters=board.filters, figures=figures_cache.figures(board),
        choices=filtering.choices(board.turnout_rounds))
    if board.filters.errors:
        response.status_code = 400
    return response


@bp.route("/charts/<name>.csv")
def chart_csv(name: str):
    """Exactly one chart's data, with the same filters as the page it came from."""
    chart = _board().chart(name)
    if chart is None:
        abort(404)
    return _csv(chart.csv_rows(), f"{name}.csv")


@bp.route("/equality/<field>.csv")
def equality_csv(field: str):
    """One equality table exactly as published: small numbers suppressed."""
    if field not in equality.SHORT_NAMES:
        abort(404)
    table = equality.table(field, filtering.parse(request.args))
    return _csv(equality.csv_rows(table), f"equality-{field}.csv")


@bp.route("/detail")
@role_required(Role.SCRUTINY)
def scrutiny_detail():
    """Non-public decisions with their reasons, for scrutiny (read-only)."""
    policy.require(policy.can_see_scrutiny_detail(current_user))
    filters = filtering.parse(request.args)
    return render_template("scrutiny/detail.html", filters=filters,
                           records=detail.records(filters))


@links.staff
def _interest_link(round_, user):
    if policy.can_declare_round_interest(user, round_):
        yield (_("Declare an interest"), url_for("scrutiny.round_interest", round_id=round_.id))


@bp.route("/rounds/<int:round_id>/interests", methods=["GET", "POST"])
@role_required(Role.OFFICER, Role.EVENT_STAFF, Role.GRANT_OFFICER)
def round_interest(round_id: int):
    """Declare an interest in a round (its officers, event staff and grant officers)."""
    round_ = visible_round_or_404(round_id)
    policy.require(policy.can_declare_round_interest(current_user, round_))
    form, status = RoundInterestForm(), 200
    if form.validate_on_submit():
        try:
            interests.declare_round_interest(round_, current_user, form.nature.data)
        except DomainError as exc:
            apply_errors(form, exc)
            status = exc.status
        else:
            flash(_("Your interest is recorded. Scrutiny can see it."), "success")
            return redirect(url_for("scrutiny.round_interest", round_id=round_.id), 303)
    elif request.method == "POST":
        status = 400
    return render_template("scrutiny/interest.html", round=round_, form=form,
                           declared=interests.declared_by(round_, current_user)), status
