"""The programme dashboard, its charts' CSV downloads, and scrutiny's detail page.

Every view reads only: load the filters from the query string, build the figures,
render. One URL serves the page and (to htmx) its fragment, so every filtered view has
its own address and works without JavaScript.
"""

from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, abort, render_template, request
from flask_login import current_user

from pb import policy
from pb.htmx import render_page_or_fragment
from pb.models import Role
from pb.policy import role_required
from pb.scrutiny import detail, equality
from pb.scrutiny import filters as filtering
from pb.scrutiny.charts import svg
from pb.scrutiny.dashboard import Dashboard

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
        "scrutiny/dashboard.html", "scrutiny/_dashboard.html", board=board,
        filters=board.filters, charts=board.charts(), svg=svg,
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
