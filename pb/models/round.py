"""A PB round: one pot of money, its phases, ballot design and allocation rule."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pb.allocation import RULE_NAMES, RULE_SUMMARIES, RULES_FOR_BALLOT
from pb.allocation import TIE_BREAKS as CORE_TIE_BREAKS
from pb.extensions import db
from pb.models.base import Timestamped, utcnow

BALLOT_DESIGNS = {
    "approval": "Approval: tick any number of projects",
    "budget": "Budget: choose projects whose total fits the budget",
    "points": "Points: share a number of points among projects",
    "scores": "Scores: give each project 0 to 5",
    "ranking": "Ranking: put your favourite projects in order",
}

VOTER_VERIFICATION = {
    "account": "A verified pb account",
    "code": "A voting code handed out by the partnership",
    "account_or_code": "Either a verified account or a voting code",
}

WARD_BALLOTS = {
    "own_ward": "Their own ward's projects only",
    "own_ward_and_area": "Their own ward's projects and the area-wide ones",
    "own_ward_and_one_other": "Their own ward and one other ward of their choice",
}

# Rules and tie-breaks ----------------------------------------------------------------------
#
# The allocation core (pb.allocation) is the one source: which rules exist, their names
# and summaries, which suit which kind of ballot, and which tie-breaks there are. The
# app only says how its ballot designs map to the core's kinds and which of the core's
# rules it does not offer, with the reason, below.

# How the core reads each ballot design (pabulib's vote types).
CORE_BALLOT_KIND = {
    "approval": "approval",
    "budget": "approval",  # choosing projects within the budget is approval of each
    "points": "cumulative",
    "scores": "scores",
    "ranking": "ordinal",  # read as approval of every ranked project, as pabulib does
}

# Rules the core allows for a design's ballots but the app does not offer, and why.
EXCLUDED_RULES = {
    "ranking": {
        "max-utility": (
            "The core reads a ranking as approval of every ranked project, so a last choice "
            "counts as much as a first. Most total support searches for the affordable set "
            "with the largest total of those counts, so it may drop the project most voters "
            "put first for several they put last; on a ballot that asked voters for an order, "
            "residents could not be told why. (The core allows it, as pabulib does.)"),
    },
}

RULES_FOR_DESIGN = {
    design: tuple(rule for rule in RULES_FOR_BALLOT[kind]
                  if rule not in EXCLUDED_RULES.get(design, {}))
    for design, kind in CORE_BALLOT_KIND.items()
}

# Every rule the app offers for some design, in the core's order.
OFFERED_RULES = tuple(rule for rule in RULE_NAMES
                      if any(rule in rules for rules in RULES_FOR_DESIGN.values()))


def rule_choices(design: str | None = None) -> list[tuple[str, str]]:
    """(rule id, plain-English name) for a menu: the rules suited to ``design``, or every
    rule the app offers when ``design`` is None. Show ``rule_summary`` beside them."""
    rules = RULES_FOR_DESIGN[design] if design is not None else OFFERED_RULES
    return [(rule, RULE_NAMES[rule]) for rule in rules]


def rule_name(rule: str) -> str:
    """The rule's name for people ("Most votes first"); the id itself if unknown."""
    return RULE_NAMES.get(rule, rule)


def rule_summary(rule: str) -> str:
    """One line on how the rule chooses (for menus and help text)."""
    return RULE_SUMMARIES.get(rule, "")


LOTTERY = "lottery"
LOTTERY_SEED_MAX = 40 - len(LOTTERY) - 1  # the column holds "lottery:SEED" in 40 characters
_LOTTERY_SEED = re.compile(r"[A-Za-z0-9 ._/-]+")

# What each of the core's tie-breaks means, for people: (menu label, "ties go to ...").
_TIE_BREAK_WORDS = {
    "id": ("Lower project number first (read as text, so 10 comes before 9)",
           "the project whose number comes first when read as text (10 before 9)"),
    "cost": ("Cheaper project first", "the cheaper project"),
    "votes": ("Project with more supporters first", "the project with more supporters"),
    "lottery:SEED": ("A lottery, drawn from a seed the partnership publishes",
                     "the order of a lottery drawn from the published seed"),
}

# The fixed tie-breaks (id -> menu label); the lottery needs a seed, see tie_break_choices.
TIE_BREAKS = {tb: _TIE_BREAK_WORDS[tb][0] for tb in CORE_TIE_BREAKS
              if not tb.startswith(LOTTERY + ":")}


def tie_break_choices() -> list[tuple[str, str]]:
    """(id, plain-English label) for the tie-break menu. The choice ``"lottery"`` is not
    stored as it is: store ``lottery_tie_break(seed)`` with the seed the officer typed."""
    return [*TIE_BREAKS.items(), (LOTTERY, _TIE_BREAK_WORDS["lottery:SEED"][0])]


def lottery_tie_break(seed: str) -> str:
    """The stored tie-break for a lottery drawn from ``seed`` ("lottery:SEED")."""
    problem = lottery_seed_problem(seed)
    if problem:
        raise ValueError(problem)
    return f"{LOTTERY}:{seed.strip()}"


