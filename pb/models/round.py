"""A PB round: one pot of money, its phases, ballot design and allocation rule."""

from __future__ import annotations

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

_APPROVAL_VIEW_RULES = (
    "greedy-approval", "greedy-cost", "mes-cost", "mes-cost-add1", "mes-cost-add1-nofill",
    "mes-approval", "mes-approval-add1", "phragmen",
)

# Which allocation rules suit which ballot design. Points and scores carry more than
# approval, so they also allow the rules that use the amounts; rankings are read as
# approval of every ranked project (as pabulib does), so max-utility's "total
# approval-weighted cost" is not offered for them.
RULES_FOR_DESIGN = {
    "approval": _APPROVAL_VIEW_RULES + ("max-utility",),
    "budget": _APPROVAL_VIEW_RULES + ("max-utility",),
    "points": _APPROVAL_VIEW_RULES + ("greedy-points", "mes-score", "max-utility"),
    "scores": _APPROVAL_VIEW_RULES + ("greedy-points", "mes-score", "max-utility"),
    "ranking": _APPROVAL_VIEW_RULES,
}

TIE_BREAKS = {
    "id": "Lowest project number first",
    "cost": "Cheaper project first",
    "votes": "Project with more supporters first",
}

STATUS_LABELS = {
    "draft": "Draft (not public)",
    "upcoming": "Opens soon",
    "proposals": "Taking proposals",
    "review": "Reviewing proposals",
    "voting": "Voting open",
    "closed": "Voting closed, counting",
    "results": "Results published",
}

# Once voting opens these cannot change (a known hole elsewhere let admins switch
# ballot rules mid-vote).
LOCKED_WHEN_VOTING = (
    "budget_pence", "ballot_design", "allocation_rule", "tie_break", "ballot_min_choices",
    "ballot_max_choices", "ballot_points_total", "ballot_points_per_project_max",
    "ballot_rank_length", "ballot_min_budget_percent", "ballot_budget_percent",
    "eligibility_postcode", "eligibility_min_age", "voter_verification", "ward_ballot",
    "voting_open_at",
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

    # Proposals.
    supports_required: Mapped[int] = mapped_column(Integer, default=0)

    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    partnership = relationship("Partnership")
    area = relationship("Area")
    ward_budgets: Mapped[list[RoundWardBudget]] = relationship(
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
    def has_ward_budgets(self) -> bool:
        return bool(self.ward_budgets)

    def ward_budget_for(self, ward_id: int) -> int | None:
        for entry in self.ward_budgets:
            if entry.ward_id == ward_id:
                return entry.budget_pence
        return None

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
