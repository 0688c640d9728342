"""Constraints real programmes add on top of any rule.

* **Minimum support**: a project needs ``min_votes`` supporters, and/or a vote
  share of at least ``min_support_ratio`` times its cost share
  (votes / voters >= ratio * cost / budget; Świecie 2023 used ratio 1).
  Projects that fail are removed before the rule runs.
* **Ward budgets** (``ward_budgets=True``): each ward in
  ``Instance.ward_budgets`` runs the rule on its own projects and money, with
  the voters who support at least one of its projects.  Projects outside those
  wards share what is left of the total budget in an area-wide pass; with
  ``pool_leftovers=True`` the wards' unspent money joins that pass and unfunded
  ward projects compete in it too.  Without pooling a ward's leftover is unspent
  (the caller says where it goes: returned, or rolled into the next round).
* **Reserves** (``Reserve("category", "Young people", 2_000_000)``): that much
  is set aside for the category and spent first by the same rule over its
  projects; what it does not use goes back to the main pot.
  ``category_budgets=True`` makes such a reserve of each entry of
  ``Instance.category_budgets``.
* **Caps** (``Cap("ward", "North", share=Fraction(1, 2))`` or ``amount=``): if
  the outcome spends more than the cap on a ward or category, the capped group's
  last-funded project is excluded and everything is re-run, until no cap is broken.

Each pass is an ordinary run of the rule on a smaller election, so every rule
supports every constraint, and each project's explanation says which pass or
constraint decided it.  ``run_constrained`` also returns each pass's money
(``Pass``: kind, name, budget, spent) so a page can say where unspent money went.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from .facts import ConstraintFact
from .model import Instance, Money, exact
from .rules.base import Election


@dataclass(frozen=True)
class Cap:
    """At most ``amount`` (or ``share`` of the total budget) for a ward or category."""

    kind: str  # "ward" or "category"
    name: str
    amount: Money | None = None
    share: Fraction | None = None

    def limit(self, budget) -> Money:
        if self.amount is not None:
            return exact(self.amount)
        return exact(Fraction(self.share) * budget)


@dataclass(frozen=True)
class Reserve:
    """``amount`` set aside first for projects of a ward or category."""

    kind: str
    name: str
    amount: Money


@dataclass(frozen=True)
class Constraints:
    min_votes: int = 0
    min_support_ratio: Fraction | None = None
    ward_budgets: bool = False
    pool_leftovers: bool = False
    category_budgets: bool = False
    caps: tuple[Cap, ...] = ()
    reserves: tuple[Reserve, ...] = ()


@dataclass(frozen=True)
class Pass:
    """One run of the rule under constraints: ``kind`` is "reserve", "ward" or "area"
    (the area-wide pass after ward budgets) or "all" (no sub-budgets); ``pooled`` says
    whether the wards' leftovers joined an area pass."""

    kind: str
    name: str | None
    label: str | None
    budget: Money
    spent: Money
    pooled: bool = False

    def to_json(self) -> dict:
        from .outcome import json_money  # plain helper; imported here to avoid a cycle

        return {"kind": self.kind, "name": self.name, "label": self.label,
                "budget": json_money(self.budget), "spent": json_money(self.spent),
                "pooled": self.pooled}


def _member(project, kind: str, name: str) -> bool:
    return project.ward == name if kind == "ward" else name in project.categories


def eligibility(instance: Instance, votes: dict, voters: int, c: Constraints, fmt) -> dict[str, str]:
    """Projects barred by minimum support, with the reason in words."""
    barred = {}
    for p in instance.projects:
        v = votes.get(p.id, 0)
        if v < c.min_votes:
            barred[p.id] = ("Not fundable: no one voted for it." if v == 0 else
                            f"Not fundable: it had {v:,} vote{'s' if v != 1 else ''}, fewer than the "
                            f"{c.min_votes:,} a project needs to be funded.")
        elif c.min_support_ratio is not None and instance.budget > 0 and voters > 0:
            vote_share = Fraction(v, voters)
            cost_share = Fraction(p.cost) / instance.budget
            if vote_share < Fraction(c.min_support_ratio) * cost_share:
                barred[p.id] = (f"Not fundable: it had {float(vote_share):.1%} of the votes but would take "
                                f"{float(cost_share):.1%} of the budget; a project needs a vote share of at "
                                f"least {float(c.min_support_ratio):g} times its share of the budget.")
    return barred


