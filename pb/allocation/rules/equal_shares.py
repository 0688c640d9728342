"""The Method of Equal Shares (MES) and its "add one" completion.

Every voter starts with an equal share of the money.  Each round buys the
project whose supporters can pay for it at the lowest price per unit of
utility ``rho`` (each supporter pays ``min(own money, rho * utility)``); ties
go to the tie-break.  Utilities: the cost of the project (``mes-cost``), 1
(``mes-approval``) or the voter's points (``mes-score``).

Speed comes from three exact shortcuts:

* With cost or approval utilities every supporter of a project values it the
  same, so only the multiset of supporters' budgets matters.  Voters are kept
  in *classes* of equal remaining budget, each a bitset over voters, and the
  supporters of a project in a class are counted with ``(a & b).bit_count()``.
* A project's price only rises from round to round (budgets only fall), so a
  stale price is a lower bound and most projects need no recomputation
  (pabutools does the same).
* ``add1`` (raise every voter's budget by 1 and rerun until the outcome is
  exhaustive or overspends) is computed parametrically, after ADD-OPT in
  "Streamlining Equal Shares" (arXiv 2502.11797): each budget and price is
  tracked as ``value + slope * d`` for an extra ``d`` per voter, and every
  comparison the run made is recorded.  The outcome cannot change until one of
  them flips, so the search jumps straight to the first whole increment at
  which one could, and gives exactly the outcome of the +1 loop.
"""
from __future__ import annotations

from fractions import Fraction
from math import ceil, floor

from .base import Election, RuleResult
from .greedy import greedy_fill

_INF = None  # "no limit" for the next increment


class _Limit:
    """The smallest whole increment ``d`` at which a recorded comparison may flip."""

    def __init__(self):
        self.at = _INF

    def _set(self, delta: int):
        delta = max(delta, 1)
        if self.at is _INF or delta < self.at:
            self.at = delta

    def strict(self, a, s):
        """Recorded ``a + s*d > 0`` (true at d=0)."""
        if s < 0:
            self._set(ceil(Fraction(a) / -s))

    def weak(self, a, s):
        """Recorded ``a + s*d >= 0`` (true at d=0)."""
        if s < 0:
            self._set(floor(Fraction(a) / -s) + 1)


def _mes_uniform(el: Election, util: dict, start_budget: Fraction, limit: _Limit | None):
    """One MES run where every supporter of a project has the same utility ``util[p]``.

    Returns (selected in order, facts).  With ``limit`` given, also records in it
    the first whole per-voter increment at which the run could go differently.
    """
    bits = el.bits()
    rank, cost = el.rank, el.cost
    selected, facts = [], {}
    candidates = []
    for pid in el.ids:
        if el.votes[pid] == 0:
            facts[pid] = {"kind": "mes", "why": "no_support"}
        elif cost[pid] == 0:
            selected.append(pid)  # free and wanted: pabutools takes these before MES starts
            facts[pid] = {"kind": "mes", "why": "free", "round": 0}
        else:
            candidates.append(pid)
    # classes: (budget value, budget slope in d) -> bitset of voters holding that budget
    classes = {(start_budget, 1): (1 << el.n) - 1} if el.n else {}
    stale = {q: (Fraction(cost[q], util[q] * el.votes[q]), 0) for q in candidates}
    remaining = set(candidates)
    rnd = 0
    while remaining:
        rnd += 1
        class_list = list(classes.items())
        best = None  # (rho value, rho slope, pid, poor classes, price)
        looked = []
        for q in sorted(remaining, key=lambda p: (stale[p][0], rank[p])):
            if best is not None and stale[q][0] > best[0]:
                break
            sq, c, u = bits[q], cost[q], util[q]
            held = []
            total = total_s = 0
            for (val, slope), members in class_list:
                k = (members & sq).bit_count()
                if k:
                    held.append((val, slope, k))
                    total += k * val
                    total_s += k * slope
            if total < c:
                remaining.discard(q)
                facts[q] = {"kind": "mes", "why": "unaffordable", "round": rnd, "money": total}
                if limit is not None:
                    limit.strict(c - total, -total_s)
                continue
            held.sort()
            poor_v = poor_s = 0
            rich = sum(k for _, _, k in held)
            for i, (val, slope, k) in enumerate(held):
                rho = (c - poor_v) / Fraction(u * rich)
                if rho * u <= val:
                    break
                poor_v += k * val
                poor_s += k * slope
                rich -= k
            rho_s = Fraction(-poor_s, u * rich)
            if limit is not None:
                for j, (val, slope, k) in enumerate(held):
                    if j < i:
                        limit.strict(rho * u - val, rho_s * u - slope)
                    else:
                        limit.weak(val - rho * u, slope - rho_s * u)
            stale[q] = (rho, rho_s)
            looked.append(q)
            if best is None or (rho, rank[q]) < (best[0], rank[best[2]]):
                best = (rho, rho_s, q, held[:i])
        if best is None:
            break
        rho, rho_s, p, poor = best
        if limit is not None:
            for q in remaining:
                if q != p:
                    a, s = stale[q][0] - rho, stale[q][1] - rho_s
                    (limit.strict if rank[q] < rank[p] else limit.weak)(a, s)
        remaining.discard(p)
        selected.append(p)
        price, price_s = rho * util[p], rho_s * util[p]
        sp = bits[p]
        new = {}
        payers = 0
        low = price
        for (val, slope), members in class_list:
            moved = members & sp
            if not moved:
                new[(val, slope)] = new.get((val, slope), 0) | members
                continue
            stay = members ^ moved
            if stay:
                new[(val, slope)] = new.get((val, slope), 0) | stay
            if val > 0:
                payers += moved.bit_count()
            if val >= price:
                key = (val - price, slope - price_s)
            else:
                low = min(low, val)
                key = (0, 0)  # paid everything it had, at every d in the interval
            if key[0] or (limit is not None and key[1]):
                new[key] = new.get(key, 0) | moved
        classes = new
        facts[p] = {"kind": "mes", "why": "bought", "round": rnd, "price": price, "low": low,
                    "payers": payers, "rho": rho}
    return selected, facts


