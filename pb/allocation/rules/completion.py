"""The "add one" completion of Equal Shares, as Świecie and Wieliczka run it.

Run MES with each voter's share raised by k = 0, 1, 2, ... currency units and
keep the first outcome that is exhaustive, or the last one before an outcome
overspends the real budget (pabutools' ``voter_budget_increment=1``); then,
optionally, top up with the most-votes-first walk.

The search skips the increments it can prove change nothing.
Budgets and prices are monotone in the starting share when the sequence of
purchases is fixed, so a run at ``k + s`` forced to repeat the purchases of
the run at ``k``, where no neighbouring project (one sharing a supporter) is
cheaper than each purchase was at ``k``, proves that every share in between
gives the same outcome.  Purchases of projects with no supporter in common
commute, so only neighbours need checking.  The step doubles after each
success; after a failure the forced run simply continues as a normal run.
This follows the idea of ADD-OPT ("Streamlining Equal Shares", arXiv
2502.11797): jump to the next share at which the outcome can change.
"""
from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

from ..facts import MesFact
from .base import Election, RuleResult
from .equal_shares import mes_uniform, utilities
from .greedy import greedy_fill


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
    if k or runs > 1:
        # Certified and resumed runs may buy independent projects in another order;
        # one plain run at the final budget gives the canonical order for the explanations.
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
    """(raise k, runs, selected, facts, why it stopped) of the last affordable outcome."""
    supported = [p for p in el.ids if el.votes[p] > 0 and el.cost[p] > 0]
    k, runs, step = 0, 1, 1
    state = mes_uniform(el, util, base)
    prev = None
    while True:
        selected = state[0]
        spent = sum(el.cost[p] for p in selected)
        if spent > el.budget:
            reason = "one more unit each would have overspent the budget"
            break
        prev = (k, selected, state[1])
        chosen = set(selected)
        if all(el.cost[p] + spent > el.budget for p in supported if p not in chosen):
            reason = "no other supported project would have fitted in the money left"
            break
        runs += 1
        bought = [p for p in state[0] if state[1][p].why == "bought"]  # free ones come first
        nxt = mes_uniform(el, util, base + k + step, force=(bought, state[2]))
        if not nxt[3]:
            # Proved: every budget up to k + step gives this same outcome; gallop.
            k, state, step = k + step, nxt, step * 2
        elif step == 1:
            k, state = k + 1, nxt  # the exact run at k + 1
        else:
            step //= 2
    return prev[0], runs, prev[1], prev[2], reason


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
