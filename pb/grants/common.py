"""What every grants use case shares: its error, the clock, the lock, and small checks."""

from __future__ import annotations

import functools
from datetime import date

from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError

from pb.errors import Conflict, DomainError, NotAllowed, refuse
from pb.extensions import db
from pb.models.base import utcnow
from pb.money import MoneyError, parse_pounds

REASON_MIN = 10


def stale() -> str:
    """The message for a change made on a page that is no longer current (the lock)."""
    return _("Someone else changed this grant while you were working on it, so nothing was "
             "saved. Reload the page to see their change, then try again.")


class GrantError(DomainError):
    """A grants use case that cannot be done; ``message`` says why and what to do."""


class GrantClosed(GrantError):
    status = Conflict.status


# Tests move the clock by setting this (``monkeypatch.setattr(common, "FIXED_TODAY", d)``).
FIXED_TODAY: date | None = None


def today() -> date:
    """The date now (UK dates are close enough to UTC for day-level rules)."""
    return FIXED_TODAY or utcnow().date()


def commit() -> None:
    """Commit the use case; a concurrent change to the same row becomes a 409, not a 500."""
    try:
        db.session.commit()
    except StaleDataError as exc:
        raise refuse(Conflict(stale())) from exc


def use_case(function):
    """Run a use case: any refusal rolls back what it changed (so a view can show the form
    again from the request), and a concurrent update to the same row (the optimistic lock)
    becomes a 409 conflict instead of a 500."""

    @functools.wraps(function)
    def wrapped(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except StaleDataError as exc:
            raise refuse(Conflict(stale())) from exc
        except DomainError:
            db.session.rollback()
            raise

    return wrapped


def check_version(obj, expected: int | str | None) -> None:
    """The page the person acted on showed ``expected``; refuse if the row moved on since."""
    if expected in (None, ""):
        return
    try:
        expected = int(expected)
    except (TypeError, ValueError):
        expected = -1
    if expected != obj.version:
        raise Conflict(stale())


def touch(grant) -> None:
    """Mark the grant changed (its last-modified date, and its lock's version)."""
    grant.updated_at = utcnow()


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise NotAllowed(message)


def refuse_if_closed(grant) -> None:
    if grant.status == "closed":
        raise GrantClosed(_("This grant is closed, so it cannot change. Record a correction "
                          "with a reason instead."))
    if grant.status == "withdrawn":
        raise GrantClosed(_("This grant was withdrawn, so it cannot change."))


def clean_reason(text: str | None, field: str = "reason", what: str = "the reason") -> str:
    reason = (text or "").strip()
    if len(reason) < REASON_MIN:
        raise GrantError(_("Give %(what)s in a sentence (at least "
                           "%(least)d characters).", what=what, least=REASON_MIN),
                         field=field)
    return reason[:2000]


def parse_money(text: str | None, field: str, *, allow_zero: bool = False) -> int:
    try:
        pence = parse_pounds(text or "")
    except MoneyError as exc:
        raise GrantError(str(exc), field=field) from exc
    if pence < 0 or (pence == 0 and not allow_zero):
        raise GrantError(_("Enter an amount above £0."), field=field)
    return pence


def parse_date(text: str | None, field: str, *, required: bool = True) -> date | None:
    value = (text or "").strip()
    if not value:
        if required:
            raise GrantError(_("Enter a date, for example 2026-03-31."), field=field)
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise GrantError(_("Enter the date as year-month-day, for example 2026-03-31."),
                         field=field) from exc


def parse_count(text: str | None, field: str, *, required: bool = True) -> int | None:
    value = (text or "").strip().replace(",", "")
    if not value:
        if required:
            raise GrantError(_("Enter a whole number (0 if none)."), field=field)
        return None
    if not (value.isascii() and value.isdigit()) or len(value) > 12:
        raise GrantError(_("Enter a whole number, for example 12."), field=field)
    number = int(value)
    if number > 10_000_000:
        raise GrantError(_("That number is too large."), field=field)
    return number


def within_period(grant, when: date, field: str, what: str) -> None:
    """Refuse a date outside the grant period (a common slip when typing dates)."""
    if grant.start_date and grant.end_date and not grant.start_date <= when <= grant.end_date:
        raise GrantError(_("%(what)s must fall within the grant period, %(start)s to %(end)s.",
                           what=what, start=f"{grant.start_date:%-d %B %Y}",
                           end=f"{grant.end_date:%-d %B %Y}"),
                         field=field)
