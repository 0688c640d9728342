"""Money as integer pence: parsing what people type and showing it back."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _

MONEY_RE = re.compile(r"^-?\d+(\.\d{1,2})?$")
# The largest amount pb stores: money columns are 32-bit integers of pence (PostgreSQL's
# integer), £21,474,836.47. Larger amounts are refused as they are typed, so that no
# later sum, format or INSERT meets a number it cannot handle.
MAX_PENCE = 2**31 - 1


class MoneyError(ValueError):
    pass


def parse_pounds(text: str) -> int:
    """'£1,234.5' -> 123450 pence. Refuses fractions of a penny and nonsense."""
    cleaned = (text or "").strip().replace("£", "").replace(",", "").replace(" ", "")
    if not cleaned:
        raise MoneyError(_("Enter an amount in pounds, for example 1,250.00."))
    if not MONEY_RE.match(cleaned):
        raise MoneyError(_("Enter an amount in pounds and pence, for example 1,250.00."))
    if len(cleaned.lstrip("-").split(".")[0]) > len(str(MAX_PENCE // 100)):
        raise MoneyError(_("Enter an amount up to %(amount)s.", amount=format_pence(MAX_PENCE)))
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:  # pragma: no cover - the regex already checked
        raise MoneyError(_("Enter an amount in pounds, for example 1,250.00.")) from exc
    pence = int(value * 100)
    if abs(pence) > MAX_PENCE:
        raise MoneyError(_("Enter an amount up to %(amount)s.", amount=format_pence(MAX_PENCE)))
    return pence


def format_pence(pence: int | None, *, whole: bool = True) -> str:
    """123450 -> '£1,234.50'; 123400 -> '£1,234' (one way everywhere: pence only when there
    are some). whole=False always shows pence ('£1,234.00'), for columns of sums."""
    if pence is None:
        return ""
    from pb.i18n import format_pounds  # Babel, for the language the page is shown in

    return format_pounds(pence, with_pence=not (whole and int(pence) % 100 == 0))


def pence_to_pounds_text(pence: int | None) -> str:
    """For form fields: 123450 -> '1234.50'."""
    if pence is None:
        return ""
    pounds, rem = divmod(int(pence), 100)
    return f"{pounds}.{rem:02d}"
