"""Sequential Phragmén (continuous loads), exactly as pabutools computes it.

Each round selects the project that would leave its supporters with the
lowest common load ``(their loads + cost) / supporters``; the rule stops (no
skipping) as soon as that project, or one tied with it, does not fit.

Loads only grow, so a project's earlier "new load" is a lower bound and is
recomputed only when it could be the minimum (lazy evaluation).  Voters with
equal load share a bitset class, so a project's supporters' total load is a
few ``(a & b).bit_count()`` calls instead of a loop over voters.
"""
from __future__ import annotations

import heapq
from fractions import Fraction

from ..facts import PhragmenFact
from .base import Election, RuleResult

_INFINITE = (1, 0)  # sorts after every finite load (0, value)


class Loads:
    """Voters' loads, as classes of equal load: [load (> 0), bitset of voters]; the rest have 0.

    A list, not a dict: there are few classes, and hashing a Fraction is slow.
    """

    def __init__(self, el: Election):
        self.bits, self.cost, self.votes = el.bits(), el.cost, el.votes
        self.classes: list = []

    def new_load(self, q):
        """The common load q's supporters would have after sharing its cost."""
        if self.votes[q] == 0:
            return _INFINITE
        sq = self.bits[q]
        total = 0
        for load, members in self.classes:
            k = (members & sq).bit_count()
            if k:
                total += load * k
        return (0, Fraction(total + self.cost[q], self.votes[q]))

    def charge(self, p, level) -> None:
        """p's supporters now all carry load ``level``."""
        sp, kept = self.bits[p], []
        for load, members in self.classes:
            rest = members & ~sp
            if load == level:
                sp |= rest  # same load: one class
            elif rest:
                kept.append([load, rest])
        if level:
            kept.append([level, sp])
        self.classes[:] = kept


def _tied_lowest(heap, fresh, rnd, new_load):
    """Pop the projects tied for the lowest current new load: (load, [(rank, id)] by rank).

    Loads only grow, so a stale heap entry is a lower bound: recompute it only when it
    reaches the top.
    """
    while True:
        _, r, q = heap[0]
        if fresh[q] == rnd:
            break
        heapq.heapreplace(heap, (new_load(q), r, q))
        fresh[q] = rnd
    best = heap[0][0]
    tied = []
    while heap and heap[0][0] == best:
        _, r, q = heapq.heappop(heap)
        if fresh[q] != rnd:
            fresh[q] = rnd
            heapq.heappush(heap, (new_load(q), r, q))
            continue
        tied.append((r, q))
    tied.sort()
    return best, tied


def phragmen(el: Election, **_) -> RuleResult:
    rank, cost = el.rank, el.cost
    facts: dict = {}
    projects = []
    for pid in el.ids:
        if cost[pid] > el.budget:
            facts[pid] = PhragmenFact("too_dear")
        else:
            projects.append(pid)
    loads = Loads(el)
    heap = [(loads.new_load(q), rank[q], q) for q in projects]
    heapq.heapify(heap)
    fresh = dict.fromkeys(projects, 0)  # round in which the heap entry was computed
    selected, spent, rnd = [], 0, 0
    while heap:
        rnd += 1
        best, tied = _tied_lowest(heap, fresh, rnd, loads.new_load)
        too_dear = [q for _, q in tied if spent + cost[q] > el.budget]
        if too_dear:
            left = el.budget - spent
            for _, q in tied:
                facts[q] = PhragmenFact("stopped", round=rnd, load=best, left=left,
                                        blocker=too_dear[0])
            for _, _, q in heap:
                facts[q] = PhragmenFact("after_stop", round=rnd, left=left, blocker=too_dear[0])
            break
        p = tied[0][1]
        for _, q in tied[1:]:
            heapq.heappush(heap, (best, rank[q], q))
        selected.append(p)
        spent += cost[p]
        facts[p] = PhragmenFact("bought", round=rnd, load=best)
        if best is not _INFINITE:  # (nobody supports an _INFINITE one: loads do not change)
            loads.charge(p, best[1])
    return RuleResult(selected, facts)
