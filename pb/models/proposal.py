"""Proposals: costed project ideas put forward for a round.

The proposals feature owns this module; voting and results read the stable core:
``id``, ``round_id``, ``title``, ``summary``, ``cost_pence``, ``status``, ``wards``,
``is_area_wide``, ``themes`` and ``pb_id`` (the id used in .pb exports).

Around that core: the costed budget lines, the outcomes a proposal aims for, its
version history (every change: what, who, when, why), its status history (with
the reasons shown to the proposer and the public), supports (one per person,
enforced by a unique constraint), and uploaded images and documents.
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
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

proposal_wards = Table(
    "proposal_wards",
    db.metadata,
    Column("proposal_id", ForeignKey("proposals.id", ondelete="CASCADE"), primary_key=True),
    Column("ward_id", ForeignKey("wards.id", ondelete="CASCADE"), primary_key=True),
)

proposal_themes = Table(
    "proposal_themes",
    db.metadata,
    Column("proposal_id", ForeignKey("proposals.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True),
)

PROPOSAL_STATUSES = {
    "draft": "Draft",
    "submitted": "Submitted",
    "under_review": "Under review",
    "needs_changes": "Needs changes",
    "eligible": "Eligible",
    "ineligible": "Not eligible",
    "shortlisted": "On the ballot",
    "merged": "Merged into another proposal",
    "withdrawn": "Withdrawn",
}

# Statuses in which a proposal appears on a round's ballot.
ON_BALLOT = ("shortlisted",)

# Statuses anyone may see (a draft is seen only by its proposer and the partnership).
PUBLIC_STATUSES = tuple(s for s in PROPOSAL_STATUSES if s != "draft")

# The health outcomes a proposal can aim for (plus free text).
OUTCOMES = {
    "social_isolation": "Reduced social isolation",
    "mental_health": "Improved mental health",
    "physical_activity": "Improved physical activity",
    "healthy_eating": "Healthier eating",
    "community_wellbeing": "Improved community well-being",
    "hospital_admissions": "Reduced hospital admissions",
}

class Proposal(Timestamped, db.Model):
    __tablename__ = "proposals"
    __table_args__ = (
        CheckConstraint("cost_pence >= 0", name="cost_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    summary: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    # The description as sanitised HTML, rendered when it is saved.
    description_html: Mapped[str] = mapped_column(Text, default="")
    cost_pence: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    is_area_wide: Mapped[bool] = mapped_column(Boolean, default=False)
    proposer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)

    outcomes_other: Mapped[str] = mapped_column(String(200), default="")
    delivered_by: Mapped[str] = mapped_column(String(200), default="")
    # The latest public reason (ineligible) or comment to the proposer (needs changes).
    status_reason: Mapped[str] = mapped_column(Text, default="")
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id"))

    # Assisted submission: a proposal handed in on paper and typed in by staff.
    entered_on_behalf_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    paper_proposer_name: Mapped[str] = mapped_column(String(80), default="")
    # How to reach a paper proposer (phone or address): staff only, never public.
    paper_proposer_contact: Mapped[str] = mapped_column(String(200), default="")

    # A random key carried by the form, so a double click or a resent POST makes one proposal.
    idempotency_key: Mapped[str | None] = mapped_column(String(64), unique=True)

    round = relationship("Round")
    proposer = relationship("User", foreign_keys=[proposer_id])
    entered_on_behalf_by = relationship("User", foreign_keys=[entered_on_behalf_by_id])
    organisation = relationship("Organisation")
    merged_into = relationship("Proposal", remote_side=[id], foreign_keys=[merged_into_id])
    wards = relationship("Ward", secondary=proposal_wards, order_by="Ward.name")
    themes = relationship("Theme", secondary=proposal_themes, order_by="Theme.name")
    budget_lines: Mapped[list[BudgetLine]] = relationship(
        back_populates="proposal", cascade="all, delete-orphan", order_by="BudgetLine.position")
    outcome_links: Mapped[list[ProposalOutcome]] = relationship(
        back_populates="proposal", cascade="all, delete-orphan",
        order_by="ProposalOutcome.code")
    versions: Mapped[list[ProposalVersion]] = relationship(
        back_populates="proposal", cascade="all, delete-orphan",
        order_by="ProposalVersion.number")
    status_changes: Mapped[list[ProposalStatusChange]] = relationship(
        back_populates="proposal", cascade="all, delete-orphan",
        order_by="ProposalStatusChange.id")
    documents: Mapped[list[ProposalDocument]] = relationship(
        back_populates="proposal", cascade="all, delete-orphan",
        order_by="ProposalDocument.id")

    def __repr__(self) -> str:
        return f"<Proposal {self.id} {self.title!r}>"

    @property
    def pb_id(self) -> str:
        """The project id used in .pb files and the results API."""
        return str(self.id)

    @property
    def status_label(self) -> str:
        return PROPOSAL_STATUSES.get(self.status, self.status)

    @property
    def is_paper(self) -> bool:
        return self.entered_on_behalf_by_id is not None

    @property
    def outcomes(self) -> list[str]:
        """Outcome codes in the order of ``OUTCOMES``."""
        order = list(OUTCOMES)
        return sorted((link.code for link in self.outcome_links),
                      key=lambda code: order.index(code) if code in order else len(order))

    @property
    def outcome_labels(self) -> list[str]:
        labels = [OUTCOMES.get(code, code) for code in self.outcomes]
        if self.outcomes_other:
            labels.append(self.outcomes_other)
        return labels

    @property
    def lines_total_pence(self) -> int:
        return sum(line.amount_pence for line in self.budget_lines)

    @property
    def public_proposer(self) -> str:
        """Who put it forward, as the public sees it: an organisation or a first name."""
        if self.organisation is not None:
            return self.organisation.name
        name = self.paper_proposer_name if self.is_paper else (
            self.proposer.display_name if self.proposer is not None else "")
        first = (name or "").strip().split(" ")[0] if name and name.strip() else ""
        return first or "A local resident"

    @property
    def image(self) -> ProposalDocument | None:
        return next((d for d in self.documents if d.kind == "image"), None)

    @property
    def supporting_documents(self) -> list[ProposalDocument]:
        return [d for d in self.documents if d.kind == "document"]


class BudgetLine(db.Model):
    """One costed line of a proposal's budget, in pence."""

    __tablename__ = "proposal_budget_lines"
    __table_args__ = (
        CheckConstraint("amount_pence > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    description: Mapped[str] = mapped_column(String(200))
    amount_pence: Mapped[int] = mapped_column(Integer)

    proposal: Mapped[Proposal] = relationship(back_populates="budget_lines")


class ProposalOutcome(db.Model):
    __tablename__ = "proposal_outcomes"
    __table_args__ = (UniqueConstraint("proposal_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(40))

    proposal: Mapped[Proposal] = relationship(back_populates="outcome_links")

    @property
    def label(self) -> str:
        return OUTCOMES.get(self.code, self.code)


class ProposalVersion(db.Model):
    """One change to a proposal: which fields changed (before and after), who, when, why."""

    __tablename__ = "proposal_versions"
    __table_args__ = (UniqueConstraint("proposal_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    changed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # "proposer" or "officer": how the change is described publicly.
    changed_as: Mapped[str] = mapped_column(String(20), default="proposer")
    reason: Mapped[str] = mapped_column(Text, default="")
    # {"field": [before, after], ...}; costs in pence.
    changes_json: Mapped[str] = mapped_column(Text, default="{}")

    proposal: Mapped[Proposal] = relationship(back_populates="versions")
    changed_by = relationship("User")

    @property
    def changes(self) -> dict:
        return json.loads(self.changes_json or "{}")

    @property
    def cost_change(self) -> tuple[int, int] | None:
        change = self.changes.get("cost_pence")
        return (change[0], change[1]) if change else None


class ProposalStatusChange(db.Model):
    """One step of the review: from which status to which, who, when, and the reason."""

    __tablename__ = "proposal_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    changed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    changed_as: Mapped[str] = mapped_column(String(20), default="proposer")
    # Shown to the public for "ineligible", and to the proposer for "needs changes".
    reason: Mapped[str] = mapped_column(Text, default="")

    proposal: Mapped[Proposal] = relationship(back_populates="status_changes")
    changed_by = relationship("User")

    @property
    def to_label(self) -> str:
        return PROPOSAL_STATUSES.get(self.to_status, self.to_status)

    @property
    def reason_is_public(self) -> bool:
        return self.to_status != "needs_changes"


class ProposalSupport(db.Model):
    """A resident's support for a proposal: one each, enforced by the database."""

    __tablename__ = "proposal_supports"
    __table_args__ = (UniqueConstraint("proposal_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    proposal = relationship("Proposal")
    user = relationship("User")


class ProposalDocument(db.Model):
    """An uploaded image or PDF, stored under instance/uploads with a random name."""

    __tablename__ = "proposal_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # image | document
    original_name: Mapped[str] = mapped_column(String(160))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(60))
    size_bytes: Mapped[int] = mapped_column(Integer)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    proposal: Mapped[Proposal] = relationship(back_populates="documents")
