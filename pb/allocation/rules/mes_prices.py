"""Exact prices for Equal Shares, found fast: float bounds first, then exact checks.

Voters with the same remaining budget form a *class*; a project's price per unit
of utility is found by walking its supporters' classes from the poorest.
"""
from __future__ import annotations

import math
from fractions import Fraction

from .base import Election

# Unit roundoff of a double; INFINITY starts a search for the lowest bound.
EPS = 2.0 ** -52
INFINITY = float("inf")


def below(x) -> float:
    """A float no larger than the exact number ``x``."""
    return math.nextafter(float(x), -INFINITY)


def above(x) -> float:
    """A float no smaller than the exact number ``x``."""
    return math.nextafter(float(x), INFINITY)


def walk_price(order, cval, cfloat, c, u):
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


def walk_price_exact(order, cval, c, u):
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


def ballot_index(el: Election, candidates: tuple):
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
