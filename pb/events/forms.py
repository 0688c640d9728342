"""Decision-day forms: the shape of input only. Dates are typed the UK way (31/12/2026).

``read_paper`` reads the keyboard-only paper entry: staff type the numbers printed
beside the projects, never pick from long lists.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from flask import current_app
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
            raise ValidationError("Enter a real date, day first, for example 11/10/2025.")


class TimeField(StringField):
    """A time of day typed as 14:30 (24-hour clock)."""

    time: time | None = None

    def pre_validate(self, form):
        self.time = None
        match = TIME.match(self.data or "")
        if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
            raise ValidationError("Enter a time on the 24-hour clock, for example 09:30 or 14:00.")
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
            raise ValidationError("This form is out of date. Reload the page and try again.")


class EventForm(FlaskForm):
    name = StringField("Name of the event", validators=[
        DataRequired("Give the event a name, for example Macclesfield Decision Day."),
        Length(max=160)])
    ward_id = SelectField("Whose event is it?", coerce=int, validate_choice=True,
                          description="The whole round, or one ward's share of it (then only "
                                      "that ward's residents check in, and its projects and "
                                      "the area-wide ones are on the ballot).")
    venue = StringField("Venue and address", validators=[
        DataRequired("Say where the event is."), Length(max=300)],
        description="For example: Macclesfield Town Hall, Market Place, SK10 1EA.")
    day = UKDateField("Date", validators=[DataRequired("Enter the date, for example "
                                                       "11/10/2025.")],
                      description="Day first, for example 11/10/2025.")
    starts = TimeField("Starts at", description="24-hour clock, for example 09:30.")
    ends = TimeField("Ends at", description="For example 14:30.")
    accessibility = TextAreaField("Accessibility", validators=[Length(max=2000)],
                                  description="Step-free access, hearing loop, quiet room, "
                                              "toilets, parking, BSL interpreter...")
    contact = StringField("Contact printed on voting cards", validators=[Length(max=200)],
                          description="A phone number or email address people can ask.")
    uses_tablets = BooleanField("Voting on tablets")
    uses_paper = BooleanField("Paper ballots")
    pitch_minutes = IntegerField("Minutes for each pitch", default=3, validators=[
        DataRequired("Enter the minutes each project has to pitch."),
        NumberRange(min=1, max=30, message="Give each pitch between 1 and 30 minutes.")])
    version = HiddenField()


class StaffForm(FlaskForm):
    user_id = SelectField("Person", coerce=int, validate_choice=False)


class DeviceForm(KeyedForm):
    name = StringField("Name of the tablet", validators=[
        DataRequired("Name the tablet, for example Tablet 3 (by the stage)."), Length(max=60)])


class PrintForm(KeyedForm):
    kind = RadioField("What to print", choices=[
        ("cards", "Voting cards (code, QR code, instructions)"),
        ("papers", "Paper ballots, one A4 page each, with its code")], default="cards")
    count = IntegerField("How many", validators=[
        DataRequired("Enter how many to print."),
        NumberRange(min=1, max=500, message="Print between 1 and 500 at a time.")])


class CheckInForm(KeyedForm):
    first_name = StringField("First name", validators=[
        DataRequired("Enter their first name."), Length(max=60)],
        description="Used only to warn of a second check-in with the same details: pb keeps "
                    "no names.")
    postcode = StringField("Postcode", validators=[
        DataRequired("Enter their postcode."), Length(max=10), validate_uk_postcode],
        description="Where they live, work or study, for example SK10 2LH.")
    age_band = SelectField("Age", choices=[("", "Choose their age band")]
                           + [(c, label) for c, label, _lo, _hi in CHECK_IN_AGE_BANDS],
                           validators=[DataRequired("Choose their age band.")])
    born = DateInputField("Date of birth (optional)", validators=[Optional()], past=True,
                          description="If they give it, a ballot they also give online with "
                                      "the same postcode counts once. Not kept. For example, "
                                      "27 3 1984.")
    hand = RadioField("Their voting code", default="card", choices=[
        ("card", "A pre-printed card: type its code below"),
        ("new", "Print a new card for them now")])
    card_code = StringField("Code on the card", validators=[Length(max=40)])
    different_person = BooleanField("This is a different person with the same details")

    def validate_card_code(self, field):
        if self.hand.data == "card" and not (field.data or "").strip():
            raise ValidationError("Type the code on the card you hand them.")


class ReceivedForm(FlaskForm):
    count = IntegerField("Papers taken out of the ballot box", validators=[
        DataRequired("Enter how many papers came out of the box."),
        NumberRange(min=-5000, max=5000, message="Enter a number up to 5,000.")],
        description="Add each box as it is emptied. A negative number corrects a miscount.")


class WaiverForm(FlaskForm):
    reason = TextAreaField("Why count now", validators=[
        DataRequired("Say why the count should run now."), Length(max=2000)])


class PaperEntryForm(FlaskForm):
    code = StringField("Code on the paper", validators=[
        DataRequired("Type the code printed on the paper."), Length(max=40)])
    spoilt = BooleanField("The paper is spoilt")
    spoilt_reason = StringField("Why it is spoilt", validators=[Length(max=200)],
                                description="For example: ticks cannot be read, or more "
                                            "projects chosen than allowed.")

    def validate_spoilt_reason(self, field):
        if self.spoilt.data and not (field.data or "").strip():
            raise ValidationError("Say why the paper is spoilt.")


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
                problems["ticked"] = f"{part[:6]} is not a project number on this paper."
                continue
            choices[numbers[int(part)]] = 1
    elif design in ("points", "scores"):
        top = 5 if design == "scores" else 1000
        for number, pid in numbers.items():
            raw = (form.get(f"n-{number}") or "").strip()
            if not raw:
                continue
            if not _number(raw) or int(raw) > top:
                problems[f"n-{number}"] = f"Type a whole number from 0 to {top}."
            elif int(raw):
                choices[pid] = int(raw)
    else:
        for place in range(1, ranks + 1):
            raw = (form.get(f"rank-{place}") or "").strip()
            if not raw:
                continue
            if not _number(raw) or int(raw) not in numbers:
                problems[f"rank-{place}"] = "Type a project number from the paper."
            elif numbers[int(raw)] in choices:
                problems[f"rank-{place}"] = "That project is ranked already."
            else:
                choices[numbers[int(raw)]] = len(choices) + 1
    return choices, problems
