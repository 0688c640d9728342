"""Greedy rules: rank the projects once, then walk down the list funding what fits.

As in pabutools, a project that does not fit is skipped (the walk goes on), a
project of cost 0 with support comes first (infinite value per pound), and a
project nobody supports comes last but is still funded if money is left.
"""
from __future__ import annotations

from fractions import Fraction

from ..facts import GreedyFact
from .base import Election, RuleResult


def _walk(election: Election, key, measure: str, start_selected=(), money_left=None) -> RuleResult:
    """Fund projects in ``key`` order while they fit; record rank and money left."""
    left = election.budget if money_left is None else money_left
    already = set(start_selected)
    order = sorted((pid for pid in election.ids if pid not in already), key=key)
    result = RuleResult(selected=[])
    for position, pid in enumerate(order, 1):
        cost = election.cost[pid]
        fits = cost <= left
        result.facts[pid] = GreedyFact(measure, position, len(order), left, fits)
        if fits:
            result.selected.append(pid)
            left -= cost
    return result


def _density_key(election: Election, score, per_cost: bool):
    """Sort key: score (or score per unit of money) descending, zero cost first, then tie-break.

    pabutools orders by total satisfaction / cost; a project with no support has
    value 0 and goes last, one that costs nothing (with support) goes first.
    """
    def key(pid):
        value, cost = score[pid], election.cost[pid]
        if value <= 0:
            return (2, 0, election.rank[pid])
        if cost == 0:
            return (0, 0, election.rank[pid])
        return (1, -(Fraction(value) / cost if per_cost else value), election.rank[pid])
    return key


def greedy_approval(election: Election, **_) -> RuleResult:
    """Most supporters first (pabutools' greedy with Cost_Sat)."""
    return _walk(election, _density_key(election, election.votes, False), "votes")


def greedy_cost(election: Election, **_) -> RuleResult:
    """Most supporters per unit of money first (pabutools' greedy with Cardinality_Sat)."""
    return _walk(election, _density_key(election, election.votes, True), "votes per unit of money")


def greedy_points(election: Election, **_) -> RuleResult:
    """Most points (cumulative) or highest total score first."""
    if election.points is None:
        raise ValueError("greedy-points needs cumulative or score ballots")
    return _walk(election, _density_key(election, election.points, False), "points")


def greedy_fill(election: Election, selected: list[str], money_left) -> RuleResult:
    """Top up an outcome with the most-votes-first walk over the other projects."""
    return _walk(election, _density_key(election, election.votes, False), "votes",
                 start_selected=selected, money_left=money_left)
