"""One Equal Shares count of the add-one search, which also bounds how far the share can rise unchanged.

``EnvelopeRun`` is the exact MES run at its start share (its decisions are those
of ``MesRun``).  Alongside, it follows the same purchases at a raised share
``start + d`` for ``d`` in a window ``[0, W]`` and keeps, for every class of
voters, two lines ``budget + lo * d`` and ``budget + hi * d`` between which that
class's budget stays.  Budgets only rise with ``d`` (so ``lo >= 0``), a price
per unit is a convex function of ``d`` that is at least ``(c - sum over S of
budgets) / (supporters outside S * u)`` for *any* set ``S`` of supporters (a line
when budgets are lines), and ``max(0, line)`` lies under its chord, so all the
bounds stay lines.  Each round records the smallest raise at which it could go
differently (``cap``):

* an active neighbour of the winner (a project sharing a supporter) could be as
  cheap as the winner: a line under the neighbour's price crosses a line over
  the winner's price;
* a project found unaffordable (a *ghost*) could become affordable and, over
  a line under its price, as cheap as a later purchase it shares a supporter
  with, or affordable at the end (its supporters' money is under a line).

Purchases of projects with no supporter in common commute: if every purchase
is cheaper than its active neighbours at its time and nothing is affordable at
the end, MES buys the same set.  So every share in ``[start, start + cap)`` has
the same outcome, and the add-one search's next count is at the first whole raise
not below ``cap``.  Who pays the full price and who pays all they have may
change inside the window; the envelopes absorb that.

The bounds are in floating point with a relative slack far above rounding error:
a bound that is too low only costs a count.  Budgets, prices and every decision
at the start share stay exact.
"""
from __future__ import annotations

import math
from fractions import Fraction

from .equal_shares import MesRun
from .mes_prices import INFINITY

# Relative slack on every float bound: float rounding is about 1e-16 per operation.
TOL = 1e-9
TINY = 1e-300


def _round_up(x: float) -> float:
    """x rounded up to 4 significant bits (0 stays 0), so that few groups are needed."""
    if x <= 0:
        return 0.0
    m, e = math.frexp(x)
    return math.ldexp(math.ceil(m * 16) / 16, e)


def _meet(lines, ahi, bhi, cap):
    """Lowest d in [0, cap) where every line a + g d may be at or under ahi + bhi d (cap if none).

    The price of a project is over each of its lines, so it can reach the line
    ahi + bhi d (over the winner's price) only where all of them are under it.
    """
    lo, hi = 0.0, cap
    for a, g in lines:
        gap, slope = a - ahi, g - bhi  # the line minus the winner's, gap + slope * d, must be <= 0
        if slope >= 0:
            if gap > 0:
                return cap
            if slope > 0:
                hi = min(hi, -gap / slope * (1 + TOL))
        elif gap > 0:
            lo = max(lo, gap / -slope * (1 - TOL))
    return lo if lo <= hi else cap


