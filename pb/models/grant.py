"""Grants: a funded project's award, agreement, payments and value for money.

A certified round makes a draft grant per funded project (``proposal_id`` is unique, so
a project can never have two). A grant officer completes the agreement (dates, budget
lines, milestones, KPI targets, tranches); the grantee's lead accepts it online. Money
moves only through tranches (which always sum to the award) and adjustments (withheld,
reduced, clawed back, underspend returned: each with a reason). ``version`` is an
optimistic lock: a second officer acting on a stale copy gets a conflict, not a lost
update. Corrections to a closed grant are new rows with reasons, never edits.
"""

from __future__ import annotations

import json
from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pb.extensions import db
from pb.models.base import Timestamped, utcnow
from pb.models.programme import FUNDING_ROUTES, OUTCOMES

GRANT_STATUSES = {
    "draft": "Draft: agreement being prepared",
    "offered": "Agreement offered, awaiting acceptance",
    "active": "Active",
    "closed": "Closed",
    "withdrawn": "Withdrawn",
}

# What the public sees instead of the internal state.
PUBLIC_STATUSES = {
    "draft": "Getting started",
    "offered": "Getting started",
    "active": "Under way",
    "closed": "Finished",
    "withdrawn": "Not going ahead",
}

TRANCHE_CONDITIONS = {
    "signing": "When the agreement is accepted",
    "return": "When a monitoring return is accepted",
    "milestone": "When a milestone is met",
    "date": "On or after a date",
}

ADJUSTMENT_KINDS = {
    "withheld": "Tranche withheld",
    "reduced": "Tranche reduced",
    "clawed_back": "Clawed back",
    "underspend_returned": "Underspend returned",
}
# Money that will never be paid out, and money paid out that came back.
NOT_PAID_KINDS = ("withheld", "reduced")
RETURNED_KINDS = ("clawed_back", "underspend_returned")

RAG_VALUES = {"green": "Green", "amber": "Amber", "red": "Red"}

grant_wards = Table(
    "grant_wards",
    db.metadata,
    Column("grant_id", ForeignKey("grants.id", ondelete="CASCADE"), primary_key=True),
    Column("ward_id", ForeignKey("wards.id", ondelete="CASCADE"), primary_key=True),
)

