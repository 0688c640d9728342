"""Voting: voters, ballots and their choices, voting codes and wrong-code attempts.

One ballot per voter is the database's job, twice over:

* ``voters`` has one row per (round, voter key), unique, so two first ballots from
  the same person cannot both be stored;
* ``ballots`` has a partial unique index: at most one *counted* ballot per voter.
  Changing a ballot marks the old one ``superseded`` (kept for the audit, not
  counted) and adds a new counted one in the same transaction.

A voter key is ``user:<id>`` for an account or ``code:<id>`` for a voting code.
Nothing here is shown to officers except counts.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pb.extensions import db
from pb.models.base import utcnow

BALLOT_COUNTED = "counted"
BALLOT_SUPERSEDED = "superseded"


class Voter(db.Model):
    """One person taking part in one round (the slot their current ballot fills)."""

    __tablename__ = "voters"
    __table_args__ = (UniqueConstraint("round_id", "voter_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    voter_key: Mapped[str] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(20))
    # The ward the voter's postcode falls in (for ward ballots and turnout by ward).
    ward_id: Mapped[int | None] = mapped_column(ForeignKey("wards.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    ward = relationship("Ward")


class Ballot(db.Model):
    __tablename__ = "ballots"
    __table_args__ = (
        Index("uq_ballots_counted_voter", "voter_id", unique=True,
              sqlite_where=text("status = 'counted'"),
              postgresql_where=text("status = 'counted'")),
        Index("ix_ballots_round_status", "round_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    voter_id: Mapped[int] = mapped_column(ForeignKey("voters.id", ondelete="CASCADE"),
                                          index=True)
    status: Mapped[str] = mapped_column(String(12), default=BALLOT_COUNTED)
    channel: Mapped[str] = mapped_column(String(20))
    # SHA-256 of the receipt code the voter was shown; the code itself is never stored.
    receipt_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # For "own ward and one other ward" ballots: the other ward the voter chose.
    other_ward_id: Mapped[int | None] = mapped_column(ForeignKey("wards.id",
                                                                 ondelete="SET NULL"))
    # Staff member who keyed in a paper ballot (decision days), if any.
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    cast_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    superseded_at: Mapped[datetime | None] = mapped_column(DateTime)

    voter: Mapped[Voter] = relationship()
    choices: Mapped[list[BallotChoice]] = relationship(
        back_populates="ballot", cascade="all, delete-orphan", order_by="BallotChoice.id")

    @property
    def is_counted(self) -> bool:
        return self.status == BALLOT_COUNTED


class BallotChoice(db.Model):
    """One project on a ballot: ticked (approval/budget), its points or score, or its rank."""

    __tablename__ = "ballot_choices"
    __table_args__ = (UniqueConstraint("ballot_id", "proposal_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballots.id", ondelete="CASCADE"),
                                           index=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"))
    points: Mapped[int | None] = mapped_column(Integer)
    rank: Mapped[int | None] = mapped_column(Integer)

    ballot: Mapped[Ballot] = relationship(back_populates="choices")
    proposal = relationship("Proposal")


class VotingCodeBatch(db.Model):
    """Codes generated together (e.g. "Hurdsfield library, 200 cards")."""

    __tablename__ = "voting_code_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"),
                                          index=True)
    label: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    codes: Mapped[list[VotingCode]] = relationship(back_populates="batch")


class VotingCode(db.Model):
    """A single-use voting code, stored only as HMAC-SHA256(key, code)."""

    __tablename__ = "voting_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"),
                                          index=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("voting_code_batches.id",
                                                     ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    used_at: Mapped[datetime | None] = mapped_column(DateTime)
    # When a signed-in person redeems a code, their account is remembered so that the
    # account and the code cannot each cast a ballot.
    used_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    batch: Mapped[VotingCodeBatch] = relationship(back_populates="codes")


class VotingCodeAttempt(db.Model):
    """A voting-code entry, kept for throttling wrong guesses per IP address."""

    __tablename__ = "voting_code_attempts"
    __table_args__ = (Index("ix_voting_code_attempts_ip_at", "ip_address", "attempted_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ip_address: Mapped[str] = mapped_column(String(45))
    succeeded: Mapped[bool] = mapped_column(default=False)
    attempted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
