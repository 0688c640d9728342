"""Where the money went, added up in SQL: allocated, awarded, paid and reported spent.

* **Allocated**: the funded cost of certified, published results (the vote's decision).
* **Awarded**: grants made from them or by the programmes (withdrawn grants left out).
* **Paid**: what released tranches paid (``pb.grants.tranches.money_for``'s ``paid``).
* **Reported spent**: spend in accepted monitoring returns, with corrections after
  close-out (``money_for``'s ``spent``).

Each grant's figures come from one aggregate query with a subquery per source, so a
page costs a fixed number of queries however many grants, tranches or returns there are.
A grant serving several wards or themes counts in each of them (the rows of those
breakdowns can add up to more than the total; the page says so).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import case, func, literal, select

from pb.extensions import db
from pb.models import (
    Adjustment,
    Correction,
    Grant,
    MonitoringReturn,
    Organisation,
    Programme,
    Proposal,
    ReturnSpend,
    Round,
    RoundResult,
    SavingsEstimate,
    Theme,
    Tranche,
    Ward,
    utcnow,
)
from pb.models.grant import NOT_PAID_KINDS, RETURNED_KINDS, grant_themes, grant_wards
from pb.models.place import ORGANISATION_KINDS
from pb.models.proposal import proposal_themes, proposal_wards
from pb.scrutiny.filters import Filters, grant_conditions

MONEY_COLUMNS = ("awarded", "paid", "not_paid", "returned", "spent", "savings")


def _summed(column, key, *where):
    return select(key.label("grant_id"), func.sum(column).label("amount")) \
        .where(*where).group_by(key).subquery()


def grant_money(filters: Filters):
    """A subquery: one row per grant in scope with its money (pence) and its keys."""
    paid = _summed(Tranche.paid_pence, Tranche.grant_id, Tranche.status == "released")
    adjusted = select(
        Adjustment.grant_id.label("grant_id"),
        func.sum(case((Adjustment.kind.in_(NOT_PAID_KINDS), Adjustment.amount_pence),
                      else_=0)).label("not_paid"),
        func.sum(case((Adjustment.kind.in_(RETURNED_KINDS), Adjustment.amount_pence),
                      else_=0)).label("returned")).group_by(Adjustment.grant_id).subquery()
    reported = _summed(ReturnSpend.amount_pence, MonitoringReturn.grant_id,
                       MonitoringReturn.status == "accepted",
                       ReturnSpend.return_id == MonitoringReturn.id)
    corrected = _summed(Correction.delta, Correction.grant_id, Correction.kind == "spend",
                        Correction.budget_line_id.is_not(None))
    saved = select(SavingsEstimate.grant_id.label("grant_id"),
                   func.sum(SavingsEstimate.amount_pence).label("amount"),
                   func.count().label("lines")).group_by(SavingsEstimate.grant_id).subquery()
    zero = literal(0)
    return (select(
        Grant.id.label("grant_id"), Grant.round_id, Grant.programme_id, Grant.organisation_id,
        Grant.award_date, Grant.amount_pence.label("awarded"),
        func.coalesce(paid.c.amount, zero).label("paid"),
        func.coalesce(adjusted.c.not_paid, zero).label("not_paid"),
        func.coalesce(adjusted.c.returned, zero).label("returned"),
        (func.coalesce(reported.c.amount, zero)
         + func.coalesce(corrected.c.amount, zero)).label("spent"),
        func.coalesce(saved.c.amount, zero).label("savings"),
        func.coalesce(saved.c.lines, zero).label("savings_lines"))
        .outerjoin(paid, paid.c.grant_id == Grant.id)
        .outerjoin(adjusted, adjusted.c.grant_id == Grant.id)
        .outerjoin(reported, reported.c.grant_id == Grant.id)
        .outerjoin(corrected, corrected.c.grant_id == Grant.id)
        .outerjoin(saved, saved.c.grant_id == Grant.id)
        .where(Grant.status != "withdrawn", *grant_conditions(filters, Grant))
        .subquery())


def _sums(gm):
    return [func.coalesce(func.sum(gm.c[name]), 0).label(name) for name in MONEY_COLUMNS]


@dataclass
class Totals:
    grants: int
    organisations: int
    awarded: int
    paid: int
    not_paid: int
    returned: int
    spent: int
    savings: int

    @property
    def net_paid(self) -> int:
        return self.paid - self.returned


def totals(filters: Filters) -> Totals:
    gm = grant_money(filters)
    row = db.session.execute(select(
        func.count(gm.c.grant_id), func.count(gm.c.organisation_id.distinct()),
        *_sums(gm))).one()
    return Totals(*(int(v or 0) for v in row))


def _rows(query) -> list[dict]:
    return [{"label": label, **{name: int(value or 0) for name, value in
                                zip(MONEY_COLUMNS, values)}, "grants": int(count)}
            for label, count, *values in db.session.execute(query)]


def by_dimension(filters: Filters) -> dict[str, list[dict]]:
    """Money by round, ward, theme, organisation type and programme: one query each."""
    gm = grant_money(filters)
    count = func.count(gm.c.grant_id.distinct())
    out = {}
    label = func.coalesce(Round.name, "Not from a round")
    out["round"] = _rows(select(label, count, *_sums(gm)).select_from(gm)
                         .outerjoin(Round, Round.id == gm.c.round_id)
                         .group_by(label).order_by(label))
    label = func.coalesce(Ward.name, "Whole area (no ward named)")
    out["ward"] = _rows(select(label, count, *_sums(gm)).select_from(gm)
                        .outerjoin(grant_wards, grant_wards.c.grant_id == gm.c.grant_id)
                        .outerjoin(Ward, Ward.id == grant_wards.c.ward_id)
                        .group_by(label).order_by(label))
    label = func.coalesce(Theme.name, "No theme given")
    out["theme"] = _rows(select(label, count, *_sums(gm)).select_from(gm)
                         .outerjoin(grant_themes, grant_themes.c.grant_id == gm.c.grant_id)
                         .outerjoin(Theme, Theme.id == grant_themes.c.theme_id)
                         .group_by(label).order_by(label))
    kind = func.coalesce(Organisation.kind, "none")
    rows = _rows(select(kind, count, *_sums(gm)).select_from(gm)
                 .outerjoin(Organisation, Organisation.id == gm.c.organisation_id)
                 .group_by(kind).order_by(kind))
    for row in rows:
        row["label"] = ORGANISATION_KINDS.get(row["label"], "No organisation named")
    out["organisation_type"] = sorted(rows, key=lambda r: r["label"])
    label = func.coalesce(Programme.name, "No programme")
    out["programme"] = _rows(select(label, count, *_sums(gm)).select_from(gm)
                             .outerjoin(Programme, Programme.id == gm.c.programme_id)
                             .group_by(label).order_by(label))
    return out


def savings_by_programme(filters: Filters) -> list[dict]:
    """Per programme: cost (awarded less money never paid or returned), savings, how
    many grants have an estimate, the method and any note (shown beside the ratio)."""
    gm = grant_money(filters)
    query = (select(Programme, func.sum(gm.c.awarded - gm.c.not_paid - gm.c.returned),
                    func.sum(gm.c.savings),
                    func.sum(case((gm.c.savings_lines > 0, 1), else_=0)))
             .join(gm, gm.c.programme_id == Programme.id)
             .group_by(Programme.id).order_by(Programme.name))
    return [{"programme": programme, "cost": int(cost or 0), "savings": int(saved or 0),
             "with_estimates": int(estimated or 0)}
            for programme, cost, saved, estimated in db.session.execute(query)]


def paid_by_month(filters: Filters) -> list[tuple[str, int]]:
    """Tranches paid per month (YYYY-MM), in order, for the grants in scope."""
    gm = grant_money(filters)
    rows = db.session.execute(select(Tranche.released_on, func.sum(Tranche.paid_pence))
                              .join(gm, gm.c.grant_id == Tranche.grant_id)
                              .where(Tranche.status == "released",
                                     Tranche.released_on.is_not(None))
                              .group_by(Tranche.released_on)).all()
    months: dict[str, int] = defaultdict(int)
    for day, amount in rows:
        months[day.strftime("%Y-%m")] += int(amount or 0)
    return sorted(months.items())


# Allocated by the vote ----------------------------------------------------------------------------

def certified_results(filters: Filters, *, round_ids=None) -> list[tuple[Round, RoundResult]]:
    """Certified, published results of the rounds in scope (a handful of rows)."""
    query = (select(Round, RoundResult).join(RoundResult, RoundResult.round_id == Round.id)
             .where(RoundResult.certified_at.is_not(None), Round.is_published,
                    Round.results_published_at.is_not(None),
                    Round.results_published_at <= utcnow()).order_by(Round.id))
    if filters.round_id:
        query = query.where(Round.id == filters.round_id)
    if filters.area_id:
        query = query.where(Round.area_id == filters.area_id)
    if filters.starts():
        query = query.where(RoundResult.certified_at >= filters.starts())
    if filters.ends_before():
        query = query.where(RoundResult.certified_at < filters.ends_before())
    return [tuple(row) for row in db.session.execute(query)]


def _funded(results) -> dict[int, tuple[Round, int]]:
    """proposal id -> (round, funded cost as counted), from the results' outcomes."""
    funded = {}
    for round_, result in results:
        projects = result.outcome["projects"]
        for pb_id in result.selected:
            funded[int(pb_id)] = (round_, int(projects[pb_id]["cost"]))
    return funded


