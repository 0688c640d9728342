"""Demo decision days: the completed £100,000 decision day with its report, and an upcoming
event in the open vote with staff, enrolled tablets and voting cards.

- The completed day (Macclesfield Town Hall, 11 October 2025): every one of the 236
  ballots the voting seeder made was given there, so each code is checked in (ward and
  age band), and each ballot is given a channel: most on the two tablets or on paper
  (each paper keyed twice by two people and matched), a few on people's own phones.
  Three more people checked in and spoilt their papers. So the report shows 239
  attendees, and votes by channel that add up to the round's ballots.
- The upcoming day (Hurdsfield Community Centre, in a week): events@ on duty, two tablets
  enrolled, and 30 printed voting cards.

Idempotent: each event is keyed on (round, name) and filled only when it is made.
"""

from __future__ import annotations

import hashlib
import json
import random
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from pb.events.setup import in_scope
from pb.extensions import db
from pb.models import (
    Ballot,
    CheckIn,
    Event,
    EventProject,
    EventStaff,
    EventVote,
    KioskDevice,
    PaperBallot,
    PaperEntry,
    Round,
    User,
    Voter,
    VotingCode,
    VotingCodeBatch,
)
from pb.models.base import utcnow
from pb.models.event import CHECK_IN_AGE_BANDS
from pb.voting import codes, keys

SEED = b"pb-demo-events-2026"
COMPLETED = "Macclesfield Health Decision Day"
UPCOMING = "Hurdsfield Community Decision Day"
SPOILT = ("Every project ticked, then all crossed out", "No code on the paper",
          "Two papers stapled together")
# Decision-day turnout is older than online turnout: weights for the age bands 11-15 ... 75+.
AGE_WEIGHTS = (3, 4, 6, 10, 12, 14, 18, 20, 13)


def _digest(*parts) -> str:
    return hashlib.sha256(b":".join([SEED, *(str(p).encode() for p in parts)])).hexdigest()


def _user(local: str):
    from pb.demo import DEMO_DOMAIN

    return User.by_email(f"{local}@{DEMO_DOMAIN}")


def _cards(round_: Round, label: str, count: int) -> list[str]:
    """A batch of demo codes (made once, from fixed seeds); returns their plaintexts."""
    plain = [codes.new_voting_code(bytes.fromhex(_digest(label, i))[:16]) for i in range(count)]
    batch = db.session.scalar(select(VotingCodeBatch).where(
        VotingCodeBatch.round_id == round_.id, VotingCodeBatch.label == label))
    if batch is None:
        batch = VotingCodeBatch(round_id=round_.id, label=label, size=count,
                                created_by_id=getattr(_user("officer"), "id", None))
        db.session.add(batch)
        db.session.flush()
        db.session.add_all(VotingCode(round_id=round_.id, batch_id=batch.id,
                                      code_hash=codes.code_hash(code)) for code in plain)
        db.session.flush()
    return plain


def _utc(day, at: time) -> datetime:
    zone = ZoneInfo("Europe/London")
    return datetime.combine(day, at, zone).astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def _event(round_: Round, name: str, **values) -> tuple[Event, bool]:
    event = db.session.scalar(select(Event).where(Event.round_id == round_.id,
                                                  Event.name == name))
    if event is not None:
        return event, False
    event = Event(round_id=round_.id, name=name, created_by_id=getattr(_user("officer"), "id",
                                                                        None), **values)
    db.session.add(event)
    db.session.flush()
    for number, proposal in enumerate(in_scope(event), start=1):
        db.session.add(EventProject(event_id=event.id, proposal_id=proposal.id, number=number,
                                    position=number))
    for local in ("events", "officer2"):
        staff = _user(local)
        if staff is not None:
            db.session.add(EventStaff(event_id=event.id, user_id=staff.id))
    db.session.flush()
    return event, True


def _device(event: Event, name: str, at: datetime) -> KioskDevice:
    device = KioskDevice(event_id=event.id, name=name, enrolled_at=at, created_at=at,
                         enrol_expires_at=at + timedelta(minutes=30),
                         link_hash=_digest("link", event.id, name),
                         secret_hash=_digest("secret", event.id, name))
    db.session.add(device)
    db.session.flush()
    return device


def seed(area, partnership, rounds) -> None:
    from pb.demo import ROUND_DECISION_DAY, ROUND_OPEN_VOTE

    _seed_completed(rounds[ROUND_DECISION_DAY])
    _seed_upcoming(rounds[ROUND_OPEN_VOTE])


# The completed decision day ----------------------------------------------------------------

