"""Funding programmes: set up and changed by admins and the partnership's grant officers.

KPIs and unit costs are matched by their code, so a change keeps the rows grants
already point at; a KPI or unit cost that grants use cannot be removed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select

from pb import audit
from pb.extensions import db
from pb.forms import db_id, small_int
from pb.grants.common import GrantError, commit, parse_money, require, use_case
from pb.models import (
    KpiTarget,
    Partnership,
    Programme,
    ProgrammeKpi,
    Round,
    SavingsEstimate,
    UnitCost,
)
from pb.models.programme import AGGREGATIONS, KPI_UNITS, OUTCOMES
from pb.policy import can_create_programme, can_manage_grants, can_manage_programme

KPI_ROWS = 10
UNIT_COST_ROWS = 6
CODE_RE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


def partnerships_for(user) -> list[Partnership]:
    """The partnerships whose programmes the person may manage."""
    query = select(Partnership).order_by(Partnership.name)
    return [p for p in db.session.scalars(query) if can_manage_grants(user, p.id)]


def rounds_for(user) -> list[Round]:
    ids = [p.id for p in partnerships_for(user)]
    return list(db.session.scalars(select(Round).where(Round.partnership_id.in_(ids))
                                   .order_by(Round.id)))


@dataclass
class ProgrammeInput:
    values: dict = field(default_factory=dict)
    round_ids: list[int] = field(default_factory=list)
    outcomes: list[str] = field(default_factory=list)
    kpis: list[dict] = field(default_factory=list)
    unit_costs: list[dict] = field(default_factory=list)


def parse(form: Mapping, user) -> ProgrammeInput:
    data, errors = ProgrammeInput(), {}
    name = " ".join((form.get("name") or "").split())[:160]
    funder = " ".join((form.get("funder") or "").split())[:160]
    if len(name) < 3:
        errors["name"] = _("Give the programme a name.")
    if len(funder) < 2:
        errors["funder"] = _("Say who funds it (for example: Cheshire East Public Health).")
    try:
        budget = parse_money(form.get("budget"), "budget")
    except GrantError as exc:
        errors.update(exc.field_errors)
        budget = 0
    years = []
    for key in ("start_year", "end_year"):
        text = (form.get(key) or "").strip()
        year = small_int(text, 2000, 2100)
        if year is None:
            errors[key] = _("Enter a year, for example 2026.")
        years.append(year or 0)
    if not errors.get("end_year") and years[1] < years[0]:
        errors["end_year"] = _("The last year cannot come before the first.")
    partnership_id = db_id(form.get("partnership_id")) or 0
    if partnership_id not in {p.id for p in partnerships_for(user)}:
        errors["partnership_id"] = _("Choose the partnership that runs the programme.")
    data.values = {"name": name, "funder": funder, "budget_pence": budget,
                   "start_year": years[0], "end_year": years[1],
                   "partnership_id": partnership_id,
                   "description": (form.get("description") or "").strip()[:5000],
                   "savings_method": (form.get("savings_method") or "").strip()[:5000],
                   "ratio_note": (form.get("ratio_note") or "").strip()[:2000]}
    allowed = {r.id for r in rounds_for(user)}
    data.round_ids = [db_id(v) for v in form.getlist("rounds") if db_id(v) in allowed]
    data.outcomes = [c for c in form.getlist("outcomes") if c in OUTCOMES]
    data.kpis = _kpi_rows(form, errors)
    data.unit_costs = _unit_cost_rows(form, errors)
    if errors:
        raise GrantError(_("The programme has problems: see the messages below."),
                         field_errors=errors)
    return data


def _code(form, prefix, i, errors, seen) -> str:
    code = (form.get(f"{prefix}-{i}-code") or "").strip().lower()
    if not CODE_RE.match(code):
        errors[f"{prefix}-{i}-code"] = (_("Give a short code: lower-case letters, digits and "
                                        "underscores, for example volunteers."))
    elif code in seen:
        errors[f"{prefix}-{i}-code"] = _("Each code is used once.")
    seen.add(code)
    return code


def _kpi_rows(form, errors) -> list[dict]:
    rows, seen = [], set()
    for i in range(KPI_ROWS):
        name = " ".join((form.get(f"kpi-{i}-name") or "").split())[:160]
        if not name and not (form.get(f"kpi-{i}-code") or "").strip():
            continue
        code = _code(form, "kpi", i, errors, seen)
        unit, aggregation = form.get(f"kpi-{i}-unit"), form.get(f"kpi-{i}-aggregation")
        if not name:
            errors[f"kpi-{i}-name"] = _("Name the KPI.")
        if unit not in KPI_UNITS:
            errors[f"kpi-{i}-unit"] = _("Choose a unit.")
        if aggregation not in AGGREGATIONS:
            errors[f"kpi-{i}-aggregation"] = _("Choose how returns add up.")
        rows.append({"code": code, "name": name, "unit": unit, "aggregation": aggregation,
                     "definition": (form.get(f"kpi-{i}-definition") or "").strip()[:2000],
                     "required": bool(form.get(f"kpi-{i}-required")), "position": i})
    return rows


def _unit_cost_rows(form, errors) -> list[dict]:
    rows, seen = [], set()
    for i in range(UNIT_COST_ROWS):
        name = " ".join((form.get(f"unit-{i}-name") or "").split())[:160]
        if not name and not (form.get(f"unit-{i}-code") or "").strip():
            continue
        code = _code(form, "unit", i, errors, seen)
        source = (form.get(f"unit-{i}-source") or "").strip()[:2000]
        try:
            cost = parse_money(form.get(f"unit-{i}-cost"), f"unit-{i}-cost")
        except GrantError as exc:
            errors.update(exc.field_errors)
            cost = 0
        if not name:
            errors[f"unit-{i}-name"] = _("Say what is avoided (for example: an A&E attendance).")
        if len(source) < 5:
            errors[f"unit-{i}-source"] = _("Give the unit cost's source: it is shown beside it.")
        rows.append({"code": code, "name": name, "cost_pence": cost, "source": source,
                     "beneficiary": (form.get(f"unit-{i}-beneficiary") or "").strip()[:80],
                     "position": i})
    return rows


@use_case
def save(programme: Programme | None, actor, form: Mapping) -> Programme:
    """Create a programme (``programme`` None) or change one."""
    if programme is None:
        require(can_create_programme(actor), _("Only grant officers and admins set up programmes."))
    else:
        require(can_manage_programme(actor, programme),
                _("Only the programme's grant officers can change it."))
    data = parse(form, actor)
    clash = db.session.scalar(select(Programme.id).where(Programme.name == data.values["name"]))
    if clash and (programme is None or clash != programme.id):
        raise GrantError(_("Another programme has that name."), field="name")
    creating = programme is None
    if creating:
        programme = Programme(created_by_id=actor.id, **data.values)
        db.session.add(programme)
    else:
        for key, value in data.values.items():
            setattr(programme, key, value)
    programme.rounds = list(db.session.scalars(select(Round).where(Round.id.in_(data.round_ids))))
    programme.outcome_codes = data.outcomes
    db.session.flush()
    _sync(programme, ProgrammeKpi, programme.kpis, data.kpis, _kpi_in_use)
    _sync(programme, UnitCost, programme.unit_costs, data.unit_costs, _unit_cost_in_use)
    db.session.flush()
    audit.record("programme.created" if creating else "programme.changed", programme,
                 actor=actor, after={**data.values, "rounds": data.round_ids,
                                     "kpis": [k["code"] for k in data.kpis],
                                     "unit_costs": [u["code"] for u in data.unit_costs]})
    commit()
    return programme


def _sync(programme, model, existing, rows, in_use) -> None:
    by_code = {row.code: row for row in existing}
    wanted = {row["code"] for row in rows}
    for code, row in by_code.items():
        if code not in wanted:
            uses = in_use(row)
            if uses:
                raise GrantError(ngettext(
                    "“%(name)s” is used by %(num)d grant record, so it cannot be removed.",
                    "“%(name)s” is used by %(num)d grant records, so it cannot be removed.",
                    uses, name=row.name))
            existing.remove(row)
    for values in rows:
        row = by_code.get(values["code"])
        if row is None:
            existing.append(model(**values))
        else:
            for key, value in values.items():
                setattr(row, key, value)


def _kpi_in_use(kpi) -> int:
    return db.session.scalar(select(func.count()).select_from(KpiTarget)
                             .where(KpiTarget.kpi_id == kpi.id)) or 0


def _unit_cost_in_use(unit) -> int:
    return db.session.scalar(select(func.count()).select_from(SavingsEstimate)
                             .where(SavingsEstimate.unit_cost_id == unit.id)) or 0


def form_values(programme: Programme) -> dict:
    values = {"name": programme.name, "funder": programme.funder,
              "budget": f"{programme.budget_pence // 100}.{programme.budget_pence % 100:02d}",
              "start_year": str(programme.start_year), "end_year": str(programme.end_year),
              "partnership_id": str(programme.partnership_id),
              "description": programme.description, "savings_method": programme.savings_method,
              "ratio_note": programme.ratio_note}
    for i, kpi in enumerate(programme.kpis):
        values.update({f"kpi-{i}-code": kpi.code, f"kpi-{i}-name": kpi.name,
                       f"kpi-{i}-definition": kpi.definition, f"kpi-{i}-unit": kpi.unit,
                       f"kpi-{i}-aggregation": kpi.aggregation,
                       f"kpi-{i}-required": "y" if kpi.required else ""})
    for i, unit in enumerate(programme.unit_costs):
        values.update({f"unit-{i}-code": unit.code, f"unit-{i}-name": unit.name,
                       f"unit-{i}-cost": f"{unit.cost_pence // 100}.{unit.cost_pence % 100:02d}",
                       f"unit-{i}-beneficiary": unit.beneficiary, f"unit-{i}-source": unit.source})
    return values
