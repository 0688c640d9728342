"""Paper ballots, keyed twice: only two matching entries by different people count.

A paper ballot carries its voter's code (printed on it, or copied from their card), so
one code is one ballot whatever the channel. Staff key each paper in a keyboard-only
screen, by the numbers printed beside the projects. The first entry waits; a second
by someone else either matches (the ballot is cast through
``pb.voting.services.cast_ballot`` with the channel "paper", and the paper is marked
counted in the same transaction) or goes to the reconciliation queue, where a third
person, looking at the paper, enters what it says. An entry may instead record the
paper as spoilt, with a reason. Every entry is a valid ballot or a spoilt one: a
reading that breaks the ballot's rules is refused, with the reason, so the keyer can
check the paper or record it as spoilt.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from pb import audit
from pb.errors import NotAllowed
from pb.events import EventConflict, EventError, desk
from pb.extensions import db
from pb.models import Event, EventVote, PaperBallot, PaperEntry, User, VotingCode
from pb.models.base import utcnow
from pb.models.event import (
    CHANNEL_PAPER,
    PAPER_KEYED_ONCE,
    PAPER_MATCHED,
    PAPER_QUEUE,
    PAPER_RESOLVED,
    PAPER_SPOILT,
)
from pb.policy import can_resolve_paper, can_work_event
from pb.voting import VotingError, codes
from pb.voting.designs import check_ballot
from pb.voting.services import Identity, build_paper, cast_ballot


@dataclass(frozen=True)
class Reading:
    """What one person keyed from a paper: choices ({proposal id: value}) or spoilt."""

    choices: dict
    spoilt_reason: str | None = None

    @property
    def spoilt(self) -> bool:
        return self.spoilt_reason is not None

    def as_json(self) -> str | None:
        if self.spoilt:
            return None
        return json.dumps({str(k): v for k, v in sorted(self.choices.items()) if v},
                          sort_keys=True)

    def same_as(self, other: Reading) -> bool:
        return self.spoilt == other.spoilt and self.as_json() == other.as_json()


@dataclass
class Keyed:
    """What an entry did: ``outcome`` is first, matched, queue, spoilt or resolved."""

    paper: PaperBallot
    outcome: str


def _code(event: Event, raw: str) -> tuple[VotingCode, str]:
    normal = codes.normalise_code(raw)
    code = None if normal is None else db.session.scalar(select(VotingCode).where(
        VotingCode.code_hash == codes.code_hash(normal), VotingCode.round_id == event.round_id))
    if code is None:
        raise EventError(_("That is not one of this round's voting codes: check the code on the "
                         "paper (16 letters and numbers)."), field="code")
    return code, normal


def identity_of(event: Event, code: VotingCode) -> Identity | None:
    check_in = desk.binding(event.round_id, code.id)
    if check_in is None:
        return None
    return Identity(f"code:{code.id}", "code", check_in.ward_id, code_id=code.id,
                    facts_hash=check_in.facts_hash)


def paper_for_code(event: Event, code: VotingCode):
    """The ballot paper of the code's voter (their ward's projects), or None."""
    identity = identity_of(event, code)
    return build_paper(event.round, identity) if identity else None


def _cast_key(paper: PaperBallot) -> str:
    """The paper's idempotency key for casting: its ballot is stored once, whatever happens."""
    return "paper" + hashlib.sha256(f"pb-paper-ballot:{paper.id}".encode()).hexdigest()[:40]


def _check_reading(event: Event, code: VotingCode, reading: Reading) -> None:
    if reading.spoilt:
        return
    if identity_of(event, code) is None:
        raise EventError(_("This paper's code was not handed out at a check-in desk, so nobody "
                         "checked the voter could vote. Record the paper as spoilt, with that "
                         "reason."), field="code")
    if code.used_at is not None:
        raise EventError(_("This paper's code has already been used to vote (one code, one "
                         "ballot, whichever way). Record the paper as spoilt, with the reason "
                         "“code already used”."), field="code")
    ballot = paper_for_code(event, code)
    unknown = [pid for pid in reading.choices if pid not in ballot.ids]
    if unknown:
        raise EventError(_("A project keyed is not on this voter's ballot (it is for another "
                         "ward): check the paper, or record it as spoilt."), field="choices")
    problems = check_ballot(ballot.rules, ballot.projects, ballot.sections, reading.choices)
    if problems:
        raise EventError(_("This reading breaks the ballot's rules: %(problems)s If the paper "
                           "really says this, record it as spoilt with that reason.",
                           problems=" ".join(m for _n, m in problems.all())), field="choices")


