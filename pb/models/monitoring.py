"""Monitoring returns: what a grantee reports each period, and the officer's review.

A return's draft is kept exactly as typed (``draft_json``), so nothing entered is lost
even when it does not yet make sense; submitting checks it and writes the structured
rows (KPI actuals, spend per budget line, outcomes, people helped). The officer reviews
each section and accepts the return or sends it back with comments per section.
"""

from __future__ import annotations

import json
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pb.extensions import db
from pb.models.base import utcnow
from pb.models.programme import OUTCOMES

RETURN_STATUSES = {
    "draft": "Not yet submitted",
    "submitted": "Submitted, awaiting review",
    "sent_back": "Sent back for changes",
    "accepted": "Accepted",
}

# The parts of a return an officer accepts or sends back separately.
SECTIONS = {
    "narrative": "Progress",
    "kpis": "KPIs",
    "spend": "Spend",
    "outcomes": "Outcomes",
    "stories": "Case study and photos",
    "people": "People helped",
}

OUTCOME_STATUSES = {"claimed": "Claimed", "evidenced": "Evidenced", "verified": "Verified"}

AGE_BANDS = ["Under 16", "16 to 24", "25 to 49", "50 to 64", "65 and over"]

DOCUMENT_KINDS = {"evidence": "Receipt or evidence", "photo": "Photo"}


class MonitoringReturn(db.Model):
    __tablename__ = "grant_returns"
    __table_args__ = (UniqueConstraint("grant_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[int] = mapped_column(ForeignKey("grants.id", ondelete="CASCADE"),
                                          index=True)
    number: Mapped[int] = mapped_column(Integer)
    is_final: Mapped[bool] = mapped_column(Boolean, default=False)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)

    # The grantee's draft, exactly as typed (autosaved).
    draft_json: Mapped[str] = mapped_column(Text, default="{}")
    saved_at: Mapped[datetime | None] = mapped_column(DateTime)
    saved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    narrative: Mapped[str] = mapped_column(Text, default="")
    # Shown on the public progress page once the return is accepted.
    public_update: Mapped[str] = mapped_column(Text, default="")
    case_study: Mapped[str] = mapped_column(Text, default="")

    first_submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    review_cycle: Mapped[int] = mapped_column(Integer, default=0)
    # After a send-back: when the corrected return is due.
    resubmit_by: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    grant = relationship("Grant", back_populates="returns")
    submitted_by = relationship("User", foreign_keys=[submitted_by_id])
    reviewed_by = relationship("User", foreign_keys=[reviewed_by_id])
    kpi_actuals: Mapped[list[ReturnKpiActual]] = relationship(
        back_populates="monitoring_return", cascade="all, delete-orphan",
        order_by="ReturnKpiActual.id")
    spend: Mapped[list[ReturnSpend]] = relationship(
        back_populates="monitoring_return", cascade="all, delete-orphan",
        order_by="ReturnSpend.id")
    outcomes: Mapped[list[ReturnOutcome]] = relationship(
        back_populates="monitoring_return", cascade="all, delete-orphan",
        order_by="ReturnOutcome.id")
    people: Mapped[list[ReturnPeople]] = relationship(
        back_populates="monitoring_return", cascade="all, delete-orphan",
        order_by="ReturnPeople.id")
    reviews: Mapped[list[SectionReview]] = relationship(
        back_populates="monitoring_return", cascade="all, delete-orphan",
        order_by="SectionReview.id")
    documents = relationship("GrantDocument", back_populates="monitoring_return",
                             order_by="GrantDocument.id", viewonly=True)

    def __repr__(self) -> str:
        return f"<MonitoringReturn {self.id} grant={self.grant_id} #{self.number}>"

    @property
    def label(self) -> str:
        return "Final return" if self.is_final else f"Return {self.number}"

    @property
    def in_sentence(self) -> str:
        """For the middle of a sentence: "return 2", "the final return"."""
        return "the final return" if self.is_final else f"return {self.number}"

    @property
    def status_label(self) -> str:
        return RETURN_STATUSES.get(self.status, self.status)

    @property
    def draft(self) -> dict:
        return json.loads(self.draft_json or "{}")

    @property
    def is_open_for_grantee(self) -> bool:
        return self.status in ("draft", "sent_back")

    def owed_by(self) -> date:
        """When the grantee owes it: the due date, or the resubmission date after a send-back."""
        if self.status == "sent_back" and self.resubmit_by:
            return self.resubmit_by
        return self.due_date

    def is_overdue(self, today: date) -> bool:
        return self.is_open_for_grantee and today > self.owed_by()

    def days_overdue(self, today: date) -> int:
        return (today - self.owed_by()).days if self.is_overdue(today) else 0

    def latest_reviews(self) -> dict[str, SectionReview]:
        """The officer's latest decision on each section."""
        latest: dict[str, SectionReview] = {}
        for review in self.reviews:
            if review.cycle == self.review_cycle:
                latest[review.section] = review
        return latest


