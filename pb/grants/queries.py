"""Read-only views of the grants: the desks, lists, progress pages and programme figures.

Grants are loaded with everything their figures need in a fixed number of queries
(``load_grants``), never one query per grant.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from pb.extensions import db
from pb.grants import rag
from pb.grants.common import today
from pb.grants.figures import combine, kpi_achieved, people_helped
from pb.grants.tranches import money_for, tranches_due
from pb.models import (
    Grant,
    KpiTarget,
    MonitoringReturn,
    Programme,
    Role,
)
from pb.policy import can_release_tranche

FULL = (
    selectinload(Grant.tranches), selectinload(Grant.adjustments),
    selectinload(Grant.corrections), selectinload(Grant.milestones),
    selectinload(Grant.kpi_targets).selectinload(KpiTarget.kpi),
    selectinload(Grant.returns).selectinload(MonitoringReturn.kpi_actuals),
    selectinload(Grant.returns).selectinload(MonitoringReturn.spend),
    selectinload(Grant.returns).selectinload(MonitoringReturn.outcomes),
    selectinload(Grant.returns).selectinload(MonitoringReturn.people),
    selectinload(Grant.budget_lines), selectinload(Grant.organisation),
    selectinload(Grant.programme), selectinload(Grant.area), selectinload(Grant.interests),
    selectinload(Grant.funding_lines), selectinload(Grant.savings),
)


# What the programme figures (KPIs against targets, outcomes) read of each grant: the
# scrutiny dashboard loads only this, a third of FULL's rows on two years of grants.
FIGURES = (
    selectinload(Grant.kpi_targets).selectinload(KpiTarget.kpi),
    selectinload(Grant.returns).selectinload(MonitoringReturn.kpi_actuals),
    selectinload(Grant.returns).selectinload(MonitoringReturn.outcomes),
    selectinload(Grant.corrections), selectinload(Grant.programme),
)


def load_grants(*where, order=(Grant.id,), load=FULL) -> list[Grant]:
    return list(db.session.scalars(select(Grant).where(*where).order_by(*order).options(*load)))


def officer_scope(user):
    """The condition limiting grants to the person's partnerships (None: all of them)."""
    if user.is_admin or user.has_role(Role.SCRUTINY):
        return None
    return Grant.partnership_id.in_(user.partnership_ids(Role.GRANT_OFFICER) or {0})


@dataclass
class Desk:
    to_review: list
    overdue: list
    tranches: list
    red: list
    drafts: list
    offered: list


def desk(user, on: date | None = None) -> Desk:
    """What needs a grant officer's attention, across their partnerships' grants."""
    on = on or today()
    scope = officer_scope(user)
    grants = load_grants(Grant.status.in_(("draft", "offered", "active")),
                         *([scope] if scope is not None else []))
    to_review, overdue, due, red = [], [], [], []
    for grant in grants:
        for ret in grant.returns:
            if ret.status == "submitted":
                to_review.append((grant, ret))
            elif grant.status == "active" and ret.is_overdue(on):
                overdue.append((grant, ret, ret.days_overdue(on)))
        for tranche in tranches_due(grant, on):
            due.append((grant, tranche, can_release_tranche(user, grant)))
        status = rag.assess(grant, on)
        if status.value == "red":
            red.append((grant, status))
    overdue.sort(key=lambda row: -row[2])
    return Desk(to_review, overdue, due, red,
                [g for g in grants if g.status == "draft"],
                [g for g in grants if g.status == "offered"])


def grantee_home(user, on: date | None = None) -> list[dict]:
    """The person's organisations' grants and what each owes, soonest first."""
    on = on or today()
    orgs = user.organisation_ids(Role.GRANTEE)
    grants = load_grants(Grant.organisation_id.in_(orgs or {0}))
    rows = []
    for grant in grants:
        # What they owe now: open returns whose period has begun (later ones can wait).
        owed = [r for r in grant.returns if r.is_open_for_grantee and grant.status == "active"
                and r.period_start <= on]
        rows.append({"grant": grant, "money": money_for(grant), "owed": owed,
                     "next": min((r.owed_by() for r in owed), default=None),
                     "overdue": [r for r in owed if r.is_overdue(on)]})
    rows.sort(key=lambda row: (row["grant"].status != "offered", row["next"] or date.max))
    return rows


