"""Template filters and the navigation that depends on the signed-in person's roles."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import Flask, current_app, url_for
from flask_babel import gettext as _
from flask_login import current_user
from jinja2 import pass_context
from wtforms import Form

from pb.i18n import format_day, format_moment
from pb.models import Role
from pb.money import format_pence


def local_time(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    zone = ZoneInfo(current_app.config["DISPLAY_TIMEZONE"])
    return value.replace(tzinfo=UTC).astimezone(zone)


def format_datetime(value: datetime | None) -> str:
    local = local_time(value)
    if local is None:
        return ""
    return format_moment(local)


def format_date(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = local_time(value)
    return format_day(value)


EMAIL_RE = re.compile(r"[\w.+'-]+@[\w-]+(\.[\w-]+)+")


def hide_emails(text: str | None) -> str:
    """Personal data stays out of what non-admins see (the audit log's details)."""
    return EMAIL_RE.sub("[email hidden]", text or "")


def rule_description(rule: str) -> str:
    from pb.allocation import RULE_DESCRIPTIONS

    return RULE_DESCRIPTIONS.get(rule, "")


def navigation() -> list[tuple[str, str]]:
    """Links for the header, by role (the server still checks every page)."""
    items = [(_("Rounds"), url_for("main.rounds"))]
    if not current_user.is_authenticated:
        return items
    roles = current_user.role_set()
    if current_user.is_admin or roles & {Role.OFFICER, Role.EVENT_STAFF}:
        items.append((_("Manage rounds"), url_for("main.manage")))
    if current_user.is_admin or Role.SCRUTINY in roles:
        items.append((_("Audit log"), url_for("main.audit_log")))
    if current_user.is_admin:
        items.append((_("Admin"), url_for("admin.index")))
    return items


@pass_context
def page_has_errors(context) -> bool:
    """True when a form on the page has errors, a ballot has problems, or the template
    set ``page_error``:
    base.html then starts the page title with "Error: ", as GOV.UK pages do."""
    if context.get("page_error"):
        return True
    problems = context.get("problems")  # a ballot's problems (pb.voting.designs.Problems)
    if callable(getattr(problems, "all", None)) and problems:
        return True
    return any(isinstance(value, Form) and (value.errors or value.form_errors)
               for value in context.get_all().values())


def init_app(app: Flask) -> None:
    app.jinja_env.filters["money"] = format_pence
    app.jinja_env.filters["money_whole"] = lambda p: format_pence(p, whole=True)
    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["hide_emails"] = hide_emails
    app.jinja_env.filters["local_iso"] = lambda v: local_time(v).strftime("%Y-%m-%dT%H:%M") if v else ""
    app.jinja_env.globals["page_has_errors"] = page_has_errors
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def _globals():
        from pb.links import round_links, staff_links
        from pb.models.equality import ETHNIC_GROUPS

        return {"navigation": navigation, "Role": Role, "round_links": round_links,
                "staff_links": staff_links, "rule_description": rule_description,
                "ethnic_groups": ETHNIC_GROUPS}
