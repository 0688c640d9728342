"""What every area's forms share: showing a service's refusal on the form that caused it,
reading numbers safely, and the GOV.UK date input (day, month and year in three boxes)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from flask import request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import Field
from wtforms.validators import StopValidation

from pb.errors import DomainError
from pb.extensions import MAX_PAGE
from pb.i18n import format_day

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


DATE_PARTS = ("day", "month", "year")


@dataclass(frozen=True)
class DatePart:
    """One of a date input's three boxes, as the template draws it."""

    part: str  # "day", "month" or "year"
    id: str
    name: str
    label: str
    value: str
    autocomplete: str | None
    invalid: bool


BOX_LABELS = {"day": _l("Day"), "month": _l("Month"), "year": _l("Year")}


def _missing_message(subject: str, parts: list[str]) -> str:
    """GOV.UK's wording: "Date of birth must include a day and month"."""
    messages = {
        ("day",): _l("%(subject)s must include a day."),
        ("month",): _l("%(subject)s must include a month."),
        ("year",): _l("%(subject)s must include a year."),
        ("day", "month"): _l("%(subject)s must include a day and month."),
        ("day", "year"): _l("%(subject)s must include a day and year."),
        ("month", "year"): _l("%(subject)s must include a month and year."),
    }
    return str(messages[tuple(parts)]) % {"subject": subject}


class DateInputWidget:
    """Drawn by the ``date_input`` macro in templates/_macros/forms.html (which ``field``
    calls for a date): pb marks no HTML safe outside its sanitiser, so there is no Python
    rendering to keep in step with it."""

    def __call__(self, field: DateInputField, **kwargs):
        raise TypeError(f"Render {field.name} with the date_input (or field) macro from "
                        "_macros/forms.html.")


class DateInputField(Field):
    """A date typed in three boxes, day, month and year (the GOV.UK date input).

    The boxes post as ``<name>-day``, ``<name>-month`` and ``<name>-year``; ``data`` is a
    ``date`` or None. Messages name the date by ``subject`` (the label without
    "(optional)" unless given): "Date of birth must include a month", "... must be a real
    date", "... must be in the past" (with ``past=True``). Nothing typed is left to the
    validators, so ``DataRequired("Enter your date of birth")`` or ``Optional()`` decide.
    ``autocomplete="bday"`` gives the boxes bday-day, bday-month and bday-year.
    """

    widget = DateInputWidget()

    def __init__(self, label=None, validators=None, *, subject: str | None = None,
                 past: bool = False, earliest: date | None = date(1900, 1, 1),
                 autocomplete: str | None = None, **kwargs):
        super().__init__(label, validators, **kwargs)
        # Lazy, like the label: read in the language of the request that shows the error.
        self._subject = subject
        self.past = past
        self.earliest = earliest
        self.autocomplete = autocomplete
        self.typed = dict.fromkeys(DATE_PARTS, "")
        self.wrong_parts: tuple[str, ...] = ()

    def process(self, formdata, data=None, extra_filters=None):
        super().process(None, data, extra_filters)
        if isinstance(self.data, date):
            self.typed = {"day": str(self.data.day), "month": str(self.data.month),
                          "year": str(self.data.year)}
        if formdata is None:
            return
        names = [f"{self.name}-{part}" for part in DATE_PARTS]
        if not any(name in formdata for name in names):
            return
        self.typed = {part: (formdata.get(name) or "").strip()[:10]
                      for part, name in zip(DATE_PARTS, names, strict=True)}
        self.data = None
        # raw_data is what Optional() and InputRequired() look at: empty when nothing was typed.
        self.raw_data = ["".join(self.typed.values())] if any(self.typed.values()) else []

    @property
    def subject(self) -> str:
        """The date's name in messages: given, else the label without "(optional)"."""
        if self._subject:
            return str(self._subject)
        return str(self.label.text).replace(_("(optional)"), "").replace("(optional)", "").strip()

    def pre_validate(self, form):
        self.wrong_parts = ()
        if not any(self.typed.values()):
            self.data = None
            return
        self.data = self._parse()

    def _refuse(self, message: str, parts: Iterable[str] = DATE_PARTS):
        self.wrong_parts = tuple(parts)
        self.data = None
        raise StopValidation(message)

    def _parse(self) -> date:
        missing = [part for part in DATE_PARTS if not self.typed[part]]
        if missing:  # not all three: pre_validate leaves an empty date to the validators
            self._refuse(_missing_message(self.subject, missing), missing)
        not_numbers = [p for p in DATE_PARTS if not (self.typed[p].isascii()
                                                     and self.typed[p].isdigit()
                                                     and len(self.typed[p]) <= 4)]
        if not_numbers:
            self._refuse(_("%(subject)s must be a real date.", subject=self.subject), not_numbers)
        if len(self.typed["year"]) != 4:
            self._refuse(_("Year must include 4 numbers."), ["year"])
        day, month, year = (int(self.typed[p]) for p in DATE_PARTS)
        try:
            when = date(year, month, day)
        except (ValueError, OverflowError):
            month_ok = 1 <= month <= 12  # then the day is past the month's end
            wrong = [p for p, bad in (("day", month_ok or not 1 <= day <= 31),
                                      ("month", not month_ok)) if bad]
            self._refuse(_("%(subject)s must be a real date.", subject=self.subject), wrong)
        if self.past and when >= date.today():
            self._refuse(_("%(subject)s must be in the past.", subject=self.subject))
        if self.earliest and when < self.earliest:
            self._refuse(_("%(subject)s must be the same as or after %(date)s.",
                           subject=self.subject, date=format_day(self.earliest)))
        return when

    def boxes(self) -> list[DatePart]:
        """The day, month and year boxes with what was typed in each."""
        wrong = set(self.wrong_parts) if self.errors else set()
        return [DatePart(part, f"{self.id}-{part}", f"{self.name}-{part}", str(BOX_LABELS[part]),
                         self.typed[part],
                         f"{self.autocomplete}-{part}" if self.autocomplete else None,
                         part in wrong or (bool(self.errors) and not wrong))
                for part in DATE_PARTS]

    @property
    def first_id(self) -> str:
        """Where the error summary's link goes: the first box in error, else the day."""
        wrong = [p for p in DATE_PARTS if p in self.wrong_parts] if self.errors else []
        return f"{self.id}-{wrong[0] if wrong else 'day'}"