def grant_list(user, *, programme_id=None, status=None, rag_value=None,
               on: date | None = None) -> list[dict]:
    on = on or today()
    conditions = []
    scope = officer_scope(user)
    if scope is not None:
        conditions.append(scope)
    if programme_id:
        conditions.append(Grant.programme_id == programme_id)
    if status:
        conditions.append(Grant.status == status)
    rows = []
    for grant in load_grants(*conditions):
        status_now = rag.assess(grant, on)
        if rag_value and status_now.value != rag_value:
            continue
        rows.append({"grant": grant, "money": money_for(grant), "rag": status_now})
    return rows


def visible_programmes(user) -> list[Programme]:
    query = select(Programme).order_by(Programme.name)
    scope = officer_scope(user)
    if scope is not None:
        query = query.where(Programme.partnership_id.in_(
            user.partnership_ids(Role.GRANT_OFFICER) or {0}))
    return list(db.session.scalars(query))


# Public progress ---------------------------------------------------------------------------------

def progress(grant: Grant) -> dict:
    """What the public progress page shows: nothing personal, nothing unpublished."""
    accepted = sorted((r for r in grant.returns if r.status == "accepted"),
                      key=lambda r: r.number)
    latest = next((r for r in reversed(accepted) if r.public_update.strip()), None)
    stones = list(grant.milestones)
    met = sum(1 for m in stones if m.is_met)
    achieved = kpi_achieved(grant)
    kpis = [{"name": t.kpi.name, "unit": t.kpi.unit, "target": t.target,
             "achieved": achieved.get(t.kpi_id, 0)} for t in grant.kpi_targets]
    photos = [d for r in accepted for d in r.documents
              if d.kind == "photo" and d.consent and d.is_public]
    percent = round(100 * met / len(stones)) if stones else (100 if grant.status == "closed"
                                                             else 0)
    return {"status": grant.public_status, "milestones": stones, "met": met,
            "percent": percent, "money": money_for(grant), "latest": latest, "kpis": kpis,
            "photos": photos, "people": people_helped(grant).get("age_band", {})}


def progress_links(round_) -> dict[str, int]:
    """proposal pb_id -> grant id, for the round's results page to link progress pages."""
    rows = db.session.execute(select(Grant.proposal_id, Grant.id).where(
        Grant.round_id == round_.id, Grant.proposal_id.is_not(None))).all()
    return {str(proposal_id): grant_id for proposal_id, grant_id in rows}


# Programme figures --------------------------------------------------------------------------------

def kpis_by_area(programme: Programme) -> list[dict]:
    """Each KPI of the programme: target and achievement per area (site), from accepted
    returns, combined per grant by the KPI's rule and summed across grants."""
    grants = load_grants(Grant.programme_id == programme.id, Grant.status != "withdrawn")
    areas = sorted({g.area.name for g in grants})
    result = []
    for kpi in programme.kpis:
        by_area = {}
        for area in areas:
            targets, achieved = [], 0
            for grant in (g for g in grants if g.area.name == area):
                target = next((t for t in grant.kpi_targets if t.kpi_id == kpi.id), None)
                if target is not None and target.target is not None:
                    targets.append(target.target)
                achieved += kpi_achieved(grant).get(kpi.id, 0)
            by_area[area] = {"target": sum(targets) if targets else None, "achieved": achieved}
        result.append({"kpi": kpi, "by_area": by_area})
    return result


def programme_money(programme: Programme) -> dict:
    grants = load_grants(Grant.programme_id == programme.id)
    totals = defaultdict(int)
    for grant in grants:
        if grant.status == "withdrawn":
            totals["withdrawn"] += 1
            continue
        money = money_for(grant)
        totals["awarded"] += money.awarded
        totals["net_paid"] += money.net_paid
        totals["not_paid"] += money.not_paid
        totals["returned"] += money.returned
        totals["spent"] += money.spent
        totals["grants"] += 1
    return dict(totals)


__all__ = ["Desk", "combine", "desk", "grant_list", "grantee_home", "kpis_by_area",
           "load_grants", "programme_money", "progress", "progress_links",
           "visible_programmes"]
