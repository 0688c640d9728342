"""Voting: voters, ballots and their choices, voting codes and wrong-code attempts.

One counted ballot per person is the database's job, four times over:

* ``voters`` has one row per (round, voter key), unique, so two first ballots from
  the same account or code cannot both be stored;
* ``voters`` has at most one row per (round, account key): a signed-in person who
  votes with a code votes in their account's slot's place, never beside it;
* ``ballots`` has a partial unique index: at most one *counted* ballot per voter.
  Changing a ballot marks the old one ``superseded`` (kept for the audit, not
  counted) and adds a new counted one in the same transaction;
* ``ballots`` has a second partial unique index: at most one counted ballot per
  round and *eligibility fingerprint* (a keyed hash of postcode and date of birth,
  see ``pb.voting.identity``), so a person who votes with a code while signed out
  and again with their account has only their latest ballot counted.

Voter keys and account keys are keyed hashes (see ``pb.voting.keys``) of the account
or voting code and the round, never the plain ids: a copy of these tables cannot join a
person to their choices without the server's voter-key secret (docs/security.md,
"Ballot secrecy at rest"). Nothing here is shown to officers except counts.
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

# Why a ballot stopped counting: its voter changed it, or a later ballot was given with
# the same postcode and date of birth (latest wins; see docs/voting.md).
REPLACED_BY_VOTER = "changed"
REPLACED_BY_SAME_DETAILS = "same_details"


class Voter(db.Model):
    """One person taking part in one round (the slot their current ballot fills)."""

    __tablename__ = "voters"
    __table_args__ = (UniqueConstraint("round_id", "voter_key"),
                      # An index, not a constraint: SQLite adds it without rebuilding the
                      # table (a rebuild would cascade-delete the ballots).
                      Index("uq_voters_round_account", "round_id", "account_key", unique=True))

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    # pb.voting.keys.voter_key of the account or code that voted ("v1:" and 37 hex).
    voter_key: Mapped[str] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(20))
    # The keyed account key of a signed-in voter, whichever channel they voted by (NULL
    # for a code used while signed out, and once the account is deleted). Unique per
    # round: one slot per account. Never the plain account id (see pb.voting.keys).
    account_key: Mapped[str | None] = mapped_column(String(40))
    # The account id masked with a pad only the server can make (pb.voting.keys), so
    # that it can email someone whose ballot stopped counting; noise without the secret.
    account_ref: Mapped[str | None] = mapped_column(String(16))
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
        Index("uq_ballots_counted_facts", "round_id", "facts_hash", unique=True,
              sqlite_where=text("status = 'counted' AND facts_hash IS NOT NULL"),
              postgresql_where=text("status = 'counted' AND facts_hash IS NOT NULL")),
        Index("ix_ballots_round_status", "round_id", "status"),
        # Covering indexes for the city-scale pages (migration 0012_performance): the
        # receipts list in fingerprint order, and each voter's first ballot for turnout.
        Index("ix_ballots_round_status_receipt", "round_id", "status", "receipt_hash"),
        Index("ix_ballots_round_voter_cast", "round_id", "voter_id", "cast_at"),
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
    # REPLACED_BY_VOTER or REPLACED_BY_SAME_DETAILS once it no longer counts.
    superseded_reason: Mapped[str | None] = mapped_column(String(20))
    # Keyed hash of the voter's postcode and date of birth in this round (None when they
    # gave neither): one counted ballot per fingerprint (see the module docstring).
    facts_hash: Mapped[str | None] = mapped_column(String(64))

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
    """A voting-code entry, kept for slowing down wrong guesses per address, per device
    and per code prefix (see pb.throttle)."""

    __tablename__ = "voting_code_attempts"
    __table_args__ = (Index("ix_voting_code_attempts_ip_at", "ip_address", "attempted_at"),
                      Index("ix_voting_code_attempts_device_at", "device_id", "attempted_at"),
                      Index("ix_voting_code_attempts_prefix_at", "prefix", "attempted_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    ip_address: Mapped[str] = mapped_column(String(45))
    # The random id in the browser's pb_device cookie, and the code's first group.
    device_id: Mapped[str | None] = mapped_column(String(32))
    prefix: Mapped[str | None] = mapped_column(String(4))
    succeeded: Mapped[bool] = mapped_column(default=False)
    attempted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
