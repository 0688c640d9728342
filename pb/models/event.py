"""Decision days: in-person events of a round, their check-in desk, tablets and paper ballots.

An event belongs to a round (or to one ward's share of it). Everything a decision day
records is here; the ballots themselves stay in ``pb.models.voting`` and are cast
through ``pb.voting.casting`` like any other ballot, so one code is one ballot
whatever the channel.

Privacy: a check-in keeps no name. It keeps the ward, the age band and a keyed
fingerprint of (first name, postcode, age band) that only serves to warn of a second
check-in with the same details. Equality answers given at the desk are stored apart
(``pb.models.equality``), with nothing linking them to the check-in.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pb.extensions import db
from pb.models.base import utcnow

# Age bands at the check-in desk: fine enough to check a round's minimum age (11, 16
# or 18 in practice) and to report attendance by age (small numbers suppressed).
CHECK_IN_AGE_BANDS = (
    ("under-11", "Under 11", 0, 10), ("11-15", "11 to 15", 11, 15),
    ("16-17", "16 or 17", 16, 17), ("18-24", "18 to 24", 18, 24),
    ("25-34", "25 to 34", 25, 34), ("35-44", "35 to 44", 35, 44),
    ("45-54", "45 to 54", 45, 54), ("55-64", "55 to 64", 55, 64),
    ("65-74", "65 to 74", 65, 74), ("75-plus", "75 or over", 75, 200),
)
AGE_BAND_LABELS = {code: label for code, label, _lo, _hi in CHECK_IN_AGE_BANDS}

# Ways of voting that a decision day adds to the online ones (Ballot.channel).
CHANNEL_TABLET = "tablet"
CHANNEL_PAPER = "paper"

# A paper ballot's life: keyed once, then matched (counted) or sent to the queue; the
# queue ends in "resolved" (counted) or "spoilt".
PAPER_KEYED_ONCE = "keyed_once"
PAPER_MATCHED = "matched"
PAPER_QUEUE = "queue"
PAPER_RESOLVED = "resolved"
PAPER_SPOILT = "spoilt"
PAPER_COUNTED = (PAPER_MATCHED, PAPER_RESOLVED)


class Event(db.Model):
    """A decision day: where and when, which channels, and the live screen's state."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"),
                                          index=True)
    # One ward's share of the round; None for the whole round.
    ward_id: Mapped[int | None] = mapped_column(ForeignKey("wards.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(160))
    venue: Mapped[str] = mapped_column(String(300))
    starts_at: Mapped[datetime] = mapped_column(DateTime)  # UTC
    ends_at: Mapped[datetime] = mapped_column(DateTime)  # UTC
    accessibility: Mapped[str] = mapped_column(Text, default="")
    # Printed on code cards: who to ask (a phone number or an email address).
    contact: Mapped[str] = mapped_column(String(200), default="")
    uses_tablets: Mapped[bool] = mapped_column(Boolean, default=True)
    uses_paper: Mapped[bool] = mapped_column(Boolean, default=True)
    pitch_minutes: Mapped[int] = mapped_column(Integer, default=3)
    # Paper ballots taken out of the ballot boxes so far (staff add as boxes are emptied).
    paper_received: Mapped[int] = mapped_column(Integer, default=0)
    # The live screen: running totals hidden, and when the result's reveal began.
    totals_hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    revealed_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Bumped by each change of set-up, so two officers' edits cannot silently cross.
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    round = relationship("Round")
    ward = relationship("Ward")
    projects: Mapped[list[EventProject]] = relationship(
        back_populates="event", cascade="all, delete-orphan",
        order_by="(EventProject.position, EventProject.id)")
    staff: Mapped[list[EventStaff]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="EventStaff.id")
    devices: Mapped[list[KioskDevice]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="KioskDevice.id")

    @property
    def channels_label(self) -> str:
        used = [name for name, on in (("tablets", self.uses_tablets),
                                      ("paper", self.uses_paper)) if on]
        return " and ".join(used) if used else "codes on people's own phones only"


class EventProject(db.Model):
    """A project on the event's ballot: its number on the paper, and its pitch slot."""

    __tablename__ = "event_projects"
    __table_args__ = (UniqueConstraint("event_id", "proposal_id"),
                      UniqueConstraint("event_id", "number"))

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"),
                                          index=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    # Printed beside the project on paper ballots and typed by staff; never reused.
    number: Mapped[int] = mapped_column(Integer)
    # Order of the pitches on the agenda.
    position: Mapped[int] = mapped_column(Integer)

    event: Mapped[Event] = relationship(back_populates="projects")
    proposal = relationship("Proposal")


class EventStaff(db.Model):
    """A member of staff on duty at an event (event staff or an officer of the partnership)."""

    __tablename__ = "event_staff"
    __table_args__ = (UniqueConstraint("event_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"),
                                          index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         index=True)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    added_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    event: Mapped[Event] = relationship(back_populates="staff")
    user = relationship("User", foreign_keys=[user_id])


class KioskDevice(db.Model):
    """A tablet enrolled as a voting kiosk through a one-time link.

    Only hashes are kept: of the enrolment link's token (usable once, until
    ``enrol_expires_at``) and of the secret in the tablet's cookie.
    """

    __tablename__ = "kiosk_devices"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"),
                                          index=True)
    name: Mapped[str] = mapped_column(String(60))
    link_hash: Mapped[str] = mapped_column(String(64), unique=True)
    enrol_expires_at: Mapped[datetime] = mapped_column(DateTime)
    enrolled_at: Mapped[datetime | None] = mapped_column(DateTime)
    secret_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    event: Mapped[Event] = relationship(back_populates="devices")

    @property
    def throttle_id(self) -> str:
        """The device key its wrong codes count against (VotingCodeAttempt.device_id)."""
        return f"kiosk-{self.id}"

    @property
    def state(self) -> str:
        if self.revoked_at is not None:
            return "revoked"
        return "enrolled" if self.enrolled_at is not None else "waiting"


class CheckIn(db.Model):
    """One person checked in at the desk, and the voting code they were handed."""

    __tablename__ = "event_check_ins"
    __table_args__ = (Index("ix_event_check_ins_round_details", "round_id", "details_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"),
                                          index=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    # A card is handed to one person only: the unique index settles two desks at once.
    code_id: Mapped[int] = mapped_column(ForeignKey("voting_codes.id", ondelete="CASCADE"),
                                         unique=True)
    ward_id: Mapped[int | None] = mapped_column(ForeignKey("wards.id", ondelete="SET NULL"))
    age_band: Mapped[str] = mapped_column(String(12))
    # Keyed hash of (round, first name, postcode, age band): warns of a second check-in.
    details_hash: Mapped[str] = mapped_column(String(64))
    # The voter's eligibility fingerprint when a date of birth was given (see
    # pb.voting.identity): their ballot here and any online one then count once.
    facts_hash: Mapped[str | None] = mapped_column(String(64))
    handed: Mapped[str] = mapped_column(String(12))  # "card" or "new"
    checked_in_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    checked_in_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    ward = relationship("Ward")


class EventVote(db.Model):
    """Where a ballot was given at an event: on which tablet, or from which paper."""

    __tablename__ = "event_votes"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"),
                                          index=True)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballots.id", ondelete="CASCADE"),
                                           unique=True)
    channel: Mapped[str] = mapped_column(String(12))
    device_id: Mapped[int | None] = mapped_column(ForeignKey("kiosk_devices.id",
                                                             ondelete="SET NULL"))


