"""Two years of grants beside the city round: ``flask --app pb scale-demo`` (``--grants``).

For each of the two years before the city round, a round whose voting closed that many
years ago, with its funded projects (``--grants`` a year, default 100) handed over as
grants in a programme for that year: each with three budget lines, three milestones, KPI targets,
tranches of 50%, 30% and 20% (on signing, on the second return, on the final return) and
quarterly monitoring returns. One grant in eight runs for two years, the rest for one.
Everything due by today has happened: returns due over a week ago are accepted (with
their KPI figures and spend), the ones due since are submitted, the tranches they unlock
are paid, milestones due are met, and grants whose every return is accepted are closed.

Rows go in with core ``insert`` executemany, with explicit ids, in the caller's
transaction (see ``pb.demo.scale``).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, insert, select

from pb import audit
from pb.extensions import db
from pb.grants.returns import RETURN_DUE_DAYS, add_months, schedule
from pb.models import Programme, Proposal, Round
from pb.models.base import utcnow
from pb.models.grant import (
    Grant,
    GrantBudgetLine,
    KpiTarget,
    Milestone,
    Tranche,
    grant_wards,
)
from pb.models.monitoring import MonitoringReturn, ReturnKpiActual, ReturnSpend
from pb.models.programme import ProgrammeKpi

YEARS = 2
TWO_YEAR_SHARE = 8  # one grant in this many runs for two years
LINES = (("Sessions and activities", 50), ("Venue hire", 30), ("Volunteer expenses", 20))
TRANCHES = ((50, "signing"), (30, "second"), (20, "final"))
# Community grants, smaller than the city round's projects: a year's programme budget
# (MAX_PER_YEAR of at most £60,000) stays within a database integer of pence.
COST_POUNDS = (5_000, 60_000)
MAX_PER_YEAR = 300


@dataclass
class CityGrants:
    programmes: list[Programme]
    rounds: list[Round]
    grants: int
    returns: int


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour, 0))


def _past_round(area, partnership, years_ago: int, number: int) -> Round:
    from pb.demo.scale import make_round

    round_ = make_round(area, partnership,
                         f"Earlier city-scale vote, {utcnow().year - years_ago} (#{number})",
                         "closed", "greedy-approval")
    shift = timedelta(days=365 * years_ago)
    for name in ("proposals_open_at", "proposals_close_at", "review_close_at",
                 "voting_open_at", "voting_close_at"):
        setattr(round_, name, getattr(round_, name) - shift)
    round_.results_published_at = round_.voting_close_at + timedelta(days=7)
    db.session.flush()
    return round_


def _programme(partnership, years_ago: int, number: int) -> Programme:
    year = utcnow().year - years_ago
    programme = Programme(name=f"City-scale grants programme {year} (#{number})",
                          funder="Cheshire East Council", partnership_id=partnership.id,
                          budget_pence=0, start_year=year, end_year=year + 2,
                          description="Grants for the city-scale rounds' funded projects, "
                                      "made by `flask --app pb scale-demo` to measure pb.")
    programme.kpis = [ProgrammeKpi(code="participants", name="Participants", position=0),
                      ProgrammeKpi(code="sessions", name="Sessions delivered", position=1)]
    db.session.add(programme)
    db.session.flush()
    return programme


class _Ids:
    """Explicit ids for each table, counting on from the highest there is."""

    def __init__(self, *models):
        self.next = {m: (db.session.scalar(select(func.max(m.id))) or 0) + 1 for m in models}

    def __call__(self, model) -> int:
        value = self.next[model]
        self.next[model] += 1
        return value


def _agreement(grant: dict, months: int, ids: _Ids, today: date, rows: dict) -> list[dict]:
    """The agreement's terms: dates, budget lines, milestones. Returns the budget lines."""
    gid, amount, start = grant["id"], grant["amount_pence"], grant["start_date"]
    end = add_months(start, months) - timedelta(days=1)
    grant.update(end_date=end, report_every_months=3, status="active",
                 agreement_issued_at=_at(start - timedelta(days=10)),
                 accepted_at=_at(start - timedelta(days=6), 19),
                 accepted_name="The group's lead",
                 conditions="Acknowledge the partnership's funding on publicity.")
    lines, planned = [], 0
    for position, (description, percent) in enumerate(LINES):
        value = amount * percent // 100 if position < len(LINES) - 1 else amount - planned
        planned += value
        lines.append({"id": ids(GrantBudgetLine), "grant_id": gid, "position": position,
                      "description": description, "planned_pence": value})
    rows["lines"] += lines
    for position, (title, day) in enumerate((
            ("Venue booked, volunteers inducted, first session held", 35),
            ("Halfway: review with participants", months * 15),
            ("Celebration event and final evaluation", months * 30 - 20))):
        due = min(start + timedelta(days=day), end)
        rows["milestones"].append({"id": ids(Milestone), "grant_id": gid, "position": position,
                                   "title": title, "due_date": due,
                                   "met_on": due - timedelta(days=3) if due <= today else None})
    return lines


