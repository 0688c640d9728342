"""What each rule records about a project's fate: typed, immutable facts.

Rules record facts while they count; ``explain.py`` turns them into sentences and the
results pages show them as the technical trace.  Money is exact (``int`` or
``Fraction``) in the instance's minor units.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from .model import Money


@dataclass(frozen=True)
class GreedyFact:
    """A project's place in a greedy walk: ``rank`` of ``of`` by ``measure``, with ``left`` when reached.

    ``filled`` marks a project funded in the greedy top-up after another rule.
    """

    measure: str
    rank: int
    of: int
    left: Money
    selected: bool
    filled: bool = False


@dataclass(frozen=True)
class MesFact:
    """Equal Shares: ``why`` is ``bought``, ``unaffordable``, ``no_support``, ``free`` or ``zero_utility``.

    ``bought``: in ``round``, supporters paid between ``low`` and ``price`` each (``payers`` of
    them) at ``rho`` per unit of benefit.  ``unaffordable``: by ``round`` its supporters had
    ``money`` between them.  With the add-one completion, ``start`` is each voter's first
    share and ``add`` the raise kept; ``fill_left`` is the money left when the top-up reached it.
    """

    why: str
    round: int | None = None
    price: Money | None = None
    low: Money | None = None
    payers: int | None = None
    rho: Fraction | None = None
    money: Money | None = None
    start: Money | None = None
    add: int | None = None
    fill_left: Money | None = None


@dataclass(frozen=True)
class PhragmenFact:
    """Sequential Phragmén: ``why`` is ``bought``, ``too_dear``, ``stopped`` or ``after_stop``.

    ``load`` is ``(0, load)``, or ``(1, 0)`` for a project nobody supports; ``blocker`` is the
    project that did not fit in ``left`` when the count stopped in ``round``.
    """

    why: str
    round: int | None = None
    load: tuple | None = None
    left: Money | None = None
    blocker: str | None = None


@dataclass(frozen=True)
class MaxUtilityFact:
    """Maximum total support: whether the best affordable set (of ``welfare`` votes) holds it."""

    selected: bool
    welfare: int


@dataclass(frozen=True)
class ConstraintFact:
    """Barred by a round's constraint (eligibility, a cap), with the sentence that says why."""

    text: str


Fact = GreedyFact | MesFact | PhragmenFact | MaxUtilityFact | ConstraintFact