class ReturnKpiActual(db.Model):
    __tablename__ = "return_kpi_actuals"
    __table_args__ = (UniqueConstraint("return_id", "kpi_id"),
                      CheckConstraint("value >= 0", name="kpi_value_not_negative"))

    id: Mapped[int] = mapped_column(primary_key=True)
    return_id: Mapped[int] = mapped_column(ForeignKey("grant_returns.id", ondelete="CASCADE"),
                                           index=True)
    kpi_id: Mapped[int] = mapped_column(ForeignKey("programme_kpis.id", ondelete="CASCADE"))
    value: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(String(300), default="")

    monitoring_return: Mapped[MonitoringReturn] = relationship(back_populates="kpi_actuals")
    kpi = relationship("ProgrammeKpi")


class ReturnSpend(db.Model):
    """Spend in the return's period against one budget line."""

    __tablename__ = "return_spend"
    __table_args__ = (UniqueConstraint("return_id", "budget_line_id"),
                      CheckConstraint("amount_pence >= 0", name="spend_not_negative"))

    id: Mapped[int] = mapped_column(primary_key=True)
    return_id: Mapped[int] = mapped_column(ForeignKey("grant_returns.id", ondelete="CASCADE"),
                                           index=True)
    budget_line_id: Mapped[int] = mapped_column(
        ForeignKey("grant_budget_lines.id", ondelete="CASCADE"))
    amount_pence: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(String(300), default="")

    monitoring_return: Mapped[MonitoringReturn] = relationship(back_populates="spend")
    budget_line = relationship("GrantBudgetLine")


class ReturnOutcome(db.Model):
    """An outcome observed in the period: claimed, evidenced, or verified by the officer."""

    __tablename__ = "return_outcomes"
    __table_args__ = (UniqueConstraint("return_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    return_id: Mapped[int] = mapped_column(ForeignKey("grant_returns.id", ondelete="CASCADE"),
                                           index=True)
    code: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default="claimed")
    evidence: Mapped[str] = mapped_column(Text, default="")
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    verified_at: Mapped[datetime | None] = mapped_column(DateTime)

    monitoring_return: Mapped[MonitoringReturn] = relationship(back_populates="outcomes")

    @property
    def label(self) -> str:
        return OUTCOMES.get(self.code, self.code)

    @property
    def status_label(self) -> str:
        return OUTCOME_STATUSES.get(self.status, self.status)


class ReturnPeople(db.Model):
    """How many people the project helped in the period, by age band or by ward."""

    __tablename__ = "return_people"
    __table_args__ = (UniqueConstraint("return_id", "dimension", "category"),
                      CheckConstraint("count >= 0", name="people_not_negative"))

    id: Mapped[int] = mapped_column(primary_key=True)
    return_id: Mapped[int] = mapped_column(ForeignKey("grant_returns.id", ondelete="CASCADE"),
                                           index=True)
    dimension: Mapped[str] = mapped_column(String(20))  # age_band | ward
    category: Mapped[str] = mapped_column(String(120))
    ward_id: Mapped[int | None] = mapped_column(ForeignKey("wards.id"))
    count: Mapped[int] = mapped_column(Integer)

    monitoring_return: Mapped[MonitoringReturn] = relationship(back_populates="people")


class SectionReview(db.Model):
    """An officer's decision on one section of a return, in one review cycle."""

    __tablename__ = "return_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    return_id: Mapped[int] = mapped_column(ForeignKey("grant_returns.id", ondelete="CASCADE"),
                                           index=True)
    cycle: Mapped[int] = mapped_column(Integer, default=1)
    section: Mapped[str] = mapped_column(String(20))
    decision: Mapped[str] = mapped_column(String(20))  # accepted | changes
    comment: Mapped[str] = mapped_column(Text, default="")
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    monitoring_return: Mapped[MonitoringReturn] = relationship(back_populates="reviews")
    reviewer = relationship("User")

    @property
    def section_label(self) -> str:
        return SECTIONS.get(self.section, self.section)


class GrantDocument(db.Model):
    """A receipt, evidence file or photo uploaded with a return (checked by content)."""

    __tablename__ = "grant_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[int] = mapped_column(ForeignKey("grants.id", ondelete="CASCADE"),
                                          index=True)
    return_id: Mapped[int | None] = mapped_column(
        ForeignKey("grant_returns.id", ondelete="SET NULL"), index=True)
    budget_line_id: Mapped[int | None] = mapped_column(
        ForeignKey("grant_budget_lines.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(20))  # evidence | photo
    original_name: Mapped[str] = mapped_column(String(160))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(60))
    size_bytes: Mapped[int] = mapped_column(Integer)
    caption: Mapped[str] = mapped_column(String(200), default="")
    # Photos: everyone shown gave consent; and whether it may appear on the public page.
    consent: Mapped[bool] = mapped_column(Boolean, default=False)
    is_public: Mapped[bool] = mapped_column(Boolean, default=False)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    grant = relationship("Grant", back_populates="documents")
    monitoring_return = relationship("MonitoringReturn", back_populates="documents")
    budget_line = relationship("GrantBudgetLine")

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class ReturnReminder(db.Model):
    """A reminder sent about a return, so the daily run never sends the same one twice."""

    __tablename__ = "grant_reminders"
    __table_args__ = (UniqueConstraint("return_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    return_id: Mapped[int] = mapped_column(ForeignKey("grant_returns.id", ondelete="CASCADE"),
                                           index=True)
    kind: Mapped[str] = mapped_column(String(20))  # before_due | overdue
    sent_on: Mapped[date] = mapped_column(Date)
    recipients: Mapped[int] = mapped_column(Integer, default=0)
