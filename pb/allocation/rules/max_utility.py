"""``max-utility``: the affordable set of projects with the most total support.

Welfare is the number of (voter, funded project they approve) pairs, i.e. the
sum of the funded projects' approval counts.  Among sets with equal welfare the
tie-break decides lexicographically: the set containing the top-ranked project
wins, then the next, and so on.  Both are folded into one integer weight,
``votes * 2**m + 2**(m - 1 - rank)`` (m projects), so one exact 0/1-knapsack
search answers both questions.

The search is depth-first branch-and-bound over projects in order of weight
per unit of money, pruned by the fractional (LP) bound.  It is exact for any
size but its running time is exponential in the worst case, so it stops with
:class:`TooLarge` after ``MAX_NODES`` search nodes (about ten seconds).  In
practice real elections of up to ~200 projects finish in well under a second.
"""
from __future__ import annotations

from ..facts import MaxUtilityFact
from .base import Election, RuleResult

MAX_PROJECTS = 500
MAX_NODES = 2_000_000


class TooLarge(ValueError):
    """The exact search would take too long for this election."""


def max_utility(el: Election, **_) -> RuleResult:
    ids = list(el.ids)
    m = len(ids)
    if m > MAX_PROJECTS:
        raise TooLarge(f"max-utility handles at most {MAX_PROJECTS} projects; this election has {m}")
    order_rank = {pid: r for r, pid in enumerate(sorted(ids, key=lambda p: el.rank[p]))}
    weight = {p: el.votes[p] * 2 ** m + 2 ** (m - 1 - order_rank[p]) for p in ids}
    cost = el.cost
    free = [p for p in ids if cost[p] == 0]
    items = sorted((p for p in ids if cost[p] > 0), key=lambda p: (-weight[p] / cost[p], order_rank[p]))
    items = [p for p in items if cost[p] <= el.budget]
    w = [weight[p] for p in items]
    c = [cost[p] for p in items]
    n = len(items)
    best = [0, []]
    nodes = [0]

    def bound(i, room, value):
        # Fractional knapsack bound over items i.. (sorted by density).
        for j in range(i, n):
            if c[j] <= room:
                room -= c[j]
                value += w[j]
            else:
                return value + (w[j] * room) // c[j]  # exact: the optimum is a whole number
        return value

    def search(i, room, value, chosen):
        nodes[0] += 1
        if nodes[0] > MAX_NODES:
            raise TooLarge(f"max-utility gave up after {MAX_NODES:,} search nodes on {n} projects")
        if value > best[0]:
            best[0], best[1] = value, list(chosen)
        if i == n or bound(i, room, value) <= best[0]:
            return
        if c[i] <= room:
            chosen.append(items[i])
            search(i + 1, room - c[i], value + w[i], chosen)
            chosen.pop()
        search(i + 1, room, value, chosen)

    search(0, el.budget, 0, [])
    chosen = set(best[1]) | set(free)
    selected = sorted(chosen, key=lambda p: order_rank[p])
    welfare = sum(el.votes[p] for p in selected)
    facts = {p: MaxUtilityFact(p in chosen, welfare) for p in ids}
    return RuleResult(selected, facts)
