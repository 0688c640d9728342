"""The audit log page: readable entries, filters, the chain's state and its anchors.

Its routes join the ``main`` blueprint (``pb.main.views`` imports this module).
"""

from __future__ import annotations

from datetime import datetime

from flask import request
from flask_login import current_user

from pb.anchors import last_verification, read_anchors
from pb.audit import verify_chain
from pb.extensions import db
from pb.forms import page_arg
from pb.htmx import render_page_or_fragment
from pb.main.views import bp
from pb.models import Role
from pb.opendata import audit_trail
from pb.opendata.csvout import csv_response
from pb.policy import can_scrutinise, require, role_required
from pb.templating import hide_emails

AUDIT_PAGE = 50


@bp.route("/audit")
@role_required(Role.SCRUTINY)
def audit_log():
    require(can_scrutinise(current_user))
    filters = audit_trail.AuditFilters.from_args(request.args)
    entries = db.paginate(audit_trail.filtered_query(filters), page=page_arg(),
                          per_page=AUDIT_PAGE, error_out=False)
    rows = audit_trail.describe(entries.items, show_residents=current_user.is_admin)
    return render_page_or_fragment(
        "main/audit.html", "main/_audit_entries.html", entries=entries, rows=rows,
        filters=filters, args=filters.as_args(), choices=audit_trail.filter_choices(),
        check=verify_chain(), verified=with_time(last_verification()),
        anchors=[with_time(a) for a in read_anchors()[-5:][::-1]])


def with_time(record: dict | None) -> dict | None:
    """The record with its ISO "at" read as a datetime, for the page's date format."""
    if record is None:
        return None
    try:
        when = datetime.fromisoformat(str(record.get("at", "")).removesuffix("Z"))
    except ValueError:
        when = None
    return {**record, "when": when}


@bp.route("/audit.csv")
@role_required(Role.SCRUTINY)
def audit_csv():
    require(can_scrutinise(current_user))
    filters = audit_trail.AuditFilters.from_args(request.args)
    admin = current_user.is_admin
    rows = audit_trail.csv_rows(filters, show_residents=admin,
                                hide=(lambda text: text) if admin else hide_emails)
    return csv_response("audit-log.csv", audit_trail.CSV_HEADER, rows)