def plan_passes(instance: Instance, eligible: list[str], c: Constraints, fmt):
    """The passes to run, in order: (label, project ids, budget, ward, kind, name).

    Returned as a generator protocol: the caller sends back what each pass spent.
    """
    by_id = {p.id: p for p in instance.projects}
    remaining = list(eligible)
    main_budget = instance.budget
    reserves = list(c.reserves)
    if c.category_budgets:
        reserves += [Reserve("category", name, amount) for name, amount in instance.category_budgets]
    for r in reserves:
        ids = [pid for pid in remaining if _member(by_id[pid], r.kind, r.name)]
        spent = yield (f"reserve of {fmt(r.amount)} for {r.name}", ids, exact(r.amount), None,
                       "reserve", r.name)
        main_budget -= spent
    wards = dict(instance.ward_budgets) if c.ward_budgets else {}
    leftover = 0
    for ward, amount in wards.items():
        ids = [pid for pid in remaining if by_id[pid].ward == ward]
        spent = yield (f"{ward} ward budget of {fmt(amount)}", ids, amount, ward, "ward", ward)
        leftover += amount - spent
        main_budget -= amount
    if wards:
        city = [pid for pid in remaining if c.pool_leftovers or by_id[pid].ward not in wards]
        money = main_budget + (leftover if c.pool_leftovers else 0)
        if city and money > 0:
            yield ("area-wide budget" + (" with the wards' leftovers" if c.pool_leftovers else ""), city,
                   money, None, "area", None)
    else:
        yield (None, remaining, main_budget, None, "all", None)


def broken_cap(instance: Instance, selected: list[str], c: Constraints):
    """The first cap the selection breaks, and the project to drop for it (last funded in the group)."""
    by_id = {p.id: p for p in instance.projects}
    for cap in c.caps:
        members = [pid for pid in selected if _member(by_id[pid], cap.kind, cap.name)]
        if sum(by_id[pid].cost for pid in members) > cap.limit(instance.budget):
            return cap, members[-1]
    return None, None


def render_note(note, fmt) -> str:
    """Rules may leave a note as a function of the money formatter."""
    return note(fmt) if callable(note) else note


def run_constrained(instance, profile, ranks, fn, c: Constraints, fmt):
    """Run rule ``fn`` under constraints ``c``: eligibility, then the passes, re-counting after a cap drop.

    Returns (selected ids in order, facts per project, notes, pass label per project, passes).
    """
    votes = profile.approval_counts()
    barred = eligibility(instance, votes, profile.num_voters, c, fmt)
    excluded = dict(barred)
    while True:
        selected, facts, labels, notes, runs = [], {}, {}, [], []
        eligible = [p.id for p in instance.projects if p.id not in excluded]
        passes = plan_passes(instance, eligible, c, fmt)
        spent = None
        try:
            step = next(passes)
            while True:
                label, ids, budget, ward, kind, name = step
                ids = [pid for pid in ids if pid not in selected]
                in_ward = None
                if ward is not None:
                    wanted = set(ids)
                    in_ward = lambda b, wanted=wanted: any(p in wanted for p in b.approved())  # noqa: E731
                result = fn(Election(instance, profile, ranks, ids, budget, in_ward))
                for pid in ids:
                    if pid in result.facts:
                        facts[pid] = result.facts[pid]
                        labels[pid] = label
                selected += result.selected
                notes += [f"{label}: {render_note(n, fmt)}" if label else render_note(n, fmt) for n in result.notes]
                spent = sum(instance.project(p).cost for p in result.selected)
                runs.append(Pass(kind, name, label, budget, spent, kind == "area" and c.pool_leftovers))
                step = passes.send(spent)
        except StopIteration:
            pass
        cap, drop = broken_cap(instance, selected, c)
        if cap is None:
            break
        excluded[drop] = (f"Not funded: funding it would take spending on the {cap.name} {cap.kind} past "
                          f"its cap of {fmt(cap.limit(instance.budget))}.")
    for pid, text in excluded.items():
        facts[pid] = ConstraintFact(text)
    return selected, facts, notes, labels, tuple(runs)
