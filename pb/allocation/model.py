"""Plain, frozen data for one participatory-budgeting election.

Money is an exact number in the instance's own integer unit (pence for the
Flask app, whole złoty or euros for most pabulib files).  Costs read from a
file may be decimals ("1234,5"), so a money value is an ``int`` when it is whole
and a ``fractions.Fraction`` otherwise; floats are never used.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property

Money = int | Fraction

#: The ballot kinds the core understands.  ``choose-1`` files become approval.
BALLOT_KINDS = ("approval", "cumulative", "scores", "ordinal")


def exact(value) -> Money:
    """Return ``value`` as an exact int (when whole) or Fraction; refuse floats."""
    if isinstance(value, (bool, float)):
        raise TypeError(f"money must be exact (int or Fraction), not {value!r}")
    value = Fraction(value)
    return value.numerator if value.denominator == 1 else value


@dataclass(frozen=True)
class Project:
    """A costed proposal.  ``id`` is an opaque string: "10" sorts before "9"."""

    id: str
    cost: Money
    name: str = ""
    ward: str | None = None
    categories: tuple[str, ...] = ()
    #: Any other columns (kept so a pabulib file can be written back unchanged).
    extra: tuple[tuple[str, str], ...] = ()

    def __post_init__(self):
        if not isinstance(self.id, str) or not self.id:
            raise ValueError(f"project id must be a non-empty string, not {self.id!r}")
        object.__setattr__(self, "cost", exact(self.cost))
        if self.cost < 0:
            raise ValueError(f"project {self.id} has a negative cost")
        object.__setattr__(self, "categories", tuple(self.categories))


@dataclass(frozen=True)
class Instance:
    """The projects on the ballot paper and the money to share.

    ``currency`` is an ISO code ("GBP", "PLN"), ``minor_units`` how many money
    units make one currency unit (100 when costs are pence).  ``ward_budgets``
    and ``category_budgets`` are optional sub-budgets used by constraints.
    ``meta`` keeps other pabulib META pairs (description, dates, ...).
    """

    projects: tuple[Project, ...]
    budget: Money
    currency: str = ""
    minor_units: int = 1
    ward_budgets: tuple[tuple[str, Money], ...] = ()
    category_budgets: tuple[tuple[str, Money], ...] = ()
    meta: tuple[tuple[str, str], ...] = ()
    _by_id: dict = field(default=None, init=False, repr=False, compare=False, hash=False)

    def __post_init__(self):
        object.__setattr__(self, "projects", tuple(self.projects))
        object.__setattr__(self, "budget", exact(self.budget))
        by_id = {}
        for p in self.projects:
            if p.id in by_id:
                raise ValueError(f"project id {p.id!r} appears twice")
            by_id[p.id] = p
        object.__setattr__(self, "_by_id", by_id)
        object.__setattr__(self, "ward_budgets", tuple((w, exact(a)) for w, a in dict(self.ward_budgets).items()))
        object.__setattr__(self, "category_budgets", tuple((c, exact(a)) for c, a in dict(self.category_budgets).items()))

    def project(self, pid: str) -> Project:
        return self._by_id[pid]

    def __contains__(self, pid) -> bool:
        return pid in self._by_id

    @property
    def ids(self) -> list[str]:
        return [p.id for p in self.projects]

    def meta_value(self, key: str, default=None):
        return dict(self.meta).get(key, default)


@dataclass(frozen=True)
class Ballot:
    """One distinct ballot and how many voters cast exactly it.

    ``projects`` is sorted by id for approval, cumulative and score ballots and
    in rank order (best first) for ordinal ballots; ``points`` (cumulative and
    score ballots only) matches ``projects`` position by position.
    """

    projects: tuple[str, ...]
    points: tuple[Money, ...] | None = None
    count: int = 1

    def approved(self) -> tuple[str, ...]:
        """The approval view: listed projects, with points > 0 where points exist."""
        if self.points is None:
            return self.projects
        return tuple(p for p, x in zip(self.projects, self.points) if x > 0)


def normalise_ballot(kind: str, projects, points):
    """A ballot's key as a Profile stores it: (projects, points), sorted where the kind's
    order does not matter; ValueError for a project listed twice or negative points."""
    projects = tuple(projects)
    if len(set(projects)) != len(projects):
        raise ValueError("a ballot lists the same project twice")
    if kind == "ordinal":
        return projects, None
    if kind == "approval":
        return tuple(sorted(projects)), None
    if points is None or len(points) != len(projects):
        raise ValueError(f"{kind} ballots need one number of points per project")
    pairs = sorted(zip(projects, (exact(x) for x in points)))
    if any(x < 0 for _, x in pairs):
        raise ValueError("points cannot be negative")
    return tuple(p for p, _ in pairs), tuple(x for _, x in pairs)


@dataclass(frozen=True)
class Profile:
    """All ballots of one kind, identical ballots stored once with a count.

    Build it with :meth:`from_ballots`, which normalises and merges ballots, so
    two profiles with the same votes in any order compare equal.
    """

    kind: str
    ballots: tuple[Ballot, ...]

    def __post_init__(self):
        if self.kind not in BALLOT_KINDS:
            raise ValueError(f"unknown ballot kind {self.kind!r}; expected one of {', '.join(BALLOT_KINDS)}")
        object.__setattr__(self, "ballots", tuple(self.ballots))

    @classmethod
    def from_ballots(cls, kind: str, ballots: Iterable) -> Profile:
        """Merge ballots given as ``Ballot`` objects, id sequences, or ``{id: points}`` dicts."""
        counts: Counter = Counter()
        for b in ballots:
            if isinstance(b, Ballot):
                key, n = normalise_ballot(kind, b.projects, b.points), b.count
            elif isinstance(b, Mapping):
                key, n = normalise_ballot(kind, list(b.keys()), list(b.values())), 1
            else:
                key, n = normalise_ballot(kind, b, None), 1
            if n < 0:
                raise ValueError("a ballot count cannot be negative")
            counts[key] += n
        ordered = sorted(counts.items(), key=lambda kv: (kv[0][0], kv[0][1] or ()))
        return cls(kind, tuple(Ballot(p, x, n) for (p, x), n in ordered if n > 0))

    @property
    def num_voters(self) -> int:
        return sum(b.count for b in self.ballots)

    def approval_counts(self) -> dict[str, int]:
        """Supporters per project in the approval view (projects nobody supports are absent)."""
        return dict(self._approval_counts)

    @cached_property
    def _approval_counts(self) -> dict[str, int]:
        # Computed once per profile (it is frozen): every count and the outcome need it.
        votes: dict = {}
        for b in self.ballots:
            for pid in b.approved():
                votes[pid] = votes.get(pid, 0) + b.count
        return votes

    def point_totals(self) -> dict[str, Money] | None:
        """Total points (cumulative) or total score (scores) per project."""
        if self.kind not in ("cumulative", "scores"):
            return None
        totals: dict = {}
        for b in self.ballots:
            for pid, x in zip(b.projects, b.points):
                totals[pid] = totals.get(pid, 0) + x * b.count
        return {k: exact(v) for k, v in totals.items()}
