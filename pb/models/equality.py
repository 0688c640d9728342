"""Equality monitoring answers: optional, anonymous, and never linked to a ballot.

Voters (after voting), decision-day attendees (at check-in) and grant beneficiaries may
answer the questions in ``pb.equality``. Each answer set is stored on its own: no user,
no ballot, no code, and no time finer than the day, and a random id, so that neither a
join nor the order of rows can tie it to how anyone voted. Dashboards only ever show
counts, with small numbers suppressed.
"""

from __future__ import annotations

import secrets
from datetime import date

from sqlalchemy import Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from pb.extensions import db

# The questions follow the 2021 Census for England and Wales (ONS): age in bands, sex,
# whether gender identity is the same as sex registered at birth, the 19 ethnic groups
# under their five headings, and the Equality Act question on long-term conditions.
AGE_BANDS = (
    ("under-16", "Under 16"), ("16-24", "16 to 24"), ("25-34", "25 to 34"),
    ("35-44", "35 to 44"), ("45-54", "45 to 54"), ("55-64", "55 to 64"),
    ("65-74", "65 to 74"), ("75-plus", "75 or over"),
)

SEXES = (("female", "Female"), ("male", "Male"))

GENDER_SAME = (("yes", "Yes"), ("no", "No"))

# ONS 2021: (heading, ((code, label), ...)).
ETHNIC_GROUPS = (
    ("Asian, Asian British or Asian Welsh", (
        ("asian-bangladeshi", "Bangladeshi"), ("asian-chinese", "Chinese"),
        ("asian-indian", "Indian"), ("asian-pakistani", "Pakistani"),
        ("asian-other", "Any other Asian background"))),
    ("Black, Black British, Black Welsh, Caribbean or African", (
        ("black-african", "African"), ("black-caribbean", "Caribbean"),
        ("black-other", "Any other Black, Black British or Caribbean background"))),
    ("Mixed or multiple ethnic groups", (
        ("mixed-white-asian", "White and Asian"),
        ("mixed-white-black-african", "White and Black African"),
        ("mixed-white-black-caribbean", "White and Black Caribbean"),
        ("mixed-other", "Any other Mixed or multiple ethnic background"))),
    ("White", (
        ("white-british", "English, Welsh, Scottish, Northern Irish or British"),
        ("white-irish", "Irish"), ("white-gypsy-traveller", "Gypsy or Irish Traveller"),
        ("white-roma", "Roma"), ("white-other", "Any other White background"))),
    ("Other ethnic group", (
        ("other-arab", "Arab"), ("other-any", "Any other ethnic group"))),
)

ETHNICITY_HEADINGS = {code: heading for heading, groups in ETHNIC_GROUPS
                      for code, _label in groups}
ETHNICITIES = tuple((code, label) for _heading, groups in ETHNIC_GROUPS
                    for code, label in groups)

DISABILITY = (
    ("yes-a-lot", "Yes, limited a lot"), ("yes-a-little", "Yes, limited a little"),
    ("no", "No"),
)

PREFER_NOT = ("prefer-not", "Prefer not to say")

# Field -> (question, answers) for pages, exports and the dashboards' labels.
QUESTIONS = {
    "age_band": ("What is your age?", AGE_BANDS),
    "sex": ("What is your sex?", SEXES),
    "gender_same_as_birth": ("Is the gender you identify with the same as your sex "
                             "registered at birth?", GENDER_SAME),
    "ethnicity": ("What is your ethnic group?", ETHNICITIES),
    "disability": ("Do you have any physical or mental health conditions or illnesses "
                   "lasting or expected to last 12 months or more that reduce your ability "
                   "to carry out day-to-day activities?", DISABILITY),
}


def label(field: str, code: str | None) -> str:
    """The answer's words, for tables and CSV ("Not answered" when skipped)."""
    if code is None:
        return "Not answered"
    if code == PREFER_NOT[0]:
        return PREFER_NOT[1]
    return dict(QUESTIONS[field][1]).get(code, code)


# Who answered: the people the figures describe.
EQUALITY_CONTEXTS = {
    "voter": "Voters",
    "attendee": "Decision-day attendees",
    "beneficiary": "People helped by funded projects",
}


def random_id() -> str:
    # Random, not sequential: the order of rows must not follow the order of ballots.
    return secrets.token_hex(16)


class EqualityResponse(db.Model):
    __tablename__ = "equality_responses"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=random_id)
    context: Mapped[str] = mapped_column(String(20), index=True)
    round_id: Mapped[int | None] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"),
                                                 index=True)
    # The event or grant the answers came through (by context), for per-event figures.
    source_id: Mapped[int | None] = mapped_column(Integer)
    ward_id: Mapped[int | None] = mapped_column(ForeignKey("wards.id", ondelete="SET NULL"))
    age_band: Mapped[str | None] = mapped_column(String(20))
    sex: Mapped[str | None] = mapped_column(String(20))
    gender_same_as_birth: Mapped[str | None] = mapped_column(String(20))
    ethnicity: Mapped[str | None] = mapped_column(String(40))
    disability: Mapped[str | None] = mapped_column(String(20))
    recorded_on: Mapped[date] = mapped_column(Date)