def _seed_completed(round_: Round) -> None:
    start = round_.voting_open_at
    if start is None:
        return
    event, new = _event(round_, COMPLETED, venue="Macclesfield Town Hall, Market Place, "
                        "Macclesfield SK10 1EA", starts_at=start - timedelta(hours=1),
                        ends_at=round_.voting_close_at or start + timedelta(hours=5),
                        accessibility="Step-free entrance from Market Place; hearing loop in "
                                      "the Assembly Room; quiet room on the first floor (lift); "
                                      "accessible toilets on both floors.",
                        contact="01625 500 500 or partnership@demo.pb.localhost",
                        uses_tablets=True, uses_paper=True, pitch_minutes=3)
    if not new:
        return
    rows = db.session.execute(
        select(Ballot, Voter).join(Voter, Voter.id == Ballot.voter_id)
        .where(Ballot.round_id == round_.id, Ballot.status == "counted")
        .order_by(Ballot.id)).all()
    if not rows:
        return
    # Waiver for bandit B311: repeatable demo data, not a secret.
    rng = random.Random(SEED + b":completed")  # nosec B311
    tablets = [_device(event, name, start - timedelta(minutes=40))
               for name in ("Tablet by the stage", "Tablet by the café")]
    keyers = [u for u in (_user("events"), _user("officer2")) if u is not None]
    # Slots hold keyed keys, not code ids: the server remakes the round's code keys.
    code_of = {keys.code_key(round_.id, code_id): code_id for code_id in db.session.scalars(
        select(VotingCode.id).where(VotingCode.round_id == round_.id))}
    for index, (ballot, voter) in enumerate(rows):
        code_id = code_of[voter.voter_key]
        _check_in(event, round_, code_id, voter.ward_id, rng, ballot.cast_at, index, keyers)
        roll = rng.random()
        if roll < 0.44:
            ballot.channel = "tablet"
            db.session.add(EventVote(event_id=event.id, ballot_id=ballot.id, channel="tablet",
                                     device_id=rng.choice(tablets).id))
        elif roll < 0.9 and len(keyers) == 2:
            ballot.channel = "paper"
            db.session.add(EventVote(event_id=event.id, ballot_id=ballot.id, channel="paper"))
            _paper(event, code_id, ballot, keyers, rng)
    _spoilt_papers(event, round_, keyers, rng)
    event.paper_received = db.session.scalar(select(db.func.count()).select_from(PaperBallot)
                                             .where(PaperBallot.event_id == event.id))
    db.session.flush()


def _check_in(event, round_, code_id, ward_id, rng, at, index, keyers) -> None:
    band = rng.choices([b[0] for b in CHECK_IN_AGE_BANDS[1:]], AGE_WEIGHTS)[0]
    db.session.add(CheckIn(event_id=event.id, round_id=round_.id, code_id=code_id,
                           ward_id=ward_id, age_band=band, handed="card",
                           details_hash=_digest("person", index),
                           checked_in_by_id=keyers[0].id if keyers else None,
                           checked_in_at=at - timedelta(minutes=20)))


def _paper(event, code_id, ballot, keyers, rng) -> None:
    choices = json.dumps({str(c.proposal_id): c.points or c.rank or 1
                          for c in sorted(ballot.choices, key=lambda c: c.proposal_id)},
                         sort_keys=True)
    paper = PaperBallot(event_id=event.id, code_id=code_id, code_tail=_digest(code_id)[:4]
                        .upper(), status="matched", ballot_id=ballot.id,
                        created_at=ballot.cast_at, updated_at=ballot.cast_at)
    db.session.add(paper)
    db.session.flush()
    first, second = rng.sample(keyers, 2)
    for sequence, keyer in ((1, first), (2, second)):
        db.session.add(PaperEntry(paper_id=paper.id, sequence=sequence,
                                  entered_by_id=keyer.id, choices_json=choices,
                                  entered_at=ballot.cast_at))


def _spoilt_papers(event, round_, keyers, rng) -> None:
    """Three more attendees whose papers were spoilt (their codes never voted)."""
    plain = _cards(round_, f"{COMPLETED}: spoilt papers", len(SPOILT))
    if len(keyers) < 2:
        return
    for index, (code, reason) in enumerate(zip(plain, SPOILT)):
        row = db.session.scalar(select(VotingCode).where(
            VotingCode.code_hash == codes.code_hash(code)))
        at = event.starts_at + timedelta(hours=2, minutes=index * 7)
        _check_in(event, round_, row.id, None, rng, at, 1000 + index, keyers)
        paper = PaperBallot(event_id=event.id, code_id=row.id, code_tail=code[-4:],
                            status="spoilt", spoilt_reason=reason, created_at=at,
                            updated_at=at)
        db.session.add(paper)
        db.session.flush()
        for sequence, keyer in enumerate(keyers, start=1):
            db.session.add(PaperEntry(paper_id=paper.id, sequence=sequence,
                                      entered_by_id=keyer.id, spoilt_reason=reason,
                                      entered_at=at))


# The upcoming decision day -------------------------------------------------------------------

def _seed_upcoming(round_: Round) -> None:
    if round_.voting_close_at is None:
        return
    day = (utcnow() + timedelta(days=7)).date()
    hurdsfield = next((w for w in round_.area.wards if w.name == "Macclesfield Hurdsfield"),
                      None)
    event, new = _event(round_, UPCOMING, venue="Hurdsfield Community Centre, Hurdsfield Road, "
                        "Macclesfield SK10 2LH", starts_at=_utc(day, time(10, 0)),
                        ends_at=_utc(day, time(13, 0)),
                        ward_id=hurdsfield.id if hurdsfield else None,
                        accessibility="Step-free access through the main doors; hearing loop; "
                                      "large-print ballots and a BSL interpreter on request.",
                        contact="01625 500 501", uses_tablets=True, uses_paper=True,
                        pitch_minutes=4)
    if not new:
        return
    for name in ("Tablet 1 (by the door)", "Tablet 2 (café corner)"):
        _device(event, name, utcnow())
    _cards(round_, f"{UPCOMING}: 30 voting cards", 30)
    db.session.flush()
