"""Equal Shares with each voter's own utilities (``mes-score``: points or scores)."""
from __future__ import annotations

from fractions import Fraction

from ..facts import MesFact
from .base import Election


def mes_general(el: Election, start_budget: Fraction):
    """MES with each voter's own utility (points or scores), over distinct ballots.

    Used for ``mes-score``: utilities differ between supporters, so voters
    cannot share a budget class; ballots with the same content still can.
    """
    rank, cost = el.rank, el.cost
    groups = [(pts, c) for _, c, pts in el.groups]
    budget = [start_budget] * len(groups)
    supporters = {pid: [] for pid in el.ids}
    for g, (pts, _c) in enumerate(groups):
        for pid, _x in pts.items():
            supporters[pid].append(g)
    selected, facts = [], {}
    remaining = set()
    for pid in el.ids:
        if not supporters[pid]:
            facts[pid] = MesFact("no_support")
        elif cost[pid] == 0:
            selected.append(pid)
            facts[pid] = MesFact("free", round=0)
        else:
            remaining.add(pid)
    stale = {q: Fraction(cost[q], sum(groups[g][0][q] * groups[g][1] for g in supporters[q])) for q in remaining}
    rnd = 0
    while remaining:
        rnd += 1
        best = None
        for q in sorted(remaining, key=lambda p: (stale[p], rank[p])):
            if best is not None and stale[q] > best[0]:
                break
            total = sum(budget[g] * groups[g][1] for g in supporters[q])
            if total < cost[q]:
                remaining.discard(q)
                facts[q] = MesFact("unaffordable", round=rnd, money=total)
                continue
            rho = stale[q] = _price(q, cost[q], supporters[q], groups, budget)
            if best is None or (rho, rank[q]) < (best[0], rank[best[1]]):
                best = (rho, q)
        if best is None:
            break
        rho, p = best
        remaining.discard(p)
        selected.append(p)
        pays = []
        for g in supporters[p]:
            pay = min(budget[g], rho * groups[g][0][p])
            budget[g] -= pay
            if pay > 0:
                pays.append((pay, groups[g][1]))
        facts[p] = MesFact("bought", round=rnd, rho=rho, price=max(x for x, _ in pays),
                           low=min(x for x, _ in pays), payers=sum(c for _, c in pays))
    return selected, facts


def _price(q, cost, sup: list, groups: list, budget: list) -> Fraction:
    """The price per point at which q's supporters (who can afford it) pay its cost.

    The poorest (per point) pay all they have; the rest pay ``rho`` per point.
    """
    sup.sort(key=lambda g: budget[g] / groups[g][0][q])
    paid = 0
    denom = sum(groups[g][0][q] * groups[g][1] for g in sup)
    for g in sup:
        rho = (cost - paid) / Fraction(denom)
        if rho * groups[g][0][q] <= budget[g]:
            break
        paid += budget[g] * groups[g][1]
        denom -= groups[g][0][q] * groups[g][1]
    return rho