def enter(actor: User, event: Event, raw_code: str, reading: Reading) -> Keyed:
    """Key one paper: the first entry, or the second (which matches or goes to the queue)."""
    if not can_work_event(actor, event):
        raise NotAllowed(_("Only staff on duty at this event can key paper ballots."))
    if not event.uses_paper:
        raise EventError(_("This event does not use paper ballots."))
    if event.round.status != "voting":
        raise EventError(_("Voting is not open, so paper ballots cannot be counted now."))
    code, normal = _code(event, raw_code)
    for attempt in (1, 2):
        paper = db.session.scalar(select(PaperBallot).where(PaperBallot.code_id == code.id)
                                  .with_for_update())
        try:
            if paper is None:
                return _first(actor, event, code, normal[-4:], reading)
            return _second(actor, event, code, paper, reading)
        except IntegrityError:  # another person keyed the same paper at the same moment
            db.session.rollback()
            if attempt == 2:
                raise EventConflict(_("Someone else has just keyed this paper. Look it up on the "
                                    "paper ballots page.")) from None
    raise AssertionError("unreachable")  # pragma: no cover


def _first(actor: User, event: Event, code: VotingCode, tail: str, reading: Reading) -> Keyed:
    _check_reading(event, code, reading)
    paper = PaperBallot(event_id=event.id, code_id=code.id, code_tail=tail,
                        status=PAPER_KEYED_ONCE)
    db.session.add(paper)
    db.session.flush()
    _add_entry(paper, 1, actor, reading)
    audit.record("paper.keyed", paper, after={"event_id": event.id, "entry": 1}, actor=actor)
    db.session.commit()
    return Keyed(paper, "first")


def _add_entry(paper: PaperBallot, sequence: int, actor: User, reading: Reading) -> None:
    db.session.add(PaperEntry(paper_id=paper.id, sequence=sequence, entered_by_id=actor.id,
                              choices_json=reading.as_json(),
                              spoilt_reason=reading.spoilt_reason))
    db.session.flush()


def _reading_of(entry: PaperEntry) -> Reading:
    if entry.choices_json is None:
        return Reading({}, entry.spoilt_reason or "")
    return Reading({int(k): v for k, v in json.loads(entry.choices_json).items()})


def _second(actor: User, event: Event, code: VotingCode, paper: PaperBallot,
            reading: Reading) -> Keyed:
    if paper.status != PAPER_KEYED_ONCE:
        raise EventConflict(_settled(paper))
    first = paper.entries[0]
    if first.entered_by_id == actor.id:
        if _reading_of(first).same_as(reading):
            return Keyed(paper, "already")
        raise EventError(_("You keyed this paper first, so a different person must key it the "
                         "second time (only matching entries by two people count)."),
                         field="code")
    _add_entry(paper, 2, actor, reading)
    earlier = _reading_of(first)
    if not earlier.same_as(reading):
        return _to_queue(actor, paper, describe_difference(event, earlier, reading))
    if reading.spoilt:
        return _spoil(actor, paper, _both_reasons(earlier, reading), "paper.matched")
    _check_reading(event, code, reading)
    return _count(actor, event, code, paper, reading, PAPER_MATCHED, 2)


def _both_reasons(a: Reading, b: Reading) -> str:
    return a.spoilt_reason if a.spoilt_reason == b.spoilt_reason \
        else f"{a.spoilt_reason} / {b.spoilt_reason}"


def _settled(paper: PaperBallot) -> str:
    return {PAPER_MATCHED: _("This paper has already been keyed twice and counted."),
            PAPER_RESOLVED: _("This paper has already been resolved and counted."),
            PAPER_SPOILT: _("This paper has already been recorded as spoilt."),
            PAPER_QUEUE: _("This paper's two entries disagree: it is in the reconciliation "
                         "queue, where a third person settles it looking at the paper.")
            }.get(paper.status, _("This paper has already been keyed."))


def _to_queue(actor: User, paper: PaperBallot, problem: str) -> Keyed:
    paper.status, paper.problem, paper.updated_at = PAPER_QUEUE, problem, utcnow()
    audit.record("paper.mismatch", paper, after={"event_id": paper.event_id}, actor=actor)
    db.session.commit()
    return Keyed(paper, "queue")