def lottery_seed_problem(seed: str | None) -> str | None:
    """Why ``seed`` cannot seed the lottery, in words for the form; None when it can.
    Anyone can re-run the count with it, so it must be plain text that fits."""
    seed = (seed or "").strip()
    if not seed:
        return "Enter the seed the lottery is drawn from, for example the date of the draw."
    if len(seed) > LOTTERY_SEED_MAX:
        return f"Keep the seed to {LOTTERY_SEED_MAX} characters."
    if not _LOTTERY_SEED.fullmatch(seed):
        return "Use letters, digits, spaces and . _ / - in the seed."
    return None


def tie_break_problem(tie_break: str) -> str | None:
    """Why ``tie_break`` is not one the core knows; None when it is."""
    if tie_break in TIE_BREAKS:
        return None
    if tie_break.startswith(LOTTERY + ":"):
        return lottery_seed_problem(tie_break.split(":", 1)[1])
    return "Choose how ties are broken from the list."


def tie_break_label(tie_break: str) -> str:
    """Who wins a tie, to follow "Ties go to ..." ("the cheaper project")."""
    if tie_break.startswith(LOTTERY + ":"):
        seed = tie_break.split(":", 1)[1]
        return f"{_TIE_BREAK_WORDS['lottery:SEED'][1]} “{seed}”"
    words = _TIE_BREAK_WORDS.get(tie_break)
    return words[1] if words else tie_break


STATUS_LABELS = {
    "draft": "Draft (not public)",
    "upcoming": "Opens soon",
    "proposals": "Taking proposals",
    "review": "Reviewing proposals",
    "voting": "Voting open",
    "closed": "Voting closed, counting",
    "results": "Results published",
}

# What happens to the money a ward's own budget does not spend.
WARD_LEFTOVERS = {
    "pooled": "Pooled: added to the area-wide budget, where every unfunded project can compete "
              "for it (recommended)",
    "returned": "Returned: not spent in this round; it goes back to the partnership",
    "rollover": "Rolled over: not spent in this round; it is added to the ward's budget in the "
                "next round",
}

# Once voting opens these cannot change (a known hole elsewhere let admins switch
# ballot rules mid-vote).
LOCKED_WHEN_VOTING = (
    "budget_pence", "ballot_design", "allocation_rule", "tie_break", "ballot_min_choices",
    "ballot_max_choices", "ballot_points_total", "ballot_points_per_project_max",
    "ballot_rank_length", "ballot_min_budget_percent", "ballot_budget_percent",
    "eligibility_postcode", "eligibility_min_age", "voter_verification", "ward_ballot",
    "voting_open_at", "ward_leftover", "min_support_votes", "min_support_percent",
)