class EnvelopeRun(MesRun):
    """An exact MES run at ``start_budget``; ``cap`` bounds the raise (at most ``window``) keeping its outcome."""

    def __init__(self, el, util, start_budget, window):
        super().__init__(el, util, start_budget)
        self.window = float(window)
        self.cap = self.window
        # Per class: the budget at start + d lies between cval + lo*d and cval + hi*d.
        self.slo = [0.0, 1.0]
        self.shi = [0.0, 1.0]
        # Per candidate: a line (a, g) under its price per unit, rho(d) >= a + g d.  Budgets
        # only fall from round to round, so an old line stays valid.
        self.ell = [((lb, 0.0),) for lb in self.lb]
        self.ghost = [False] * len(self.candidates)
        self.gaff = [0.0] * len(self.candidates)  # a ghost is unaffordable below this raise
        # The histogram each line was computed from: while it is current, so is the line.
        self.src = [None] * len(self.candidates)

    def run(self):
        """The whole count; afterwards ``selected`` is MES at the start share and ``cap`` the bound."""
        while self.top() is not None:
            self.rnd += 1
            best = self.free_round()
            if best is None:
                break
            self.buy(best[1], best[0])
        self.settle_ghosts()
        return self

    def drop(self, q, money) -> None:
        """q is unaffordable now.  It stays a *ghost*: over the window it may become affordable,
        and then its price is over a line that the later purchases are checked against."""
        super().drop(q, money)
        j = self.index[q]
        self.ghost[j] = True
        self.ell[j] = self.ghost_line(q)
        self.src[j] = self.hists.get(j)

    def ghost_line(self, q):
        """A line under q's price per unit wherever q is affordable inside the window."""
        c, w = self.cost_f[q], self.window
        cfloat, shi = self.cfloat, self.shi
        j = self.index[q]
        items = sorted(((cfloat[cid] + shi[cid] * w) * (1 + TOL), cfloat[cid], shi[cid], k)
                       for cid, k in self.hist(j).items())
        if sum(y * k for y, _, _, k in items) < c * (1 - TOL):
            return ((INFINITY, 0.0),)  # never affordable inside the window
        # Not affordable before its supporters' money (under a line) reaches c.
        money = sum(v * k for _, v, _, k in items)
        slope = sum(s * k for _, _, s, k in items)
        short = c - money * (1 + TOL)
        self.gaff[j] = max(0.0, short / (slope * (1 + TOL))) if slope > 0 and short > 0 else 0.0
        return (self._end_line(q, items),)

    def _end_line(self, q, items):
        """The line (c - budgets of S) / (others * u) for S those who pay all at the window's end.

        ``items``: (upper budget at the window's end, budget now, upper slope, voters) sorted.
        """
        c, u = self.cost_f[q], self.util_f[q]
        rich = sum(k for _, _, _, k in items)
        poor_v = poor_s = poor_y = 0.0
        for y, v, s, k in items:
            if (c - poor_y) / rich <= y:
                break
            poor_y += y * k
            poor_v += v * k
            poor_s += s * k
            rich -= k
        if rich <= 0:
            return self.lb[self.index[q]], 0.0
        top = c - poor_v * (1 + TOL)
        a = top / (rich * u) * (1 - TOL if top > 0 else 1 + TOL)
        return a, -poor_s * (1 + TOL) ** 2 / (rich * u)

    def settle_ghosts(self) -> None:
        """At the end nothing is affordable: bound the raise at which a ghost's money reaches its cost."""
        cfloat, shi = self.cfloat, self.shi
        for j, q in enumerate(self.candidates):
            if self.ghost[j]:
                h = self.hist(j)
                slope = sum(shi[cid] * k for cid, k in h.items())
                if slope > 0:
                    money = sum(cfloat[cid] * k for cid, k in h.items())
                    short = self.cost_f[q] - money * (1 + TOL)
                    self.cap = min(self.cap, max(0.0, short / (slope * (1 + TOL))))

    def line(self, q):
        """Two lines under q's price per unit over the window (q is affordable now).

        With S those who cannot pay the full price now, the line is tight at d = 0;
        with S those who could not at the window's end (upper budgets), near its end.
        """
        c, u, w = self.cost_f[q], self.util_f[q], self.window
        cfloat, shi = self.cfloat, self.shi
        h = self.hist(self.index[q])
        items = sorted((cfloat[cid], shi[cid], k) for cid, k in h.items())
        rich = sum(k for _, _, k in items)
        poor_v = poor_s = 0.0
        for v, s, k in items:
            if (c - poor_v) / rich <= v:
                break
            poor_v += v * k
            poor_s += s * k
            rich -= k
        if rich <= 0:  # rounding: keep the old lines
            return self.ell[self.index[q]]
        top = c - poor_v * (1 + TOL)
        a = top / (rich * u) * (1 - TOL if top > 0 else 1 + TOL)
        g = -poor_s * (1 + TOL) ** 2 / (rich * u)
        at_w = sorted(((cfloat[cid] + shi[cid] * w) * (1 + TOL), cfloat[cid], shi[cid], k) for cid, k in h.items())
        return (a, g), self._end_line(q, at_w)

    def flat_above(self, q, p, rho) -> bool:
        """True if q's price never falls below p's over the window, checked exactly.

        When every supporter of q can pay its share now, q's price is cost / (supporters *
        utility) and never lower (each pays at most that), while p's price only falls.
        This settles exact ties (equal prices broken by rank) that float bounds cannot.
        """
        supporters = sum(self.hist(self.index[q]).values())
        floor = Fraction(self.cost[q], supporters * self.util[q])
        return floor > rho or (floor == rho and self.rank[q] > self.rank[p])

    def _price_at_window(self, h, c):
        """A float over the price per voter at the window's end when budgets are at their lower lines."""
        w, cfloat, slo = self.window, self.cfloat, self.slo
        ks = sorted(((cfloat[cid] + slo[cid] * w) * (1 - TOL), k) for cid, k in h.items())
        total = sum(y * k for y, k in ks)
        if total < c * (1 + TOL):
            return None
        rich = sum(k for _, k in ks)
        poor = 0.0
        for y, k in ks:
            price = (c - poor) / rich
            if price <= y:
                return price * (1 + TOL)
            poor += y * k
            rich -= k
        return None  # pragma: no cover - rounding only

    def buy(self, p, rho) -> None:
        """Check this round over the window, then charge p's supporters (exactly) and move the envelopes."""
        price = rho * self.util[p]
        pf = float(price)
        lo_f, hi_f = pf * (1 - 1e-12), pf * (1 + 1e-12)
        cval, cfloat, shi = self.cval, self.cfloat, self.shi
        h = self.hist(self.index[p])
        poor, poor_hi, rich = set(), 0.0, 0
        for cid, k in h.items():
            vf = cfloat[cid]
            if vf < lo_f or (vf <= hi_f and cval[cid] < price):
                poor.add(cid)
                poor_hi += shi[cid] * k
            else:
                rich += k
        # The price per voter over the window: over the line pf + b_hi d (chord to the
        # price at the window's end with budgets at their lower lines, never above pf),
        # under the line pf + b_lo d (the poor of d = 0 paying all of their upper lines).
        at_w = self._price_at_window(h, self.cost_f[p])
        b_hi = 0.0 if at_w is None else min(0.0, (at_w - pf * (1 - TOL)) / self.window)
        b_lo = -poor_hi * (1 + TOL) ** 2 / rich
        self.check_neighbours(p, rho, b_hi)
        self.charge(p, rho, price, poor, b_hi, b_lo)

    def check_neighbours(self, p, rho, b_hi) -> None:
        """Lower ``cap`` to where an active or ghost neighbour of p could be as cheap as p."""
        jp, uf = self.index[p], self.util_f[p]
        ahi = float(rho) * (1 + TOL) + TINY
        bhi = b_hi / uf * (1 - TOL)  # b_hi <= 0: a little closer to 0 is above it
        cap = self.cap
        active, ell, candidates, ghost, gaff = self.active, self.ell, self.candidates, self.ghost, self.gaff
        hists, src = self.hists, self.src
        for j in self.neighbours[jp]:
            if j == jp or not (active[j] or ghost[j]):
                continue
            if max(gaff[j], _meet(ell[j], ahi, bhi, cap)) >= cap:
                continue
            if hists.get(j) is src[j]:
                # Its line is already the one from its supporters' budgets now.
                if not (active[j] and ell[j][0][1] == 0 and self.flat_above(candidates[j], p, rho)):
                    cap = min(cap, max(gaff[j], _meet(ell[j], ahi, bhi, cap)))
                continue
            q = candidates[j]
            if ghost[j]:  # a sharper line from its supporters' budgets now
                ell[j] = self.ghost_line(q)
                src[j] = hists.get(j)
            else:
                b = self.bounds(q)
                if b is None:
                    rho_q, total = self.exact_price(q)
                    if rho_q is None:
                        self.drop(q, total)
                elif b[0] == "none":
                    self.drop(q, b[1])
                if active[j]:
                    ell[j] = self.line(q)
                    src[j] = hists.get(j)
                    if ell[j][0][1] == 0 and self.flat_above(q, p, rho):
                        continue
            cap = min(cap, max(gaff[j], _meet(ell[j], ahi, bhi, cap)))
        self.cap = cap

    def charge(self, p, rho, price, poor, b_hi, b_lo) -> None:
        """Charge p's supporters exactly; the envelopes follow.

        A class paying the full price keeps budget - price; one paying all it has keeps
        0 at d = 0 and at most the chord of max(0, upper line - lower price line) over
        the window.
        """
        jp = self.index[p]
        self.selected.append(p)
        self.rhos.append(rho)
        self.active[jp] = False
        cval, cfloat, slo, shi, w = self.cval, self.cfloat, self.slo, self.shi, self.window
        pf_lo = float(price) * (1 - TOL)
        ckey, gclass = self.ckey, self.gclass
        trans = {}
        for g in self.supporters[jp]:
            cid = gclass[g]
            if not cid:
                continue
            new = trans.get(cid)
            if new is None:
                if cid in poor:
                    top = (cfloat[cid] - pf_lo) + (shi[cid] - b_lo) * w
                    nlo, nhi = 0.0, _round_up(max(0.0, top) / w * (1 + TOL))
                    # Voters left with nothing are grouped by their (rounded up) upper slope:
                    # one group for all would give each the largest.
                    nval, key = cval[0], (0, 1, nhi)
                else:
                    nval = cval[cid] - price
                    key = nval.as_integer_ratio()
                    nlo = max(0.0, (slo[cid] - b_hi) * (1 - TOL))
                    nhi = (shi[cid] - b_lo) * (1 + TOL)
                new = ckey.get(key)
                if new is None:
                    new = ckey[key] = len(cval)
                    cval.append(nval)
                    cfloat.append(key[0] / key[1])  # correctly rounded, as float(nval)
                    slo.append(nlo)
                    shi.append(nhi)
                else:
                    slo[new] = min(slo[new], nlo)
                    shi[new] = max(shi[new], nhi)
                trans[cid] = new
            gclass[g] = new
        for j in self.neighbours[jp]:
            self.hists.pop(j, None)


def next_raise(cap: float) -> int:
    """The next whole raise to count: every raise below ``cap`` is certified to change nothing."""
    return max(1, math.ceil(cap))
