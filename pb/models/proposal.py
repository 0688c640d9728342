"""Proposals: costed project ideas put forward for a round.

The proposals feature owns this module; voting and results read the stable core:
``id``, ``round_id``, ``title``, ``summary``, ``cost_pence``, ``status``, ``wards``,
``is_area_wide``, ``themes`` and ``pb_id`` (the id used in .pb exports).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pb.extensions import db
from pb.models.base import Timestamped

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


class Proposal(Timestamped, db.Model):
    __tablename__ = "proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    summary: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    cost_pence: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    is_area_wide: Mapped[bool] = mapped_column(Boolean, default=False)
    proposer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)

    round = relationship("Round")
    proposer = relationship("User", foreign_keys=[proposer_id])
    organisation = relationship("Organisation")
    wards = relationship("Ward", secondary=proposal_wards, order_by="Ward.name")
    themes = relationship("Theme", secondary=proposal_themes, order_by="Theme.name")

    def __repr__(self) -> str:
        return f"<Proposal {self.id} {self.title!r}>"

    @property
    def pb_id(self) -> str:
        """The project id used in .pb files and the results API."""
        return str(self.id)

    @property
    def status_label(self) -> str:
        return PROPOSAL_STATUSES.get(self.status, self.status)