def _returns(grant: dict, lines: list[dict], targets: dict, kpis: dict, ids: _Ids,
             today: date, rows: dict) -> tuple[int, dict[int, date]]:
    """Quarterly returns, submitted and accepted as far as today allows; returns how many
    there are and the date each accepted one was accepted."""
    periods = schedule(grant["start_date"], grant["end_date"], 3)
    quarters = len(periods)
    accepted_on: dict[int, date] = {}
    spent = {line["id"]: 0 for line in lines}
    for number, (begin, finish, final) in enumerate(periods, start=1):
        due = finish + timedelta(days=RETURN_DUE_DAYS)
        rid = ids(MonitoringReturn)
        row = {"id": rid, "grant_id": grant["id"], "number": number, "is_final": final,
               "period_start": begin, "period_end": finish, "due_date": due,
               "status": "draft", "submitted_at": None, "first_submitted_at": None,
               "review_cycle": 0, "narrative": "", "public_update": "", "reviewed_at": None}
        rows["returns"].append(row)
        if due - timedelta(days=3) > today:
            continue
        submitted = _at(due - timedelta(days=3), 20)
        row.update(status="submitted", submitted_at=submitted, first_submitted_at=submitted,
                   review_cycle=1,
                   narrative=f"Quarter {number}: sessions ran every week; regulars now bring "
                             "friends.",
                   public_update=f"Quarter {number}: {targets['sessions'] // quarters} "
                                 "sessions this quarter.")
        for code, target in targets.items():
            rows["actuals"].append({"id": ids(ReturnKpiActual), "return_id": rid,
                                    "kpi_id": kpis[code], "value": target // quarters})
        for line in lines:
            share = (line["planned_pence"] - spent[line["id"]] if final
                     else line["planned_pence"] // quarters // 100 * 100)
            spent[line["id"]] += share
            rows["spend"].append({"id": ids(ReturnSpend), "return_id": rid,
                                  "budget_line_id": line["id"], "amount_pence": share})
        if due + timedelta(days=7) <= today:
            reviewed = due + timedelta(days=4)
            row.update(status="accepted", reviewed_at=_at(reviewed, 11))
            accepted_on[number] = reviewed
    return quarters, accepted_on


def _tranches(grant: dict, final_number: int, accepted_on: dict[int, date], ids: _Ids,
              today: date, rows: dict) -> None:
    gid, amount = grant["id"], grant["amount_pence"]
    paid = 0
    for position, (percent, when) in enumerate(TRANCHES):
        value = amount * percent // 100 if position < len(TRANCHES) - 1 else amount - paid
        paid += value
        number = {"signing": None, "second": min(2, final_number), "final": final_number}[when]
        released = (grant["start_date"] + timedelta(days=2) if number is None
                    else accepted_on.get(number) and accepted_on[number] + timedelta(days=5))
        tranche = {"id": ids(Tranche), "grant_id": gid, "position": position,
                   "amount_pence": value, "condition": "signing" if number is None else "return",
                   "condition_number": number, "status": "planned", "paid_pence": None,
                   "released_on": None, "released_at": None, "payment_reference": ""}
        if released is not None and released <= today:
            tranche.update(status="released", paid_pence=value, released_on=released,
                           released_at=_at(released, 15),
                           payment_reference=f"CEC-{gid}-{position + 1}-{released:%y%m%d}")
        rows["tranches"].append(tranche)


def _grant_rows(grant: dict, kpis: dict, months: int, ids: _Ids, today: date,
                rows: dict) -> None:
    """The agreement and what has happened since, for one grant (rows appended)."""
    lines = _agreement(grant, months, ids, today, rows)
    quarters = months // 3
    targets = {"participants": grant["amount_pence"] // 500_00 * quarters + 20,
               "sessions": 12 * quarters}
    for code, target in targets.items():
        rows["targets"].append({"id": ids(KpiTarget), "grant_id": grant["id"],
                                "kpi_id": kpis[code], "target": target})
    final_number, accepted_on = _returns(grant, lines, targets, kpis, ids, today, rows)
    _tranches(grant, final_number, accepted_on, ids, today, rows)
    if final_number in accepted_on:
        closed = min(accepted_on[final_number] + timedelta(days=10), today)
        grant.update(status="closed", closed_at=_at(closed, 16),
                     close_note="Every return accepted and the money spent as planned.")


def build_grants(area, partnership, *, per_year: int = 100, seed: int = 2026,
                 progress: Callable[[int], None] | None = None) -> CityGrants:
    """Add two past rounds and their funded projects' grants (see the module docstring)."""
    from pb.demo.scale import fix_sequences, insert_projects

    # Waiver for bandit B311: repeatable demo data, not a secret.
    rng = random.Random(seed + 1)  # nosec B311
    today = utcnow().date()
    ids = _Ids(Grant, GrantBudgetLine, Milestone, KpiTarget, Tranche, MonitoringReturn,
               ReturnKpiActual, ReturnSpend)
    rounds, programmes, total, returns = [], [], 0, 0
    for years_ago in range(YEARS, 0, -1):
        programme = _programme(partnership, years_ago, db.session.scalar(
            select(func.count()).select_from(Programme)) + 1)
        programmes.append(programme)
        kpis = {kpi.code: kpi.id for kpi in programme.kpis}
        round_ = _past_round(area, partnership, years_ago,
                             db.session.scalar(select(func.count()).select_from(Round)) + 1)
        rounds.append(round_)
        by_ward = insert_projects(round_, area, per_year, rng, cost_pounds=COST_POUNDS)
        ward_of = {pid: ward for ward, pids in by_ward.items() for pid in pids}
        projects = db.session.execute(
            select(Proposal.id, Proposal.title, Proposal.summary, Proposal.cost_pence)
            .where(Proposal.round_id == round_.id).order_by(Proposal.id)).all()
        award = (round_.results_published_at + timedelta(days=14)).date()
        rows = {k: [] for k in ("grants", "wards", "lines", "milestones", "targets",
                                "returns", "actuals", "spend", "tranches")}
        for index, project in enumerate(projects):
            gid = ids(Grant)
            months = 24 if index % TWO_YEAR_SHARE == 0 else 12
            grant = {"id": gid, "reference": f"SCALE-{round_.id}-{project.id}",
                     "title": project.title, "summary": project.summary,
                     "programme_id": programme.id, "partnership_id": partnership.id,
                     "area_id": area.id, "round_id": round_.id, "proposal_id": project.id,
                     "delivered_by": f"{project.title} volunteers",
                     "amount_pence": project.cost_pence, "award_date": award,
                     "outcome_codes_json": "[]",
                     "start_date": award + timedelta(days=21 + 7 * (index % 3)),
                     "closed_at": None, "close_note": ""}
            _grant_rows(grant, kpis, months, ids, today, rows)
            rows["grants"].append(grant)
            if ward_of.get(project.id) is not None:
                rows["wards"].append({"grant_id": gid, "ward_id": ward_of[project.id]})
        programme.budget_pence += sum(g["amount_pence"] for g in rows["grants"])
        for model, key in ((Grant, "grants"), (grant_wards, "wards"), (GrantBudgetLine, "lines"),
                           (Milestone, "milestones"), (KpiTarget, "targets"),
                           (MonitoringReturn, "returns"), (ReturnKpiActual, "actuals"),
                           (ReturnSpend, "spend"), (Tranche, "tranches")):
            if rows[key]:
                db.session.execute(insert(model), rows[key])
        total += len(rows["grants"])
        returns += len(rows["returns"])
        if progress is not None:
            progress(len(rows["grants"]))
    fix_sequences(Proposal, Grant, GrantBudgetLine, Milestone, KpiTarget, Tranche,
                   MonitoringReturn, ReturnKpiActual, ReturnSpend)
    for programme, round_ in zip(programmes, rounds, strict=True):
        audit.record("demo.scale_grants_seeded", programme,
                     after={"round": round_.id, "budget_pence": programme.budget_pence})
    return CityGrants(programmes, rounds, total, returns)
