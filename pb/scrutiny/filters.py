"""The dashboard's filters: read from the query string, so every filtered view has its URL.

Round, area, ward, theme and a date range. Each figure says which filters apply to it:
a grant is in range by its award date, a result by when it was certified, a ballot by
when it was cast and an equality answer by the day it was given. Theme has no meaning
for turnout or equality answers, which are not about a project.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from pb.extensions import db
from pb.forms import db_id
from pb.models import Area, Round, Theme, Ward
from pb.models.grant import grant_themes, grant_wards

KEYS = ("round", "area", "ward", "theme", "from", "to")


@dataclass
class Filters:
    round_id: int | None = None
    area_id: int | None = None
    ward_id: int | None = None
    theme_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    text: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not any((self.round_id, self.area_id, self.ward_id, self.theme_id,
                        self.date_from, self.date_to))

    def args(self) -> dict:
        """The filters as query-string arguments (for links, CSV downloads and forms)."""
        values = {"round": self.round_id, "area": self.area_id, "ward": self.ward_id,
                  "theme": self.theme_id,
                  "from": self.date_from.isoformat() if self.date_from else None,
                  "to": self.date_to.isoformat() if self.date_to else None}
        return {key: value for key, value in values.items() if value}

    def starts(self) -> datetime | None:
        return datetime.combine(self.date_from, time.min) if self.date_from else None

    def ends_before(self) -> datetime | None:
        """The first moment after the range (the "to" day is included)."""
        return datetime.combine(self.date_to + timedelta(days=1), time.min) \
            if self.date_to else None


def _parse_date(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None


def parse(args: Mapping) -> Filters:
    """Filters from the query string. Unknown ids match nothing; a date that is not a
    date is an error shown next to its field (and the filter left off)."""
    text = {key: (args.get(key) or "").strip()[:20] for key in KEYS}
    found = Filters(text=text)
    found.round_id = db_id(text["round"])
    found.area_id = db_id(text["area"])
    found.ward_id = db_id(text["ward"])
    found.theme_id = db_id(text["theme"])
    wrong = {"from": _("From: enter a date as YYYY-MM-DD, for example 2025-10-13."),
             "to": _("To: enter a date as YYYY-MM-DD, for example 2025-10-13.")}
    for key, attr in (("from", "date_from"), ("to", "date_to")):
        if text[key]:
            value = _parse_date(text[key])
            if value is None:
                found.errors[key] = wrong[key]
            setattr(found, attr, value)
    if found.date_from and found.date_to and found.date_to < found.date_from:
        found.errors["to"] = _("The end date cannot come before the start date.")
        found.date_to = None
    return found


def grant_conditions(filters: Filters, grant) -> list:
    """Conditions on the Grant table (``grant`` is the model) for the filters."""
    conditions = []
    if filters.round_id:
        conditions.append(grant.round_id == filters.round_id)
    if filters.area_id:
        conditions.append(grant.area_id == filters.area_id)
    if filters.ward_id:
        conditions.append(grant.id.in_(select(grant_wards.c.grant_id)
                                       .where(grant_wards.c.ward_id == filters.ward_id)))
    if filters.theme_id:
        conditions.append(grant.id.in_(select(grant_themes.c.grant_id)
                                       .where(grant_themes.c.theme_id == filters.theme_id)))
    if filters.date_from:
        conditions.append(grant.award_date >= filters.date_from)
    if filters.date_to:
        conditions.append(grant.award_date <= filters.date_to)
    return conditions


@dataclass
class Choices:
    rounds: list
    areas: list
    wards: list
    themes: list


def choices(rounds: list[Round]) -> Choices:
    """What the filter form offers: the rounds the reader may see, every area, ward and
    theme (three queries)."""
    areas = list(db.session.scalars(select(Area).order_by(Area.name)))
    wards = list(db.session.execute(select(Ward, Area.name).join(Area)
                                    .order_by(Area.name, Ward.name)).all())
    themes = list(db.session.scalars(select(Theme).order_by(Theme.name)))
    return Choices(rounds, areas, wards, themes)
