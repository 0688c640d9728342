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
from fractions import Fraction

from ..facts import MesFact
from .base import Election, RuleResult
from .mes_prices import EPS, INFINITY, above, ballot_index, below, walk_price, walk_price_exact


class MesRun:
    """One MES run in progress where every supporter of a project has the same utility.

    It holds the voters' budget classes, the float price bounds on a heap and the
    purchases so far.  ``free_round`` picks the next purchase from scratch;
    ``buy`` charges the supporters.  ``mes_param.EnvelopeRun`` extends it for the
    add-one search.
    """

    def __init__(self, el: Election, util: dict, start_budget: Fraction):
        self.el, self.util = el, util
        self.rank, self.cost = el.rank, el.cost
        self.selected, self.facts, self.rhos = [], {}, []
        self.rnd = 0
        candidates = self._candidates()
        self.candidates = candidates
        (self.index, self.g_projects, self.g_count, self.supporters,
         self.neighbours) = ballot_index(el, tuple(candidates))
        # Budget classes: class 0 holds voters with nothing left (never stored in a
        # histogram); class 1 the starting budget.  Ballots move between classes.
        start = Fraction(start_budget)
        self.cval = [Fraction(0), start]
        self.cfloat = [0.0, float(start)]
        self.ckey = {}
        self.gclass = [1] * len(self.g_projects)
        # Histograms (class -> number of supporters) are built when a project is
        # priced and kept until one of its supporters pays for something: far less
        # work than updating every project on every ballot at each purchase.
        self.hists: dict = {}
        self.active = [True] * len(candidates)
        self.cost_f = {q: float(self.cost[q]) for q in candidates}
        self.util_f = {q: float(util[q]) for q in candidates}
        # The heap holds (float lower bound on the price, rank, id).  Prices only rise,
        # so an old bound stays valid and most projects are never re-priced in a round.
        # lb[j] = cost / (utility * supporters) is below every price of j at any share.
        self.lb = [below(Fraction(self.cost[q], util[q] * el.votes[q])) for q in candidates]
        self.heap = [(self.lb[j], self.rank[q], q) for j, q in enumerate(candidates)]
        heapq.heapify(self.heap)

    def _candidates(self) -> list:
        """Projects MES may buy; the others get their fact now (free ones are bought first)."""
        el, candidates = self.el, []
        for pid in el.ids:
            if el.votes[pid] == 0:
                self.facts[pid] = MesFact("no_support")
            elif self.cost[pid] == 0:
                if self.util[pid]:
                    self.selected.append(pid)  # free and wanted: pabutools takes these first
                    self.facts[pid] = MesFact("free", round=0)
                else:
                    # With cost utilities a free project is worth 0 to everyone, so (as in
                    # pabutools) Equal Shares never buys it; a greedy top-up will.
                    self.facts[pid] = MesFact("zero_utility")
            else:
                candidates.append(pid)
        return candidates

    def hist(self, j) -> dict:
        h = self.hists.get(j)
        if h is None:
            h = {}
            get, gclass, g_count = h.get, self.gclass, self.g_count
            for g in self.supporters[j]:
                cid = gclass[g]
                if cid:
                    h[cid] = get(cid, 0) + g_count[g]
            self.hists[j] = h
        return h

    def top(self):
        """The first entry of a project still in the running (bought ones are dropped lazily)."""
        heap, active, index = self.heap, self.active, self.index
        while heap and not active[index[heap[0][2]]]:
            heapq.heappop(heap)
        return heap[0] if heap else None

    def exact_price(self, q, affordable=False):
        """(rho, total money of q's supporters) exactly; rho is None when they cannot afford q.

        With ``affordable`` (already proved by ``bounds``) the total is not needed.
        """
        c, u, cval, cfloat = self.cost[q], self.util[q], self.cval, self.cfloat
        h = self.hist(self.index[q])
        total = None
        if not affordable:
            total = sum(cval[cid] * k for cid, k in h.items())
            if total < c:
                return None, total
        # Walk the classes from poorest: the poor pay all they have, the rest share
        # the remainder equally.  Sorting by a float copy is fast; the exact check
        # in walk_price catches the (rare) case where rounding misordered two classes.
        order = sorted(h.items(), key=lambda ck: cfloat[ck[0]])
        rho = walk_price(order, cval, cfloat, c, u)
        if rho is None:
            order.sort(key=lambda ck: cval[ck[0]])
            rho = walk_price_exact(order, cval, c, u)
        return rho, total

    def bounds(self, q):
        """Float bounds on q's price: (lo, hi), or ("none", money) if surely unaffordable, or None if unsure.

        Floats give every rival's price to about 12 digits in a fraction of the
        time of exact arithmetic; only prices whose bounds overlap the winner's are
        then computed exactly, so the choice made is still the exact one.
        """
        c, u = self.cost_f[q], self.util_f[q]
        cfloat = self.cfloat
        items = sorted((cfloat[cid], k) for cid, k in self.hist(self.index[q]).items())
        total = 0.0
        for v, k in items:
            total += v * k
        slack = (len(items) + 8) * 8 * EPS
        if total * (1 + slack) < c * (1 - 4 * EPS):
            return "none", total
        if total * (1 - slack) <= c * (1 + 4 * EPS):
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
        err = (total + c) * slack + abs(price) * 8 * EPS
        if err > 1e-6 * price:
            return None
        return (price - err) / u * (1 - 8 * EPS), (price + err) / u * (1 + 8 * EPS)

    def drop(self, q, money) -> None:
        self.active[self.index[q]] = False
        self.facts[q] = MesFact("unaffordable", round=self.rnd, money=money)

    def _price_for_round(self, q):
        """(lo, hi, exact rho or None) for q this round, or None after dropping an unaffordable q."""
        b = self.bounds(q)
        if b is None:
            rho, total = self.exact_price(q)
            if rho is None:
                self.drop(q, total)
                return None
            return below(rho), above(rho), rho
        if b[0] == "none":
            self.drop(q, b[1])
            return None
        return b[0], b[1], None

    def free_round(self):
        """(rho, project) of the cheapest affordable project (ties by rank), or None if none is."""
        heap, best_hi, priced = self.heap, INFINITY, []
        while self.top() is not None and heap[0][0] <= best_hi:
            q = heapq.heappop(heap)[2]
            price = self._price_for_round(q)
            if price is not None:
                priced.append((*price, q))
                best_hi = min(best_hi, price[1])
        best, later = None, []
        for lo, _hi, exact, q in priced:
            if lo <= best_hi:  # a contender: settle it exactly
                if exact is None:
                    exact = self.exact_price(q, affordable=True)[0]
                    lo = below(exact)
                if best is None or (exact, self.rank[q]) < (best[0], self.rank[best[1]]):
                    best = (exact, q)
            later.append((lo, q))
        for lo, q in later:  # rivals go back on the heap with their new bounds
            if best is None or q != best[1]:
                heapq.heappush(heap, (lo, self.rank[q], q))
        return best

    def buy(self, p, rho) -> None:
        """Charge p's supporters ``rho`` per unit of utility (all they have, if less)."""
        self.selected.append(p)
        self.rhos.append(rho)
        jp = self.index[p]
        self.active[jp] = False
        price = rho * self.util[p]
        pf = float(price)
        pf_lo, pf_hi = pf * (1 - 1e-12), pf * (1 + 1e-12)
        cval, cfloat, ckey, gclass, g_count = self.cval, self.cfloat, self.ckey, self.gclass, self.g_count
        trans, moved = {}, {}
        for g in self.supporters[jp]:
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
                    key = nval.as_integer_ratio()
                    new = ckey.get(key)
                    if new is None:
                        new = ckey[key] = len(cval)
                        cval.append(nval)
                        cfloat.append(key[0] / key[1])  # correctly rounded, as float(nval)
                trans[cid] = new
            moved[cid] = moved.get(cid, 0) + g_count[g]
            gclass[g] = new
        for j in self.neighbours[jp]:
            self.hists.pop(j, None)
        low = min([cval[cid] for cid in moved if cfloat[cid] <= pf_hi and cval[cid] < price] + [price])
        self.facts[p] = MesFact("bought", round=self.rnd, price=price, low=low,
                                payers=sum(moved.values()), rho=rho)


def mes_uniform(el: Election, util: dict, start_budget: Fraction):
    """One MES run where every supporter of a project has the same utility ``util[p]``.

    Returns ``(selected in order, facts, rho per round, 0)``.
    """
    run = MesRun(el, util, start_budget)
    while run.top() is not None:
        run.rnd += 1
        best = run.free_round()
        if best is None:
            break
        rho, p = best
        run.buy(p, rho)
    return run.selected, run.facts, run.rhos, 0


def utilities(el: Election, utility: str) -> dict:
    return {pid: (el.cost[pid] if utility == "cost" else 1) for pid in el.ids}


def equal_shares(el: Election, utility: str = "cost", **_) -> RuleResult:
    """Plain MES (no completion): every voter starts with budget / voters."""
    if el.n == 0:
        return RuleResult([], {pid: MesFact("no_support") for pid in el.ids})
    if utility == "score":
        from .equal_shares_score import mes_general
        selected, facts = mes_general(el, Fraction(el.budget, el.n))
    else:
        selected, facts, _, _ = mes_uniform(el, utilities(el, utility), Fraction(el.budget, el.n))
    return RuleResult(selected, facts)