class PaperBallot(db.Model):
    """A paper ballot as keyed in: found by its code, counted only when two entries agree."""

    __tablename__ = "paper_ballots"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"),
                                          index=True)
    # One paper ballot per code (one code, one ballot).
    code_id: Mapped[int] = mapped_column(ForeignKey("voting_codes.id", ondelete="CASCADE"),
                                         unique=True)
    # The code's last four characters, so staff can find the paper in the pile (not
    # enough to vote with, and the code is used once the paper counts).
    code_tail: Mapped[str] = mapped_column(String(4))
    status: Mapped[str] = mapped_column(String(12), default=PAPER_KEYED_ONCE, index=True)
    spoilt_reason: Mapped[str | None] = mapped_column(Text)
    # Why it is in the queue, in words for the person resolving it.
    problem: Mapped[str | None] = mapped_column(Text)
    ballot_id: Mapped[int | None] = mapped_column(ForeignKey("ballots.id", ondelete="SET NULL"))
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    entries: Mapped[list[PaperEntry]] = relationship(
        back_populates="paper", cascade="all, delete-orphan", order_by="PaperEntry.sequence")


class PaperEntry(db.Model):
    """One person's keying of a paper ballot: 1st, 2nd, or 3rd (the resolution)."""

    __tablename__ = "paper_entries"
    __table_args__ = (UniqueConstraint("paper_id", "sequence"),
                      UniqueConstraint("paper_id", "entered_by_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    paper_id: Mapped[int] = mapped_column(ForeignKey("paper_ballots.id", ondelete="CASCADE"),
                                          index=True)
    sequence: Mapped[int] = mapped_column(Integer)
    entered_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # The choices as canonical JSON ({"proposal id": value}), or None when spoilt.
    choices_json: Mapped[str | None] = mapped_column(Text)
    spoilt_reason: Mapped[str | None] = mapped_column(Text)
    entered_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    paper: Mapped[PaperBallot] = relationship(back_populates="entries")
    entered_by = relationship("User")


class PaperWaiver(db.Model):
    """An officer's recorded reason to count while paper reconciliation is pending.

    It holds for the pending figures it was given for: if they change, the count is
    refused again until someone records why anew.
    """

    __tablename__ = "paper_waivers"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"),
                                          index=True)
    reason: Mapped[str] = mapped_column(Text)
    pending_json: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    recorded_by = relationship("User")