def _keep(funded: dict, filters: Filters) -> dict:
    ids = set(funded)
    if filters.ward_id:
        ids &= set(db.session.scalars(select(proposal_wards.c.proposal_id).where(
            proposal_wards.c.ward_id == filters.ward_id)))
    if filters.theme_id:
        ids &= set(db.session.scalars(select(proposal_themes.c.proposal_id).where(
            proposal_themes.c.theme_id == filters.theme_id)))
    return {pid: funded[pid] for pid in ids}


def allocated(filters: Filters) -> dict:
    """The funded cost of certified results: total, by round, ward, theme, organisation
    type, and each round's budget (for progress towards it)."""
    results = certified_results(filters)
    funded = _keep(_funded(results), filters)
    by = {name: defaultdict(int) for name in ("round", "ward", "theme", "organisation_type")}
    for round_, cost in funded.values():
        by["round"][round_.name] += cost
    ids = list(funded)
    for pid, name in db.session.execute(select(proposal_wards.c.proposal_id, Ward.name)
                                        .join(Ward).where(proposal_wards.c.proposal_id.in_(ids))):
        by["ward"][name] += funded[pid][1]
    for pid, name in db.session.execute(select(proposal_themes.c.proposal_id, Theme.name)
                                        .join(Theme)
                                        .where(proposal_themes.c.proposal_id.in_(ids))):
        by["theme"][name] += funded[pid][1]
    for pid, kind in db.session.execute(
            select(Proposal.id, Organisation.kind).outerjoin(Organisation)
            .where(Proposal.id.in_(ids))):
        label = ORGANISATION_KINDS.get(kind, "Residents (no organisation)")
        by["organisation_type"][label] += funded[pid][1]
    budgets = [(round_.name, sum(c for r, c in funded.values() if r.id == round_.id),
                round_.budget_pence) for round_, _result in results]
    return {"total": sum(cost for _r, cost in funded.values()), "projects": len(funded),
            "by": {name: sorted(values.items()) for name, values in by.items()},
            "budgets": budgets}
