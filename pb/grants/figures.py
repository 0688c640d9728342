"""A grant's reported figures: spend per budget line and KPI achievement.

Only ACCEPTED returns count (a submitted return is the grantee's claim until an officer
accepts it), plus any corrections recorded after close-out. A KPI's figures combine by
its aggregation: summed over returns, the highest reported, or the latest reported.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from pb.models import Grant


def accepted_returns(grant: Grant) -> list:
    return [r for r in grant.returns if r.status == "accepted"]


def spent_by_line(grant: Grant) -> dict[int, int]:
    """Spend per budget line id, in pence, from accepted returns and corrections."""
    spent: dict[int, int] = defaultdict(int)
    for ret in accepted_returns(grant):
        for row in ret.spend:
            spent[row.budget_line_id] += row.amount_pence
    for correction in grant.corrections:
        if correction.kind == "spend" and correction.budget_line_id:
            spent[correction.budget_line_id] += correction.delta
    return dict(spent)


def claimed_by_line(grant: Grant, *, leaving_out=None) -> dict[int, int]:
    """Spend per line in every return that is accepted or awaiting review, but one: what a
    return's spend adds to when checking a budget line is not overspent."""
    spent: dict[int, int] = defaultdict(int)
    for ret in grant.returns:
        if ret is leaving_out or ret.status not in ("accepted", "submitted"):
            continue
        for row in ret.spend:
            spent[row.budget_line_id] += row.amount_pence
    for correction in grant.corrections:
        if correction.kind == "spend" and correction.budget_line_id:
            spent[correction.budget_line_id] += correction.delta
    return dict(spent)


def combine(aggregation: str, values: list[int]) -> int:
    """Figures from successive returns (oldest first) combined by the KPI's rule."""
    if not values:
        return 0
    if aggregation == "max":
        return max(values)
    if aggregation == "latest":
        return values[-1]
    return sum(values)


def kpi_achieved(grant: Grant) -> dict[int, int]:
    """Achievement to date per KPI id of the grant's targets."""
    by_kpi: dict[int, list[int]] = defaultdict(list)
    aggregation = {}
    for target in grant.kpi_targets:
        aggregation[target.kpi_id] = target.kpi.aggregation
        by_kpi[target.kpi_id]  # every targeted KPI appears, reported or not
    for ret in sorted(accepted_returns(grant), key=lambda r: r.number):
        for actual in ret.kpi_actuals:
            aggregation.setdefault(actual.kpi_id, actual.kpi.aggregation)
            by_kpi[actual.kpi_id].append(actual.value)
    achieved = {kpi_id: combine(aggregation[kpi_id], values) for kpi_id, values in by_kpi.items()}
    for correction in grant.corrections:
        if correction.kind == "kpi" and correction.kpi_id:
            achieved[correction.kpi_id] = achieved.get(correction.kpi_id, 0) + correction.delta
    return achieved


def reported_to(grant: Grant) -> date | None:
    """The end of the latest accepted return's period: how far the figures reach."""
    ends = [r.period_end for r in accepted_returns(grant)]
    return max(ends) if ends else None


def elapsed_share(grant: Grant, until: date | None) -> float | None:
    """How much of the grant period ``until`` covers, 0 to 1 (for pro-rata plans).

    A float is fine here: it only compares figures against thresholds, never money."""
    if until is None or grant.start_date is None or grant.end_date is None:
        return None
    days = (grant.end_date - grant.start_date).days + 1
    done = (min(until, grant.end_date) - grant.start_date).days + 1
    return max(0.0, min(1.0, done / days)) if days > 0 else 1.0


def outcome_statuses(grant: Grant) -> dict[str, str]:
    """Each outcome's strongest status across accepted returns (verified > evidenced >
    claimed)."""
    rank = {"claimed": 1, "evidenced": 2, "verified": 3}
    best: dict[str, str] = {}
    for ret in accepted_returns(grant):
        for outcome in ret.outcomes:
            if rank.get(outcome.status, 0) > rank.get(best.get(outcome.code, ""), 0):
                best[outcome.code] = outcome.status
    return best


def people_helped(grant: Grant) -> dict[str, dict[str, int]]:
    """People helped over accepted returns, by dimension (age band, ward) and category."""
    totals: dict[str, dict[str, int]] = {"age_band": defaultdict(int), "ward": defaultdict(int)}
    for ret in accepted_returns(grant):
        for row in ret.people:
            totals.setdefault(row.dimension, defaultdict(int))[row.category] += row.count
    return {dimension: dict(values) for dimension, values in totals.items()}
