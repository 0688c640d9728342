"""Decision-day forms: the shape of input only. Dates are typed the UK way (31/12/2026).

``read_paper`` reads the keyboard-only paper entry: staff type the numbers printed
beside the projects, never pick from long lists.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from pb import submissions
from pb.auth.forms import validate_uk_postcode
from pb.forms import DateInputField
from pb.models.event import CHECK_IN_AGE_BANDS

UK_DATE = re.compile(r"^\s*(\d{1,2})[/.\-\s](\d{1,2})[/.\-\s](\d{4})\s*$")
ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})\s*$")
TIME = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")


def parse_uk_date(text: str) -> date | None:
    """'11/10/2025' (day first, as in the UK) -> a date; ISO (2025-10-11) is read too."""
    match = UK_DATE.match(text or "")
    if match:
        day, month, year = (int(g) for g in match.groups())
    elif match := ISO_DATE.match(text or ""):
        year, month, day = (int(g) for g in match.groups())
    else:
        return None
    if not 1900 <= year <= 2200:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def uk_date(value) -> str:
    """A date or datetime as the UK writes it: 11/10/2025."""
    return value.strftime("%d/%m/%Y") if value else ""


class UKDateField(StringField):
    """A date typed day first (31/12/2026); ``data`` stays the text, ``date`` is parsed."""

    date: date | None = None

    def pre_validate(self, form):
        self.date = None
        if not (self.data or "").strip():
            return
        self.date = parse_uk_date(self.data)
        if self.date is None:
            raise ValidationError(_("Enter a real date, day first, for example 11/10/2025."))


class TimeField(StringField):
    """A time of day typed as 14:30 (24-hour clock)."""

    time: time | None = None

    def pre_validate(self, form):
        self.time = None
        match = TIME.match(self.data or "")
        if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
            raise ValidationError(
                _("Enter a time on the 24-hour clock, for example 09:30 or 14:00."))
        self.time = time(int(match.group(1)), int(match.group(2)))


def local_to_utc(day: date, at: time) -> datetime:
    """A UK wall-clock time as naive UTC (what the database keeps)."""
    zone = ZoneInfo(current_app.config["DISPLAY_TIMEZONE"])
    return datetime.combine(day, at, zone).astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


class KeyedForm(FlaskForm):
    """A form that creates something carries a submission key (pb.submissions)."""

    submission = HiddenField()

    def validate_submission(self, field):
        if not submissions.is_key(field.data):
            raise ValidationError(_("This form is out of date. Reload the page and try again."))


class EventForm(FlaskForm):
    name = StringField(_l("Name of the event"), validators=[
        DataRequired(_l("Give the event a name, for example Macclesfield Decision Day.")),
        Length(max=160)])
    ward_id = SelectField(_l("Whose event is it?"), coerce=int, validate_choice=True,
                          description=_l("The whole round, or one ward's share of it (then only "
                                      "that ward's residents check in, and its projects and "
                                      "the area-wide ones are on the ballot)."))
    venue = StringField(_l("Venue and address"), validators=[
        DataRequired(_l("Say where the event is.")), Length(max=300)],
        description=_l("For example: Macclesfield Town Hall, Market Place, SK10 1EA."))
    day = UKDateField(_l("Date"), validators=[DataRequired(_l("Enter the date, for example "
                                                       "11/10/2025."))],
                      description=_l("Day first, for example 11/10/2025."))
    starts = TimeField(_l("Starts at"), description=_l("24-hour clock, for example 09:30."))
    ends = TimeField(_l("Ends at"), description=_l("For example 14:30."))
    accessibility = TextAreaField(_l("Accessibility"), validators=[Length(max=2000)],
                                  description=_l("Step-free access, hearing loop, quiet room, "
                                              "toilets, parking, BSL interpreter..."))
    contact = StringField(_l("Contact printed on voting cards"), validators=[Length(max=200)],
                          description=_l("A phone number or email address people can ask."))
    uses_tablets = BooleanField(_l("Voting on tablets"))
    uses_paper = BooleanField(_l("Paper ballots"))
    pitch_minutes = IntegerField(_l("Minutes for each pitch"), default=3, validators=[
        DataRequired(_l("Enter the minutes each project has to pitch.")),
        NumberRange(min=1, max=30, message=_l("Give each pitch between 1 and 30 minutes."))])
    version = HiddenField()


class StaffForm(FlaskForm):
    user_id = SelectField(_l("Person"), coerce=int, validate_choice=False)


class DeviceForm(KeyedForm):
    name = StringField(_l("Name of the tablet"), validators=[
        DataRequired(_l("Name the tablet, for example Tablet 3 (by the stage).")), Length(max=60)])


class PrintForm(KeyedForm):
    kind = RadioField(_l("What to print"), choices=[
        ("cards", _l("Voting cards (code, QR code, instructions)")),
        ("papers", _l("Paper ballots, one A4 page each, with its code"))], default="cards")
    count = IntegerField(_l("How many"), validators=[
        DataRequired(_l("Enter how many to print.")),
        NumberRange(min=1, max=500, message=_l("Print between 1 and 500 at a time."))])


class CheckInForm(KeyedForm):
    first_name = StringField(_l("First name"), validators=[
        DataRequired(_l("Enter their first name.")), Length(max=60)],
        description=_l("Used only to warn of a second check-in with the same details: pb keeps "
                    "no names."))
    postcode = StringField(_l("Postcode"), validators=[
        DataRequired(_l("Enter their postcode.")), Length(max=10), validate_uk_postcode],
        description=_l("Where they live, work or study, for example SK10 2LH."))
    age_band = SelectField(_l("Age"), choices=[("", _l("Choose their age band"))]
                           + [(c, label) for c, label, _lo, _hi in CHECK_IN_AGE_BANDS],
                           validators=[DataRequired(_l("Choose their age band."))])
    born = DateInputField(_l("Date of birth (optional)"), validators=[Optional()], past=True,
                          description=_l("If they give it, a ballot they also give online with "
                                      "the same postcode counts once. Not kept. For example, "
                                      "27 3 1984."))
    hand = RadioField(_l("Their voting code"), default="card", choices=[
        ("card", _l("A pre-printed card: type its code below")),
        ("new", _l("Print a new card for them now"))])
    card_code = StringField(_l("Code on the card"), validators=[Length(max=40)])
    different_person = BooleanField(_l("This is a different person with the same details"))

    def validate_card_code(self, field):
        if self.hand.data == "card" and not (field.data or "").strip():
            raise ValidationError(_("Type the code on the card you hand them."))


class ReceivedForm(FlaskForm):
    count = IntegerField(_l("Papers taken out of the ballot box"), validators=[
        DataRequired(_l("Enter how many papers came out of the box.")),
        NumberRange(min=-5000, max=5000, message=_l("Enter a number up to 5,000."))],
        description=_l("Add each box as it is emptied. A negative number corrects a miscount."))


class WaiverForm(FlaskForm):
    reason = TextAreaField(_l("Why count now"), validators=[
        DataRequired(_l("Say why the count should run now.")), Length(max=2000)])


class PaperEntryForm(FlaskForm):
    code = StringField(_l("Code on the paper"), validators=[
        DataRequired(_l("Type the code printed on the paper.")), Length(max=40)])
    spoilt = BooleanField(_l("The paper is spoilt"))
    spoilt_reason = StringField(_l("Why it is spoilt"), validators=[Length(max=200)],
                                description=_l("For example: ticks cannot be read, or more "
                                            "projects chosen than allowed."))

    def validate_spoilt_reason(self, field):
        if self.spoilt.data and not (field.data or "").strip():
            raise ValidationError(_("Say why the paper is spoilt."))


NUMBERS = re.compile(r"[\s,;]+")


def _number(text: str) -> bool:
    """Plain digits (0-9), short enough to be a number on a paper."""
    return text.isascii() and text.isdigit() and len(text) <= 6


def read_paper(design: str, ranks: int, numbers: dict[int, int], form) -> tuple[dict, dict]:
    """The choices keyed, by proposal id, and problems by field name.

    ``numbers`` maps each number printed on the paper to its proposal. Approval and
    budget papers: the ticked numbers in one box ("3 7 12"); scores and points: a box
    per project (n-<number>); ranking: the number in each place (rank-1, rank-2, ...).
    """
    choices: dict[int, int] = {}
    problems: dict[str, str] = {}
    if design in ("approval", "budget"):
        for part in NUMBERS.split((form.get("ticked") or "").strip()):
            if not part:
                continue
            if not _number(part) or int(part) not in numbers:
                problems["ticked"] = _("%(number)s is not a project number on this paper.",
                                      number=part[:6])
                continue
            choices[numbers[int(part)]] = 1
    elif design in ("points", "scores"):
        top = 5 if design == "scores" else 1000
        for number, pid in numbers.items():
            raw = (form.get(f"n-{number}") or "").strip()
            if not raw:
                continue
            if not _number(raw) or int(raw) > top:
                problems[f"n-{number}"] = _("Type a whole number from 0 to %(top)d.", top=top)
            elif int(raw):
                choices[pid] = int(raw)
    else:
        for place in range(1, ranks + 1):
            raw = (form.get(f"rank-{place}") or "").strip()
            if not raw:
                continue
            if not _number(raw) or int(raw) not in numbers:
                problems[f"rank-{place}"] = _("Type a project number from the paper.")
            elif numbers[int(raw)] in choices:
                problems[f"rank-{place}"] = _("That project is ranked already.")
            else:
                choices[numbers[int(raw)]] = len(choices) + 1
    return choices, problems
