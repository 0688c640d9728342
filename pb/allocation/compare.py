"""Several rules on the same ballots, side by side."""
from __future__ import annotations

from dataclasses import dataclass

from .constraints import Constraints
from .explain import money_formatter
from .model import Instance, Profile
from .outcome import json_money

#: The rules a results page sets side by side: greedy by votes, Equal Shares with
#: completion, and Phragmén.
COMPARISON_RULES = ("greedy-approval", "mes-cost-add1", "phragmen")


@dataclass(frozen=True)
class Comparison:
    """Several rules on the same ballots; ``differences`` lists projects the rules disagree on."""

    rules: tuple[str, ...]
    outcomes: dict
    differences: tuple[str, ...]

    def to_json(self) -> dict:
        return {"rules": list(self.rules),
                "outcomes": {r: o.to_json() for r, o in self.outcomes.items()},
                "differences": {pid: {r: pid in self.outcomes[r].selected for r in self.rules}
                                for pid in self.differences}}

    def summary(self) -> dict:
        """Per rule: the funded ids in order, the money spent and the fairness metrics (JSON-ready).

        This is the ``comparison`` document of the results API and page.
        """
        return {r: {"selected": list(o.selected), "spent": json_money(o.spent), "metrics": dict(o.metrics)}
                for r, o in self.outcomes.items()}

    def to_text(self, instance: Instance, money=None) -> str:
        """A side-by-side table: one row per project the rules disagree on, then totals."""
        fmt = money or money_formatter(instance)
        width = max([len(r) for r in self.rules] + [8])
        name_w = 40
        lines = ["Projects the rules disagree on (yes = funded):",
                 f"{'project':<{name_w}} {'cost':>14} " + " ".join(f"{r:>{width}}" for r in self.rules)]
        for pid in self.differences:
            p = instance.project(pid)
            label = f"{pid} {p.name}"[:name_w]
            lines.append(f"{label:<{name_w}} {fmt(p.cost):>14} " + " ".join(
                f"{('yes' if pid in self.outcomes[r].selected else '-'):>{width}}" for r in self.rules))
        if not self.differences:
            lines.append("(none: every rule funds the same projects)")
        lines.append("")
        for title, getter in (("projects funded", lambda o: str(len(o.selected))),
                              ("money spent", lambda o: fmt(o.spent)),
                              ("money left", lambda o: fmt(o.left)),
                              ("voters with a funded project", lambda o: f"{o.metrics['voters_with_funded_project']:.1%}")):
            lines.append(f"{title:<{name_w}} {'':>14} " + " ".join(f"{getter(self.outcomes[r]):>{width}}"
                                                                   for r in self.rules))
        return "\n".join(lines)


def compare(instance: Instance, profile: Profile, rules, tie_break: str = "id",
            constraints: Constraints | None = None) -> Comparison:
    """Run each rule on the same ballots and list the projects they disagree on."""
    rules = tuple(rules)
    from . import allocate  # the package's entry point; imported here to avoid a cycle

    outcomes = {r: allocate(instance, profile, r, tie_break, constraints) for r in rules}
    diffs = tuple(p.id for p in instance.projects
                  if len({p.id in outcomes[r].selected for r in rules}) > 1)
    return Comparison(rules, outcomes, diffs)
