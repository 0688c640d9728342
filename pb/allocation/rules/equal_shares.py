"""The Method of Equal Shares (MES) and its "add one" completion.

Every voter starts with an equal share of the money.  Each round buys the
project whose supporters can pay for it at the lowest price per unit of
utility ``rho`` (each supporter pays ``min(own money, rho * utility)``); ties
go to the tie-break.  Utilities: the cost of the project (``mes-cost``), 1
(``mes-approval``) or the voter's points (``mes-score``).

Speed comes from shortcuts that keep the result exact:

* With cost or approval utilities every supporter of a project values it the
  same, so only the multiset of supporters' budgets matters.  Distinct ballots
  are grouped into *classes* of equal remaining budget, and a project's price
  is computed from a histogram of its supporters over the classes.
* Prices are first bounded in floating point with a proven error margin; only
  projects whose bounds overlap the winner's are priced exactly (``Fraction``).
* A project's price only rises from round to round (budgets only fall), so a
  stale price is a lower bound and most projects are not re-priced (pabutools
  does the same).
* The "add one" completion lives in ``completion.py``; ``mes-score`` (each
  voter's own utilities) in ``equal_shares_score.py``.
"""
from __future__ import annotations

import heapq
import math
from fractions import Fraction

from .base import Election, RuleResult

_EPS = 2.0 ** -52
_INFINITY = float("inf")


def _below(x) -> float:
    """A float no larger than the exact number ``x``."""
    return math.nextafter(float(x), -_INFINITY)


def _above(x) -> float:
    """A float no smaller than the exact number ``x``."""
    return math.nextafter(float(x), _INFINITY)


def _walk(order, cval, cfloat, c, u):
    """Exact price per unit of utility for cost ``c``, supporters' classes given poorest first.

    ``order`` is sorted by the float copies of the budgets; the result is checked
    exactly and None is returned if rounding misordered classes where it matters.
    """
    rich = sum(k for _, k in order)
    poor_f = 0.0
    i = 0
    # Find the first class that can pay the full price, in floats...
    for i, (cid, k) in enumerate(order):  # noqa: B007 (i is read after the loop)
        if (c - poor_f) / rich <= cfloat[cid]:
            break
        poor_f += cfloat[cid] * k
        rich -= k
    # ...then compute that price exactly and check the split exactly (only classes
    # whose float is within rounding distance of the price need an exact comparison).
    for start in (i, i - 1, i + 1):
        if not 0 <= start < len(order):
            continue
        poor = sum(cval[cid] * k for cid, k in order[:start])
        rich = sum(k for _, k in order[start:])
        price = (c - poor) / Fraction(rich)
        pf = float(price)
        low, high = pf * (1 - 1e-12), pf * (1 + 1e-12)
        if (all(cfloat[cid] < low or cval[cid] < price for cid, _ in order[:start])
                and all(cfloat[cid] > high or cval[cid] >= price for cid, _ in order[start:])):
            return price / u  # a Fraction: c - poor is exact and rich a Fraction
    return None


def _walk_exact(order, cval, c, u):
    """The same price by the textbook walk over classes sorted exactly (slow, always right)."""
    rich = sum(k for _, k in order)
    poor = 0
    for cid, k in order:
        price = (c - poor) / Fraction(rich)
        if price <= cval[cid]:
            return price / u
        poor += k * cval[cid]
        rich -= k
    raise AssertionError("unreachable: the supporters can afford the project")  # pragma: no cover


def _ballot_index(el: Election, candidates: tuple):
    """Distinct ballots restricted to ``candidates`` and, per project, the ballots supporting it.

    The same for every run of an add1 search, so it is built once per election.
    """
    cache = el.__dict__.setdefault("_mes_index", {})
    if candidates not in cache:
        index = {q: j for j, q in enumerate(candidates)}
        g_projects, g_count = [], []
        supporters = [[] for _ in candidates]
        lookup = index.get
        for approved, m, _ in el.groups:
            mine = [j for j in map(lookup, approved) if j is not None]
            if mine:
                for j in mine:
                    supporters[j].append(len(g_projects))
                g_projects.append(mine)
                g_count.append(m)
        # Projects sharing a supporter with j: the only prices a purchase of j can change.
        masks = [0] * len(candidates)  # bitsets over projects: cheap to OR together
        bit = [1 << j for j in range(len(candidates))]
        for mine in g_projects:
            mask = 0
            for j in mine:
                mask |= bit[j]
            for j in mine:
                masks[j] |= mask
        neighbours = [[j for j in range(len(candidates)) if m >> j & 1] for m in masks]
        cache[candidates] = (index, g_projects, g_count, supporters, neighbours)
    return cache[candidates]