class Round(Timestamped, db.Model):
    __tablename__ = "rounds"
    __table_args__ = (
        CheckConstraint("budget_pence >= 0", name="budget_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160))
    description: Mapped[str] = mapped_column(Text, default="")
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id"), index=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    is_published: Mapped[bool] = mapped_column(Boolean, default=False)

    # Money, in pence.
    budget_pence: Mapped[int] = mapped_column(Integer)
    min_project_cost_pence: Mapped[int | None] = mapped_column(Integer)
    max_project_cost_pence: Mapped[int | None] = mapped_column(Integer)

    # Phases (UTC).
    proposals_open_at: Mapped[datetime | None] = mapped_column(DateTime)
    proposals_close_at: Mapped[datetime | None] = mapped_column(DateTime)
    review_close_at: Mapped[datetime | None] = mapped_column(DateTime)
    voting_open_at: Mapped[datetime | None] = mapped_column(DateTime)
    voting_close_at: Mapped[datetime | None] = mapped_column(DateTime)
    results_published_at: Mapped[datetime | None] = mapped_column(DateTime)

    # How winners are chosen.
    allocation_rule: Mapped[str] = mapped_column(String(40), default="greedy-approval")
    tie_break: Mapped[str] = mapped_column(String(40), default="id")

    # Ballot design.
    ballot_design: Mapped[str] = mapped_column(String(20), default="approval")
    ballot_min_choices: Mapped[int | None] = mapped_column(Integer)
    ballot_max_choices: Mapped[int | None] = mapped_column(Integer)
    ballot_points_total: Mapped[int | None] = mapped_column(Integer)
    ballot_points_per_project_max: Mapped[int | None] = mapped_column(Integer)
    ballot_rank_length: Mapped[int | None] = mapped_column(Integer)
    ballot_min_budget_percent: Mapped[int | None] = mapped_column(Integer)
    ballot_budget_percent: Mapped[int] = mapped_column(Integer, default=100)

    # Who may vote.
    eligibility_postcode: Mapped[bool] = mapped_column(Boolean, default=True)
    eligibility_min_age: Mapped[int | None] = mapped_column(Integer)
    voter_verification: Mapped[str] = mapped_column(String(20), default="account_or_code")
    ward_ballot: Mapped[str] = mapped_column(String(30), default="own_ward_and_area")

    # Constraints on the count (pb.allocation.Constraints; see pb.results.services).
    ward_leftover: Mapped[str] = mapped_column(String(20), default="returned",
                                               server_default="returned")
    min_support_votes: Mapped[int | None] = mapped_column(Integer)  # votes a project needs
    min_support_percent: Mapped[int | None] = mapped_column(Integer)  # % of voters it needs

    # Proposals.
    supports_required: Mapped[int] = mapped_column(Integer, default=0)

    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    partnership = relationship("Partnership")
    area = relationship("Area")
    ward_budgets: Mapped[list[RoundWardBudget]] = relationship(
        back_populates="round", cascade="all, delete-orphan")
    theme_limits: Mapped[list[RoundThemeLimit]] = relationship(
        back_populates="round", cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<Round {self.id} {self.name!r}>"

    def status_at(self, now: datetime) -> str:
        if not self.is_published:
            return "draft"
        if self.results_published_at and self.results_published_at <= now:
            return "results"
        if self.voting_close_at and self.voting_close_at <= now:
            return "closed"
        if self.voting_open_at and self.voting_open_at <= now:
            return "voting"
        if self.proposals_close_at and self.proposals_close_at <= now:
            return "review"
        if self.proposals_open_at and self.proposals_open_at <= now:
            return "proposals"
        return "upcoming"

    @property
    def status(self) -> str:
        return self.status_at(utcnow())

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def voting_has_opened(self) -> bool:
        return self.voting_open_at is not None and self.voting_open_at <= utcnow()

    @property
    def accepting_proposals(self) -> bool:
        return self.status == "proposals"

    @property
    def ballot_design_label(self) -> str:
        return BALLOT_DESIGNS.get(self.ballot_design, self.ballot_design)

    @property
    def rule_name(self) -> str:
        return rule_name(self.allocation_rule)

    @property
    def tie_break_label(self) -> str:
        return tie_break_label(self.tie_break)

    @property
    def has_ward_budgets(self) -> bool:
        return bool(self.ward_budgets)

    def ward_budget_for(self, ward_id: int) -> int | None:
        for entry in self.ward_budgets:
            if entry.ward_id == ward_id:
                return entry.budget_pence
        return None

    @property
    def ward_leftover_label(self) -> str:
        return WARD_LEFTOVERS.get(self.ward_leftover, self.ward_leftover)

    @property
    def area_wide_budget_pence(self) -> int:
        """What is left for projects serving the whole area once ward pots are set aside."""
        return self.budget_pence - sum(entry.budget_pence for entry in self.ward_budgets)


class RoundWardBudget(db.Model):
    """Money ring-fenced for one ward's projects within a round."""

    __tablename__ = "round_ward_budgets"
    __table_args__ = (
        UniqueConstraint("round_id", "ward_id"),
        CheckConstraint("budget_pence >= 0", name="ward_budget_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    ward_id: Mapped[int] = mapped_column(ForeignKey("wards.id"))
    budget_pence: Mapped[int] = mapped_column(Integer)

    round: Mapped[Round] = relationship(back_populates="ward_budgets")
    ward = relationship("Ward")


class RoundThemeLimit(db.Model):
    """A cap on (at most) and/or a reserve for (set aside first) one theme's projects."""

    __tablename__ = "round_theme_limits"
    __table_args__ = (
        UniqueConstraint("round_id", "theme_id"),
        CheckConstraint("cap_pence IS NULL OR cap_pence >= 0", name="theme_cap_not_negative"),
        CheckConstraint("reserve_pence IS NULL OR reserve_pence >= 0",
                        name="theme_reserve_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id"))
    cap_pence: Mapped[int | None] = mapped_column(Integer)
    reserve_pence: Mapped[int | None] = mapped_column(Integer)

    round: Mapped[Round] = relationship(back_populates="theme_limits")
    theme = relationship("Theme")


class WardCarryOver(db.Model):
    """A ward's leftover from a certified round whose leftovers roll over: money owed to the
    ward's budget in a later round of the same area, until an officer adds it there."""

    __tablename__ = "ward_carry_overs"
    __table_args__ = (
        UniqueConstraint("from_round_id", "ward_id"),
        CheckConstraint("amount_pence > 0", name="carry_over_positive"),
        CheckConstraint("into_round_id IS NULL OR into_round_id <> from_round_id",
                        name="carry_over_into_another_round"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    from_round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"),
                                               index=True)
    ward_id: Mapped[int] = mapped_column(ForeignKey("wards.id"), index=True)
    amount_pence: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    into_round_id: Mapped[int | None] = mapped_column(
        ForeignKey("rounds.id", ondelete="SET NULL"), index=True)
    added_at: Mapped[datetime | None] = mapped_column(DateTime)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    from_round = relationship("Round", foreign_keys=[from_round_id])
    into_round = relationship("Round", foreign_keys=[into_round_id])
    ward = relationship("Ward")

    @property
    def is_pending(self) -> bool:
        return self.into_round_id is None
