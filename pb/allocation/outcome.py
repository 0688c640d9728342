"""The result of running a rule: what was funded, why, and how fair it looks."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction

from .facts import Fact
from .model import Money


def json_money(value) -> int | str:
    """Exact money for JSON: an int when whole, else the string "a/b"."""
    value = Fraction(value)
    return value.numerator if value.denominator == 1 else f"{value.numerator}/{value.denominator}"


@dataclass(frozen=True)
class ProjectResult:
    """One project's fate.  ``points`` is total points/score (None for approval/ordinal).

    ``explanation`` is the technical trace (rounds, payments); ``reason`` says the same in
    everyday words for residents; ``rank`` is the project's place by votes, ties broken by
    the round's tie-break (1 = most supported).  ``fact`` is what the rule recorded (its
    round, the money, the prices paid), the data behind both sentences.
    """

    id: str
    name: str
    cost: Money
    votes: int
    selected: bool
    explanation: str
    points: Money | None = None
    ward: str | None = None
    categories: tuple[str, ...] = ()
    fact: Fact | None = None
    reason: str = ""
    rank: int = 0


@dataclass(frozen=True)
class Outcome:
    """``selected`` is in selection order; ``projects`` covers every project."""

    rule: str
    tie_break: str
    budget: Money
    spent: Money
    selected: tuple[str, ...]
    projects: Mapping[str, ProjectResult]
    metrics: Mapping = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    passes: tuple = ()  # constraints.Pass per run of the rule (empty with no sub-budgets)

    @property
    def left(self) -> Money:
        return self.budget - self.spent

    def to_json(self) -> dict:
        """The CLI's ``--json`` document (plain types only, money exact)."""
        return {
            "rule": self.rule,
            "tie_break": self.tie_break,
            "budget": json_money(self.budget),
            "spent": json_money(self.spent),
            "selected": list(self.selected),
            "projects": {
                pid: {"cost": json_money(r.cost), "votes": r.votes, "selected": r.selected,
                      "explanation": r.explanation, "reason": r.reason, "rank": r.rank,
                      **({"points": json_money(r.points)} if r.points is not None else {})}
                for pid, r in self.projects.items()
            },
            "metrics": dict(self.metrics),
            "notes": list(self.notes),
            "passes": [p.to_json() for p in self.passes],
        }