def mes_uniform(el: Election, util: dict, start_budget: Fraction, force=None):
    """One MES run where every supporter of a project has the same utility ``util[p]``.

    Returns ``(selected in order, facts, rho per round, diverged)``.  With
    ``force=(sequence, rhos)`` from a run at a smaller start budget, it first
    tries to prove that every start budget in between gives the same run (see
    ``equal_shares_add1``); ``diverged`` is the round where that proof failed
    (0: proved).  The result is the exact MES run at ``start_budget`` either way.
    """
    rank, cost = el.rank, el.cost
    selected, facts, rhos = [], {}, []
    candidates = []
    for pid in el.ids:
        if el.votes[pid] == 0:
            facts[pid] = {"kind": "mes", "why": "no_support"}
        elif cost[pid] == 0:
            if util[pid]:
                selected.append(pid)  # free and wanted: pabutools takes these before MES starts
                facts[pid] = {"kind": "mes", "why": "free", "round": 0}
            else:
                # With cost utilities a free project is worth 0 to everyone, so (as in
                # pabutools) Equal Shares never buys it; a greedy top-up will.
                facts[pid] = {"kind": "mes", "why": "zero_utility"}
        else:
            candidates.append(pid)
    index, g_projects, g_count, supporters, neighbours = _ballot_index(el, tuple(candidates))
    # Budget classes: class 0 holds voters with nothing left (never stored in a
    # histogram); class 1 the starting budget.  Ballots move between classes.
    start = Fraction(start_budget)
    cval = [Fraction(0), start]
    cfloat = [0.0, float(start)]
    ckey = {}
    gclass = [1] * len(g_projects)
    # Histograms (class -> number of supporters) are built when a project is
    # priced and kept until one of its supporters pays for something: far less work
    # than updating every project on every ballot at each purchase.
    hists: dict = {}

    def hist(j):
        h = hists.get(j)
        if h is None:
            h = {}
            get = h.get
            for g in supporters[j]:
                cid = gclass[g]
                if cid:
                    h[cid] = get(cid, 0) + g_count[g]
            hists[j] = h
        return h
    active = [True] * len(candidates)
    cost_f = {q: float(cost[q]) for q in candidates}
    util_f = {q: float(util[q]) for q in candidates}
    # The heap holds (float lower bound on the price, rank, id).  Prices only rise,
    # so an old bound stays valid and most projects are never re-priced in a round.
    lb = [_below(Fraction(cost[q], util[q] * el.votes[q])) for q in candidates]
    heap = [(lb[j], rank[q], q) for j, q in enumerate(candidates)]
    heapq.heapify(heap)

    def top():
        """The first entry of a project still in the running (bought ones are dropped lazily)."""
        while heap and not active[index[heap[0][2]]]:
            heapq.heappop(heap)
        return heap[0] if heap else None

    def exact_price(q, affordable=False):
        """(rho, total money of q's supporters) exactly; rho is None when they cannot afford q.

        With ``affordable`` (already proved by ``bounds``) the total is not needed.
        """
        c, u = cost[q], util[q]
        h = hist(index[q])
        total = None
        if not affordable:
            total = sum(cval[cid] * k for cid, k in h.items())
            if total < c:
                return None, total
        # Walk the classes from poorest: the poor pay all they have, the rest share
        # the remainder equally.  Sorting by a float copy is fast; the exact check
        # in _walk catches the (rare) case where rounding misordered two classes.
        order = sorted(h.items(), key=lambda ck: cfloat[ck[0]])
        rho = _walk(order, cval, cfloat, c, u)
        if rho is None:
            order.sort(key=lambda ck: cval[ck[0]])
            rho = _walk_exact(order, cval, c, u)
        return rho, total

    def bounds(q):
        """Float bounds on q's price: (lo, hi), or ("none", money) if surely unaffordable, or None if unsure.

        Floats give every rival's price to about 12 digits in a fraction of the
        time of exact arithmetic; only prices whose bounds overlap the winner's are
        then computed exactly, so the choice made is still the exact one.
        """
        c, u = cost_f[q], util_f[q]
        items = sorted((cfloat[cid], k) for cid, k in hist(index[q]).items())
        total = 0.0
        for v, k in items:
            total += v * k
        slack = (len(items) + 8) * 8 * _EPS
        if total * (1 + slack) < c * (1 - 4 * _EPS):
            return "none", total
        if total * (1 - slack) <= c * (1 + 4 * _EPS):
            return None
        rich = sum(k for _, k in items)
        poor = 0.0
        for v, k in items:
            price = (c - poor) / rich
            if price <= v:
                break
            poor += v * k
            rich -= k
        # Worst case the price moves by the total rounding error over one rich voter.
        err = (total + c) * slack + abs(price) * 8 * _EPS
        if err > 1e-6 * price:
            return None
        return (price - err) / u * (1 - 8 * _EPS), (price + err) / u * (1 + 8 * _EPS)

    def drop(q, money):
        active[index[q]] = False
        facts[q] = {"kind": "mes", "why": "unaffordable", "round": rnd, "money": money}

    rnd = diverged = 0
    while top() is not None:
        rnd += 1
        later = []  # (lower bound, id) of rivals priced this round, to go back on the heap
        if force is None:
            best_hi = _INFINITY
            priced = []  # (lo, hi, exact rho or None, id)
            while top() is not None and heap[0][0] <= best_hi:
                q = heapq.heappop(heap)[2]
                b = bounds(q)
                if b is None:
                    rho, total = exact_price(q)
                    if rho is None:
                        drop(q, total)
                        continue
                    lo, hi, exact = _below(rho), _above(rho), rho
                elif b[0] == "none":
                    drop(q, b[1])
                    continue
                else:
                    (lo, hi), exact = b, None
                priced.append((lo, hi, exact, q))
                best_hi = min(best_hi, hi)
            if not priced:
                break
            best = None
            for lo, _hi, exact, q in priced:
                if lo <= best_hi:  # a contender: settle it exactly
                    if exact is None:
                        exact = exact_price(q, affordable=True)[0]
                        lo = _below(exact)
                    if best is None or (exact, rank[q]) < (best[0], rank[best[1]]):
                        best = (exact, q)
                later.append((lo, q))
            rho, p = best
        else:
            seq, limits = force
            ok, p = True, None
            if rnd > len(seq):
                # The smaller budget stopped here: nothing may be affordable now either.
                for q in candidates:
                    if active[index[q]]:
                        b = bounds(q)
                        if b is None:
                            ok = exact_price(q)[0] is None
                        else:
                            ok = b[0] == "none"
                        if not ok:
                            break
                if ok:
                    break
            else:
                p, bound = seq[rnd - 1], limits[rnd - 1]
                ok = p in index and active[index[p]]
                lo_bound, hi_bound = _below(bound), _above(bound)
                # Only p's neighbours (projects sharing a supporter with it) can get in
                # its way: buying p before cheaper non-neighbours changes nothing for
                # them or for p.  Each must cost more than p did at the smaller budget.
                for j in (neighbours[index[p]] if ok else ()):
                    q = candidates[j]
                    if q == p or not active[j] or lb[j] > hi_bound:
                        continue
                    b = bounds(q)
                    if b is not None and b[0] == "none":
                        drop(q, b[1])
                        continue
                    if b is not None:
                        lb[j] = max(lb[j], b[0])
                        if b[0] > hi_bound:
                            continue
                        if b[1] < lo_bound:
                            ok = False
                            break
                    rho, total = exact_price(q, affordable=b is not None)
                    if rho is None:
                        drop(q, total)
                        continue
                    lb[j] = max(lb[j], _below(rho))
                    if rho < bound or (rho == bound and rank[q] < rank[p]):
                        ok = False
                        break
                if ok:
                    rho = exact_price(p)[0]
                    ok = rho is not None
            if not ok:
                # Not provably the same run: finish this run normally from this round on
                # (rounds so far are exact at this budget too) and report where it diverged.
                for lo, q in later:
                    heapq.heappush(heap, (lo, rank[q], q))
                force, diverged, rnd = None, rnd, rnd - 1
                continue
        for lo, q in later:
            if q != p:
                heapq.heappush(heap, (lo, rank[q], q))
        selected.append(p)
        rhos.append(rho)
        jp = index[p]
        active[jp] = False
        price = rho * util[p]
        pf = float(price)
        pf_lo, pf_hi = pf * (1 - 1e-12), pf * (1 + 1e-12)
        trans = {}
        moved = {}
        for g in supporters[jp]:
            cid = gclass[g]
            if not cid:
                continue
            new = trans.get(cid)
            if new is None:
                val, vf = cval[cid], cfloat[cid]
                new = 0  # a voter who cannot pay the full price pays all it has left
                # Floats decide unless the two are within rounding distance.
                if vf > pf_hi or (vf >= pf_lo and val > price):
                    nval = val - price
                    # Key by numerator/denominator: hashing a Fraction is slow.
                    key = (nval.numerator, nval.denominator)
                    new = ckey.get(key)
                    if new is None:
                        new = ckey[key] = len(cval)
                        cval.append(nval)
                        cfloat.append(float(nval))
                trans[cid] = new
            m = g_count[g]
            moved[cid] = moved.get(cid, 0) + m
            gclass[g] = new
        for j in neighbours[jp]:
            hists.pop(j, None)
        low = min([cval[cid] for cid in moved if cfloat[cid] <= pf_hi and cval[cid] < price] + [price])
        facts[p] = {"kind": "mes", "why": "bought", "round": rnd, "price": price, "low": low,
                    "payers": sum(moved.values()), "rho": rho}
    return selected, facts, rhos, diverged


def utilities(el: Election, utility: str) -> dict:
    return {pid: (el.cost[pid] if utility == "cost" else 1) for pid in el.ids}


def equal_shares(el: Election, utility: str = "cost", **_) -> RuleResult:
    """Plain MES (no completion): every voter starts with budget / voters."""
    if el.n == 0:
        return RuleResult([], {pid: {"kind": "mes", "why": "no_support"} for pid in el.ids})
    if utility == "score":
        from .equal_shares_score import mes_general
        selected, facts = mes_general(el, Fraction(el.budget, el.n))
    else:
        selected, facts, _, _ = mes_uniform(el, utilities(el, utility), Fraction(el.budget, el.n))
    return RuleResult(selected, facts)