grant_themes = Table(
    "grant_themes",
    db.metadata,
    Column("grant_id", ForeignKey("grants.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True),
)


class Grant(Timestamped, db.Model):
    __tablename__ = "grants"
    __table_args__ = (CheckConstraint("amount_pence >= 0", name="amount_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(30), unique=True)
    title: Mapped[str] = mapped_column(String(160))
    summary: Mapped[str] = mapped_column(Text, default="")
    programme_id: Mapped[int | None] = mapped_column(ForeignKey("programmes.id"), index=True)
    # Whose grant officers manage it (the round's, or the programme's, partnership).
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id"), index=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    round_id: Mapped[int | None] = mapped_column(ForeignKey("rounds.id"), index=True)
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id"), unique=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"),
                                                        index=True)
    # Who delivers it, as the programme reports it ("Local residents, supported by ...").
    delivered_by: Mapped[str] = mapped_column(String(200), default="")
    amount_pence: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    award_date: Mapped[date] = mapped_column(Date)
    outcome_codes_json: Mapped[str] = mapped_column(Text, default="[]")

    # The agreement.
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    report_every_months: Mapped[int] = mapped_column(Integer, default=3)
    conditions: Mapped[str] = mapped_column(Text, default="")
    set_up_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    agreement_issued_at: Mapped[datetime | None] = mapped_column(DateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime)
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    accepted_name: Mapped[str] = mapped_column(String(120), default="")

    # Close-out.
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    close_note: Mapped[str] = mapped_column(Text, default="")
    withdrawn_reason: Mapped[str] = mapped_column(Text, default="")

    # A RAG status set by hand beats the rules until it expires.
    rag_override: Mapped[str | None] = mapped_column(String(5))
    rag_override_reason: Mapped[str] = mapped_column(Text, default="")
    rag_override_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    rag_override_at: Mapped[datetime | None] = mapped_column(DateTime)
    rag_override_until: Mapped[date | None] = mapped_column(Date)

    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    programme = relationship("Programme")
    partnership = relationship("Partnership")
    area = relationship("Area")
    round = relationship("Round")
    proposal = relationship("Proposal")
    organisation = relationship("Organisation")
    set_up_by = relationship("User", foreign_keys=[set_up_by_id])
    accepted_by = relationship("User", foreign_keys=[accepted_by_id])
    rag_override_by = relationship("User", foreign_keys=[rag_override_by_id])
    wards = relationship("Ward", secondary=grant_wards, order_by="Ward.name")
    themes = relationship("Theme", secondary=grant_themes, order_by="Theme.name")
    budget_lines: Mapped[list[GrantBudgetLine]] = relationship(
        back_populates="grant", cascade="all, delete-orphan",
        order_by="GrantBudgetLine.position")
    milestones: Mapped[list[Milestone]] = relationship(
        back_populates="grant", cascade="all, delete-orphan", order_by="Milestone.position")
    kpi_targets: Mapped[list[KpiTarget]] = relationship(
        back_populates="grant", cascade="all, delete-orphan", order_by="KpiTarget.id")
    tranches: Mapped[list[Tranche]] = relationship(
        back_populates="grant", cascade="all, delete-orphan", order_by="Tranche.position")
    adjustments: Mapped[list[Adjustment]] = relationship(
        back_populates="grant", cascade="all, delete-orphan", order_by="Adjustment.id")
    funding_lines: Mapped[list[FundingLine]] = relationship(
        back_populates="grant", cascade="all, delete-orphan", order_by="FundingLine.position")
    savings: Mapped[list[SavingsEstimate]] = relationship(
        back_populates="grant", cascade="all, delete-orphan", order_by="SavingsEstimate.id")
    corrections: Mapped[list[Correction]] = relationship(
        back_populates="grant", cascade="all, delete-orphan", order_by="Correction.id")
    interests: Mapped[list[InterestDeclaration]] = relationship(
        back_populates="grant", cascade="all, delete-orphan",
        order_by="InterestDeclaration.id")
    returns = relationship("MonitoringReturn", back_populates="grant",
                           cascade="all, delete-orphan", order_by="MonitoringReturn.number")
    documents = relationship("GrantDocument", back_populates="grant",
                             cascade="all, delete-orphan", order_by="GrantDocument.id")

    def __repr__(self) -> str:
        return f"<Grant {self.id} {self.reference}>"

    @property
    def status_label(self) -> str:
        return GRANT_STATUSES.get(self.status, self.status)

    @property
    def public_status(self) -> str:
        return PUBLIC_STATUSES.get(self.status, self.status)

    @property
    def outcome_codes(self) -> list[str]:
        return list(json.loads(self.outcome_codes_json or "[]"))

    @outcome_codes.setter
    def outcome_codes(self, codes: list[str]) -> None:
        # In the order given (a report's order), each known code once.
        self.outcome_codes_json = json.dumps(list(dict.fromkeys(c for c in codes
                                                                if c in OUTCOMES)))

    @property
    def outcome_labels(self) -> list[str]:
        return [OUTCOMES[c] for c in self.outcome_codes if c in OUTCOMES]

    @property
    def is_closed(self) -> bool:
        return self.status in ("closed", "withdrawn")

    @property
    def planned_pence(self) -> int:
        return sum(line.planned_pence for line in self.budget_lines)

    @property
    def funding_route_label(self) -> str:
        return " and ".join(line.label for line in self.funding_lines) or FUNDING_ROUTES["pb"]


class GrantBudgetLine(db.Model):
    """Planned spend, carried over from the proposal's costed budget."""

    __tablename__ = "grant_budget_lines"
    __table_args__ = (CheckConstraint("planned_pence >= 0", name="planned_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[int] = mapped_column(ForeignKey("grants.id", ondelete="CASCADE"),
                                          index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    description: Mapped[str] = mapped_column(String(200))
    planned_pence: Mapped[int] = mapped_column(Integer)

    grant: Mapped[Grant] = relationship(back_populates="budget_lines")


class Milestone(db.Model):
    __tablename__ = "grant_milestones"

    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[int] = mapped_column(ForeignKey("grants.id", ondelete="CASCADE"),
                                          index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(160))
    due_date: Mapped[date] = mapped_column(Date)
    met_on: Mapped[date | None] = mapped_column(Date)
    met_recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    grant: Mapped[Grant] = relationship(back_populates="milestones")

    @property
    def is_met(self) -> bool:
        return self.met_on is not None


class KpiTarget(db.Model):
    """A grant's target for one KPI of its programme (None: reported, no target)."""

    __tablename__ = "grant_kpi_targets"
    __table_args__ = (UniqueConstraint("grant_id", "kpi_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[int] = mapped_column(ForeignKey("grants.id", ondelete="CASCADE"),
                                          index=True)
    kpi_id: Mapped[int] = mapped_column(ForeignKey("programme_kpis.id", ondelete="CASCADE"))
    target: Mapped[int | None] = mapped_column(Integer)

    grant: Mapped[Grant] = relationship(back_populates="kpi_targets")
    kpi = relationship("ProgrammeKpi")


class Tranche(db.Model):
    """One scheduled payment, released by an officer once its condition is met."""

    __tablename__ = "grant_tranches"
    __table_args__ = (CheckConstraint("amount_pence > 0", name="tranche_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[int] = mapped_column(ForeignKey("grants.id", ondelete="CASCADE"),
                                          index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    amount_pence: Mapped[int] = mapped_column(Integer)
    condition: Mapped[str] = mapped_column(String(20), default="signing")
    # The return number, milestone position or date the condition names.
    condition_number: Mapped[int | None] = mapped_column(Integer)
    condition_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="planned")
    paid_pence: Mapped[int | None] = mapped_column(Integer)
    released_on: Mapped[date | None] = mapped_column(Date)
    released_at: Mapped[datetime | None] = mapped_column(DateTime)
    released_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    payment_reference: Mapped[str] = mapped_column(String(60), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    grant: Mapped[Grant] = relationship(back_populates="tranches")
    released_by = relationship("User")


class Adjustment(db.Model):
    """Money withheld, reduced, clawed back or returned, always with a reason."""

    __tablename__ = "grant_adjustments"
    __table_args__ = (CheckConstraint("amount_pence > 0", name="adjustment_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[int] = mapped_column(ForeignKey("grants.id", ondelete="CASCADE"),
                                          index=True)
    tranche_id: Mapped[int | None] = mapped_column(ForeignKey("grant_tranches.id"))
    kind: Mapped[str] = mapped_column(String(30))
    amount_pence: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    on_date: Mapped[date] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    grant: Mapped[Grant] = relationship(back_populates="adjustments")
    tranche = relationship("Tranche")
    recorded_by = relationship("User")

    @property
    def kind_label(self) -> str:
        return ADJUSTMENT_KINDS.get(self.kind, self.kind)


class FundingLine(db.Model):
    """Where a grant's money comes from (co-funded projects have several lines)."""

    __tablename__ = "grant_funding_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[int] = mapped_column(ForeignKey("grants.id", ondelete="CASCADE"),
                                          index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    route: Mapped[str] = mapped_column(String(30), default="pb")
    source_name: Mapped[str] = mapped_column(String(120), default="")
    # None when the source did not say how a jointly funded cost was split.
    amount_pence: Mapped[int | None] = mapped_column(Integer)

    grant: Mapped[Grant] = relationship(back_populates="funding_lines")

    @property
    def label(self) -> str:
        return self.source_name or FUNDING_ROUTES.get(self.route, self.route)


class SavingsEstimate(db.Model):
    """Estimated annual savings to statutory services: a count times a programme unit
    cost, or an amount with the method that produced it."""

    __tablename__ = "grant_savings"
    __table_args__ = (CheckConstraint("amount_pence >= 0", name="saving_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[int] = mapped_column(ForeignKey("grants.id", ondelete="CASCADE"),
                                          index=True)
    description: Mapped[str] = mapped_column(String(200))
    unit_cost_id: Mapped[int | None] = mapped_column(ForeignKey("programme_unit_costs.id"))
    quantity: Mapped[int | None] = mapped_column(Integer)
    amount_pence: Mapped[int] = mapped_column(Integer)
    method: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    grant: Mapped[Grant] = relationship(back_populates="savings")
    unit_cost = relationship("UnitCost")


class Correction(db.Model):
    """A correction to a closed grant's figures: a new entry with a reason, never an edit."""

    __tablename__ = "grant_corrections"

    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[int] = mapped_column(ForeignKey("grants.id", ondelete="CASCADE"),
                                          index=True)
    kind: Mapped[str] = mapped_column(String(10))  # kpi | spend | note
    kpi_id: Mapped[int | None] = mapped_column(ForeignKey("programme_kpis.id"))
    budget_line_id: Mapped[int | None] = mapped_column(ForeignKey("grant_budget_lines.id"))
    # Added to the KPI's achievement (units) or the line's spend (pence); may be negative.
    delta: Mapped[int] = mapped_column(Integer, default=0)
    reason: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    grant: Mapped[Grant] = relationship(back_populates="corrections")
    kpi = relationship("ProgrammeKpi")
    budget_line = relationship("GrantBudgetLine")
    recorded_by = relationship("User")


class InterestDeclaration(db.Model):
    """An officer's declared interest in a grant; they then take no decision on it."""

    __tablename__ = "grant_interests"

    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[int] = mapped_column(ForeignKey("grants.id", ondelete="CASCADE"),
                                          index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    nature: Mapped[str] = mapped_column(Text)
    declared_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    grant: Mapped[Grant] = relationship(back_populates="interests")
    user = relationship("User")
