"""Equality monitoring on the dashboard: who took part against the area's profile.

Counts come from ``EqualityResponse`` (answers kept apart from ballots, never linked to
one), grouped in SQL by answer and by who answered (voters, decision-day attendees,
people helped by funded projects). Every published count passes through
``pb.scrutiny.suppression.suppress``: under 5 shows as "<5", and other cells are hidden
("[c]") so that a hidden one cannot be worked out from the totals. Percentages are only
given for rows whose count is shown.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, or_, select

from pb.extensions import db
from pb.models import AreaProfile, EqualityResponse, Round, Ward
from pb.models.equality import (
    EQUALITY_CONTEXTS,
    ETHNIC_GROUPS,
    ETHNICITY_HEADINGS,
    PREFER_NOT,
    QUESTIONS,
)
from pb.scrutiny.filters import Filters
from pb.scrutiny.suppression import suppress
from pb.scrutiny.turnout import percent

NOT_ANSWERED = "Not answered"
# The dashboard groups ethnicity by the ONS's five headings (19 groups would hide most
# cells); the answers keep the full detail.
SHORT_NAMES = {"age_band": "Age", "sex": "Sex", "gender_same_as_birth": "Gender identity",
               "ethnicity": "Ethnic group", "disability": "Disability"}


def categories(field: str) -> list[tuple[str, str]]:
    """(code, label) rows for a question, then "prefer not to say" and "not answered"."""
    if field == "ethnicity":
        rows = [(heading, heading) for heading, _groups in ETHNIC_GROUPS]
    else:
        rows = list(QUESTIONS[field][1])
    return rows + [PREFER_NOT, ("", NOT_ANSWERED)]


def _conditions(filters: Filters) -> list:
    conditions = []
    if filters.round_id:
        conditions.append(EqualityResponse.round_id == filters.round_id)
    if filters.area_id:
        in_area_rounds = select(Round.id).where(Round.area_id == filters.area_id)
        in_area_wards = select(Ward.id).where(Ward.area_id == filters.area_id)
        conditions.append(or_(EqualityResponse.round_id.in_(in_area_rounds),
                              EqualityResponse.ward_id.in_(in_area_wards)))
    if filters.ward_id:
        conditions.append(EqualityResponse.ward_id == filters.ward_id)
    if filters.date_from:
        conditions.append(EqualityResponse.recorded_on >= filters.date_from)
    if filters.date_to:
        conditions.append(EqualityResponse.recorded_on <= filters.date_to)
    return conditions


def raw_counts(field: str, filters: Filters) -> dict[tuple[str, str], int]:
    """(category code, context) -> count, unsuppressed. Never published as it is."""
    column = getattr(EqualityResponse, field)
    rows = db.session.execute(select(column, EqualityResponse.context, func.count())
                              .where(*_conditions(filters))
                              .group_by(column, EqualityResponse.context)).all()
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for code, context, count in rows:
        if field == "ethnicity" and code and code != PREFER_NOT[0]:
            code = ETHNICITY_HEADINGS.get(code, code)
        counts[(code or "", context)] += count
    return counts


def profile(field: str, filters: Filters) -> dict[str, int]:
    """The area's population by answer (every area, or the filtered one)."""
    query = select(AreaProfile.category, func.sum(AreaProfile.population)) \
        .where(AreaProfile.field == field).group_by(AreaProfile.category)
    if filters.area_id:
        query = query.where(AreaProfile.area_id == filters.area_id)
    found: dict[str, int] = defaultdict(int)
    for code, population in db.session.execute(query):
        key = ETHNICITY_HEADINGS.get(code, code) if field == "ethnicity" else code
        found[key] += int(population)
    return dict(found)


def table(field: str, filters: Filters) -> dict:
    """One question's published table: suppressed counts by who answered, the share of
    everyone who answered (where shown) and the area's share."""
    contexts = list(EQUALITY_CONTEXTS)
    rows = categories(field)
    counts = raw_counts(field, filters)
    safe = suppress([[counts.get((code, ctx), 0) for ctx in contexts] for code, _l in rows])
    population = profile(field, filters)
    answered_total = sum(population.values())
    out = []
    for i, (code, label) in enumerate(rows):
        total = safe.row_totals[i]
        share = (percent(total, safe.total) if isinstance(total, int)
                 and isinstance(safe.total, int) else None)
        area = population.get(code)
        out.append({"label": label, "cells": safe.cells[i], "total": total,
                    "share": share, "area_share": percent(area, answered_total)
                    if area is not None else None})
    return {"field": field, "name": SHORT_NAMES[field], "question": QUESTIONS[field][0],
            "contexts": [EQUALITY_CONTEXTS[c] for c in contexts], "rows": out,
            "column_totals": safe.column_totals, "total": safe.total,
            "has_profile": bool(population)}


def tables(filters: Filters) -> list[dict]:
    return [table(field, filters) for field in QUESTIONS]


def csv_rows(published: dict) -> list[list]:
    """The table exactly as published (markers included), for its CSV download."""
    header = ["Answer", *published["contexts"], "All who answered",
              "Share of those who answered (%)", "Share of the area (%)"]
    body = [[row["label"], *row["cells"], row["total"],
             "" if row["share"] is None else str(row["share"]),
             "" if row["area_share"] is None else str(row["area_share"])]
            for row in published["rows"]]
    return [header, *body, ["Total", *published["column_totals"], published["total"], "", ""]]
