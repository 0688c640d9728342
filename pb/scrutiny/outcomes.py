"""What the money achieved: programme KPIs against targets, outcomes and value for money.

KPIs combine per grant by their own rule (summed over returns, the highest, or the
latest; ``pb.grants.figures``) before they add up across grants, so they are worked out
on grants loaded by ``pb.grants.queries.load_grants`` (a fixed number of queries, never
one per grant) rather than in one SQL sum, which would add "latest" figures together.
"""

from __future__ import annotations

from collections import defaultdict

from pb.grants.costbenefit import CostBenefit
from pb.grants.figures import kpi_achieved, outcome_statuses
from pb.grants.queries import FIGURES, load_grants
from pb.models import Grant
from pb.models.monitoring import OUTCOME_STATUSES
from pb.models.programme import OUTCOMES
from pb.scrutiny.filters import Filters, grant_conditions


def grants_in_scope(filters: Filters) -> list[Grant]:
    return load_grants(Grant.status != "withdrawn", *grant_conditions(filters, Grant),
                       load=FIGURES)


def kpis(grants: list[Grant]) -> list[dict]:
    """Per programme KPI: the grants' targets summed (where set), achievement summed,
    and how many grants report against it."""
    rows: dict[int, dict] = {}
    for grant in grants:
        achieved = kpi_achieved(grant)
        targets = {t.kpi_id: t for t in grant.kpi_targets}
        for kpi_id in set(achieved) | set(targets):
            target = targets.get(kpi_id)
            kpi = target.kpi if target else None
            if kpi is None:
                kpi = next(a.kpi for r in grant.returns for a in r.kpi_actuals
                           if a.kpi_id == kpi_id)
            row = rows.setdefault(kpi_id, {"kpi": kpi, "programme": grant.programme,
                                           "target": None, "achieved": 0, "grants": 0})
            if target is not None and target.target is not None:
                row["target"] = (row["target"] or 0) + target.target
            row["achieved"] += achieved.get(kpi_id, 0)
            row["grants"] += 1
    ordered = sorted(rows.values(), key=lambda r: (r["programme"].name if r["programme"]
                                                   else "", r["kpi"].position, r["kpi"].id))
    for row in ordered:
        row["percent"] = (round(100 * row["achieved"] / row["target"])
                          if row["target"] else None)
    return ordered


def outcomes(grants: list[Grant]) -> list[dict]:
    """Per outcome: how many grants have it, at its strongest, claimed, evidenced or
    verified (by the grantee's claim and the officer's check in accepted returns)."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(OUTCOME_STATUSES, 0))
    for grant in grants:
        for code, status in outcome_statuses(grant).items():
            counts[code][status] += 1
    return [{"code": code, "label": OUTCOMES.get(code, code), **counts[code]}
            for code in OUTCOMES if code in counts]


def value_for_money(rows: list[dict]) -> list[dict]:
    """Each programme's estimated savings and its "every £1 returns £X" ratio, worked out
    by the grants area's own rule (``CostBenefit.ratio``)."""
    for row in rows:
        figures = CostBenefit([], row["cost"], row["savings"], row["with_estimates"], [])
        row["ratio"] = figures.ratio
        row["method"] = row["programme"].savings_method
        row["note"] = row["programme"].ratio_note
    return rows
