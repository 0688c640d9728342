"""The "add one" completion of Equal Shares, as Świecie and Wieliczka run it.

Run MES with each voter's share raised by k = 0, 1, 2, ... currency units and
keep the first outcome that is exhaustive, or the last one before an outcome
overspends the real budget (pabutools' ``voter_budget_increment=1``); then,
optionally, top up with the most-votes-first walk.

The search counts only the raises at which the outcome can change.  Each count
(``mes_param.EnvelopeRun``) is the exact Equal Shares run at its share and also
bounds, with lines over and under every budget and price inside a window of
raises, the smallest raise at which a purchase could lose to a neighbouring
project (one sharing a supporter) or an unaffordable project could become
affordable; every whole raise below that bound gives the same outcome and is
skipped.  The window doubles while nothing changes.  This is the idea of
ADD-OPT ("Streamlining Equal Shares", arXiv 2502.11797): jump to the next
share at which the outcome can change.  The result is exactly that of the
+1 loop (tests/allocation/test_properties.py compares them).
"""
from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

from ..facts import MesFact
from .base import Election, RuleResult
from .equal_shares import mes_uniform, utilities
from .greedy import greedy_fill
from .mes_param import EnvelopeRun, next_raise


def equal_shares_add1(el: Election, utility: str = "cost", fill: bool = True, **_) -> RuleResult:
    """MES with the add-one completion (as pabutools' ``voter_budget_increment=1``), then greedy fill.

    Runs MES with budget B/n + k per voter for k = 0, 1, 2, ... and keeps the
    first exhaustive outcome, or the last affordable one if the next overspends.
    Only the increments at which the outcome can change are actually run.
    """
    if el.n == 0:
        result = RuleResult([], {pid: MesFact("no_support") for pid in el.ids})
    else:
        result = _add_one(el, utilities(el, utility))
    if fill:
        _top_up(el, result)
    return result


def _add_one(el: Election, util: dict) -> RuleResult:
    """The add-one search and its notes; facts record the start share and the raise."""
    base = Fraction(el.budget, el.n)
    k, runs, selected, facts, reason = _search(el, util, base)
    if facts is None:
        # Resumed counts may buy independent projects in another order; one plain run at
        # the final share gives the canonical order and the facts for the explanations.
        plain, facts, _, _ = mes_uniform(el, util, base + k)
        runs += 1
        if set(plain) != set(selected):  # a real check, kept under python -O
            raise RuntimeError("add1 search and plain MES disagree")
        selected = plain
    result = RuleResult(list(selected), {pid: replace(f, add=k, start=base) for pid, f in facts.items()})
    # Notes are rendered by allocate() with the caller's money formatter.
    result.notes.append(lambda fmt, k=k, reason=reason: (
        f"Equal Shares started each voter with {fmt(base)} (the budget divided equally) and "
        + (f"raised it one unit at a time to {fmt(base + k)}, where {reason}." if k else
           f"did not raise it, because {reason}.")))
    result.notes.append(f"The add-one search needed {runs} Equal Shares counts for {k} raises.")
    return result


def _search(el: Election, util: dict, base: Fraction):
    """(raise k, counts, selected, facts or None, why it stopped) of the last affordable outcome.

    Each count also certifies a raise ``cap`` (within a window) below which no
    whole raise can change its outcome (``mes_param``); the next count is at the
    first whole raise not certified.  The window doubles while nothing changes.
    """
    supported = [p for p in el.ids if el.votes[p] > 0 and el.cost[p] > 0]
    k, runs, window, prev = 0, 0, 2, None
    while True:
        run = EnvelopeRun(el, util, base + k, window).run()
        runs += 1
        selected = run.selected
        spent = sum(el.cost[p] for p in selected)
        if spent > el.budget:
            # Every raise since the last count gave that count's outcome: keep the last one.
            reason = "one more unit each would have overspent the budget"
            prev = (k - 1, prev[1])
            break
        prev = (k, list(selected))
        chosen = set(selected)
        if all(el.cost[p] + spent > el.budget for p in supported if p not in chosen):
            reason = "no other supported project would have fitted in the money left"
            break
        step = next_raise(run.cap)
        window = 2 * window if step >= window else max(2, 2 * step)
        k += step
    return prev[0], runs, prev[1], None, reason


def _top_up(el: Election, result: RuleResult) -> None:
    """Spend what is left on the most-voted projects that still fit (the greedy fill)."""
    spent = sum(el.cost[p] for p in result.selected)
    top = greedy_fill(el, result.selected, el.budget - spent)
    for pid in top.selected:
        result.selected.append(pid)
        result.facts[pid] = replace(top.facts[pid], filled=True)
    for pid, f in top.facts.items():
        if not f.selected:
            # (Every project has an Equal Shares fact; "uncounted" guards a future rule change.)
            result.facts[pid] = replace(result.facts.get(pid, MesFact("uncounted")), fill_left=f.left)
