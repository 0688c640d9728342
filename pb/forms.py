"""What every area's forms share: showing a service's refusal on the form that caused it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from flask import request

from pb.errors import DomainError
from pb.extensions import MAX_PAGE

MAX_DB_INT = 2**31 - 1  # PostgreSQL's integer; bigger numbers cannot be ids or counts


def db_id(value) -> int | None:
    """A positive whole number that fits a database integer, from what a person (or an
    attacker) typed; None for anything else (use as ``request.args.get(..., type=db_id)``).
    """
    text = str(value if value is not None else "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 10:
        return None
    number = int(text)
    return number if 0 < number <= MAX_DB_INT else None


def small_int(value, low: int, high: int) -> int | None:
    """A whole number from ``low`` to ``high`` from user input, else None (never raises)."""
    text = str(value if value is not None else "").strip()
    if not (text.isascii() and text.lstrip("-").isdigit()) or len(text) > 12:
        return None
    number = int(text)
    return number if low <= number <= high else None


def page_arg(name: str = "page") -> int:
    """The page number asked for in the query string, always one a list can serve.

    Missing, not a number, or below 1 means page 1; above ``MAX_PAGE`` means
    ``MAX_PAGE`` (an empty page past the end). Never raises, so a hostile ``?page=``
    cannot make a 500.
    """
    raw = request.args.get(name, "").strip()
    if not (raw.isascii() and raw.isdigit()):
        return 1
    if len(raw) > len(str(MAX_PAGE)):  # int() of thousands of digits would itself raise
        return MAX_PAGE
    return min(max(int(raw), 1), MAX_PAGE)


def apply_errors(form, errors: DomainError | Mapping[str, str], *,
                 set_aside: Iterable[str] = ()) -> dict[str, str]:
    """Put each error next to its field, and the rest above the form.

    ``errors`` is a ``DomainError`` or a mapping of field names to messages (the key
    ``"form"`` means no one field). Errors named in ``set_aside`` are not placed but
    returned, for parts of the page that show them themselves (a budget table, say).
    """
    if isinstance(errors, DomainError):
        errors = errors.errors
    kept: dict[str, str] = {}
    aside = set(set_aside)
    for name, message in errors.items():
        if name in aside:
            kept[name] = message
            continue
        target = getattr(form, name, None) if name != "form" else None
        if target is None or not hasattr(target, "errors"):
            if message not in form.form_errors:
                form.form_errors.append(message)
        else:
            target.errors = [*(target.errors or []), message]
    return kept
