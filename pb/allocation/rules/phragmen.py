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

from .base import Election, RuleResult

_INFINITE = (1, 0)  # sorts after every finite load (0, value)


def phragmen(el: Election, **_) -> RuleResult:
    bits = el.bits()
    rank, cost, votes = el.rank, el.cost, el.votes
    facts: dict = {}
    projects = []
    for pid in el.ids:
        if cost[pid] > el.budget:
            facts[pid] = {"kind": "phragmen", "why": "too_dear"}
        else:
            projects.append(pid)
    # [load (> 0), bitset of voters with that load]; everyone else has load 0.  A list,
    # not a dict: there are few classes, and hashing a Fraction is slow.
    classes: list = []

    def new_load(q):
        if votes[q] == 0:
            return _INFINITE
        sq = bits[q]
        total = 0
        for load, members in classes:
            k = (members & sq).bit_count()
            if k:
                total += load * k
        return (0, Fraction(total + cost[q], votes[q]))

    heap = [(new_load(q), rank[q], q) for q in projects]
    heapq.heapify(heap)
    fresh = dict.fromkeys(projects, 0)  # round in which the heap entry was computed
    selected, spent, rnd = [], 0, 0
    while heap:
        rnd += 1
        # Pop until the smallest entry is current; then collect everything tied with it.
        while True:
            load, r, q = heap[0]
            if fresh[q] == rnd:
                break
            heapq.heapreplace(heap, (new_load(q), r, q))
            fresh[q] = rnd
        best = heap[0][0]
        tied = []
        while heap and heap[0][0] == best:
            load, r, q = heapq.heappop(heap)
            if fresh[q] != rnd:
                fresh[q] = rnd
                heapq.heappush(heap, (new_load(q), r, q))
                continue
            tied.append((r, q))
        tied.sort()
        too_dear = [q for _, q in tied if spent + cost[q] > el.budget]
        if too_dear:
            left = el.budget - spent
            for _, q in tied:
                facts[q] = {"kind": "phragmen", "why": "stopped", "round": rnd, "left": left,
                            "blocker": too_dear[0], "load": best}
            for _, _, q in heap:
                facts[q] = {"kind": "phragmen", "why": "after_stop", "round": rnd, "left": left,
                            "blocker": too_dear[0]}
            break
        p = tied[0][1]
        for _, q in tied[1:]:
            heapq.heappush(heap, (best, rank[q], q))
        selected.append(p)
        spent += cost[p]
        facts[p] = {"kind": "phragmen", "why": "bought", "round": rnd, "load": best}
        if best is _INFINITE:
            continue  # nobody supports it: loads do not change
        sp, level = bits[p], best[1]
        kept = []
        for load, members in classes:
            rest = members & ~sp
            if load == level:
                sp |= rest  # same load: one class
            elif rest:
                kept.append([load, rest])
        if level:
            kept.append([level, sp])
        classes[:] = kept
    return RuleResult(selected, facts)