def _utilities(el: Election, utility: str) -> dict:
    return {pid: (el.cost[pid] if utility == "cost" else 1) for pid in el.ids}


def equal_shares(el: Election, utility: str = "cost", **_) -> RuleResult:
    """Plain MES (no completion): every voter starts with budget / voters."""
    if el.n == 0:
        return RuleResult([], {pid: {"kind": "mes", "why": "no_support"} for pid in el.ids})
    if utility == "score":
        selected, facts = _mes_general(el, Fraction(el.budget, el.n))
    else:
        selected, facts = _mes_uniform(el, _utilities(el, utility), Fraction(el.budget, el.n), None)
    return RuleResult(selected, facts)


def equal_shares_add1(el: Election, utility: str = "cost", fill: bool = True, **_) -> RuleResult:
    """MES with the add-one completion (as pabutools' ``voter_budget_increment=1``), then greedy fill.

    Runs MES with budget B/n + k per voter for k = 0, 1, 2, ... and keeps the
    first exhaustive outcome, or the last affordable one if the next overspends.
    Only the increments at which the outcome can change are actually run.
    """
    if el.n == 0:
        result = RuleResult([], {pid: {"kind": "mes", "why": "no_support"} for pid in el.ids})
    else:
        util = _utilities(el, utility)
        base = Fraction(el.budget, el.n)
        supported = [p for p in el.ids if el.votes[p] > 0 and el.cost[p] > 0]
        k, runs = 0, 0
        prev = None
        while True:
            limit = _Limit()
            selected, facts = _mes_uniform(el, util, base + k, limit)
            runs += 1
            spent = sum(el.cost[p] for p in selected)
            if spent > el.budget:
                break
            prev = (k, selected, facts)
            chosen = set(selected)
            if all(el.cost[p] + spent > el.budget for p in supported if p not in chosen) or limit.at is _INF:
                break
            k += limit.at
        if prev is None:  # even B/n overspends: impossible, kept as a guard
            prev = (0, [], {})
        k, selected, facts = prev
        result = RuleResult(list(selected), dict(facts))
        result.notes.append(f"add1: each voter's budget raised by {k} from the equal share"
                            f" (MES runs needed: {runs})")
        for f in result.facts.values():
            f["add"] = k
            f["start"] = base
    if fill:
        spent = sum(el.cost[p] for p in result.selected)
        top = greedy_fill(el, result.selected, el.budget - spent)
        for pid in top.selected:
            result.selected.append(pid)
            result.facts[pid] = dict(top.facts[pid], filled=True)
        for pid, f in top.facts.items():
            if not f["selected"]:
                result.facts[pid] = dict(result.facts.get(pid, {}), fill_left=f["left"])
    return result


def _mes_general(el: Election, start_budget: Fraction):
    """MES with each voter's own utility (points or scores), over distinct ballots.

    Used for ``mes-score``: utilities differ between supporters, so voters
    cannot share a budget class; ballots with the same content still can.
    """
    rank, cost = el.rank, el.cost
    groups = [(pts, c) for _, c, pts in el.groups]
    budget = [start_budget] * len(groups)
    supporters = {pid: [] for pid in el.ids}
    for g, (pts, c) in enumerate(groups):
        for pid, x in pts.items():
            supporters[pid].append(g)
    selected, facts = [], {}
    remaining = set()
    for pid in el.ids:
        if not supporters[pid]:
            facts[pid] = {"kind": "mes", "why": "no_support"}
        elif cost[pid] == 0:
            selected.append(pid)
            facts[pid] = {"kind": "mes", "why": "free", "round": 0}
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
            sup = supporters[q]
            total = sum(budget[g] * groups[g][1] for g in sup)
            if total < cost[q]:
                remaining.discard(q)
                facts[q] = {"kind": "mes", "why": "unaffordable", "round": rnd, "money": total}
                continue
            sup.sort(key=lambda g: budget[g] / groups[g][0][q])
            paid = 0
            denom = sum(groups[g][0][q] * groups[g][1] for g in sup)
            for g in sup:
                rho = (cost[q] - paid) / Fraction(denom)
                if rho * groups[g][0][q] <= budget[g]:
                    break
                paid += budget[g] * groups[g][1]
                denom -= groups[g][0][q] * groups[g][1]
            stale[q] = rho
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
        facts[p] = {"kind": "mes", "why": "bought", "round": rnd, "rho": rho,
                    "price": max(x for x, _ in pays), "low": min(x for x, _ in pays),
                    "payers": sum(c for _, c in pays)}
    return selected, facts