def _spoil(actor: User, paper: PaperBallot, reason: str, action: str) -> Keyed:
    paper.status, paper.spoilt_reason, paper.updated_at = PAPER_SPOILT, reason, utcnow()
    audit.record(action, paper, after={"event_id": paper.event_id, "spoilt": reason},
                 actor=actor)
    db.session.commit()
    return Keyed(paper, "spoilt")


def _count(actor: User, event: Event, code: VotingCode, paper: PaperBallot, reading: Reading,
           status: str, sequence: int) -> Keyed:
    identity = identity_of(event, code)
    paper_id = paper.id

    def mark(ballot) -> None:
        db.session.execute(update(PaperBallot).where(PaperBallot.id == paper_id).values(
            status=status, ballot_id=ballot.id, updated_at=utcnow(), resolved_by_id=(
                actor.id if status == PAPER_RESOLVED else None)))
        db.session.add(EventVote(event_id=event.id, ballot_id=ballot.id,
                                 channel=CHANNEL_PAPER))
        audit.record("paper.matched" if status == PAPER_MATCHED else "paper.resolved", paper,
                     after={"event_id": event.id, "counted": True}, actor=actor)

    try:
        cast_ballot(event.round, identity, build_paper(event.round, identity), reading.choices,
                    None, entered_by=actor, submission=_cast_key(paper), channel=CHANNEL_PAPER,
                    record_with=mark)
    except VotingError:
        # The code voted another way between the check and the cast: one code, one ballot.
        paper = db.session.get(PaperBallot, paper_id)
        _add_entry(paper, sequence, actor, reading)
        return _spoil(actor, paper, "Its code had already been used to vote another way.",
                      "paper.spoilt")
    db.session.expire_all()
    return Keyed(db.session.get(PaperBallot, paper_id), "counted")


def resolve(actor: User, event: Event, paper: PaperBallot, reading: Reading) -> Keyed:
    """A third person settles a paper in the queue by what the paper says."""
    if not can_resolve_paper(actor, event, paper):
        raise NotAllowed(_("A third person settles a paper: someone on duty here who keyed "
                         "neither entry."))
    locked = db.session.scalar(select(PaperBallot).where(PaperBallot.id == paper.id)
                               .with_for_update().execution_options(populate_existing=True))
    if locked.status != PAPER_QUEUE:
        raise EventConflict(_settled(locked))
    code = db.session.get(VotingCode, locked.code_id)
    try:
        if not reading.spoilt:
            _check_reading(event, code, reading)
        _add_entry(locked, 3, actor, reading)
    except IntegrityError:
        db.session.rollback()
        raise EventConflict(_("Someone else has just resolved this paper.")) from None
    if reading.spoilt:
        locked.resolved_by_id = actor.id
        return _spoil(actor, locked, reading.spoilt_reason, "paper.resolved")
    return _count(actor, event, code, locked, reading, PAPER_RESOLVED, 3)


def add_received(actor: User, event: Event, count: int) -> int:
    """Add papers taken out of a ballot box (a negative number corrects a miscount)."""
    if not can_work_event(actor, event):
        raise NotAllowed(_("Only staff on duty at this event can count papers received."))
    if count == 0 or not -5000 <= count <= 5000:
        raise EventError(_("Enter how many papers came out of the box (up to 5,000), or a "
                         "negative number to correct a miscount."), field="count")
    if event.paper_received + count < 0:
        raise EventError(_("That would make fewer than none: %(received)d received so far.",
                           received=event.paper_received), field="count")
    db.session.execute(update(Event).where(Event.id == event.id).values(
        paper_received=Event.paper_received + count))
    audit.record("paper.received", event, after={"added": count}, actor=actor)
    db.session.commit()
    db.session.refresh(event)
    return event.paper_received


def describe_difference(event: Event, first: Reading, second: Reading) -> str:
    """The two entries' differences, by the numbers printed on the paper."""
    if first.spoilt != second.spoilt:
        spoilt = first if first.spoilt else second
        which = "first" if first.spoilt else "second"
        return f"The {which} entry says spoilt ({spoilt.spoilt_reason}); the other has choices."
    numbers = {ep.proposal_id: ep.number for ep in event.projects}
    differ = sorted(pid for pid in set(first.choices) | set(second.choices)
                    if first.choices.get(pid, 0) != second.choices.get(pid, 0))
    parts = [f"project {numbers.get(pid, '?')}: first {first.choices.get(pid, 0)}, "
             f"second {second.choices.get(pid, 0)}" for pid in differ]
    return "The entries differ on " + "; ".join(parts) + "."
