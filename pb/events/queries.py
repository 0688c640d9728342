"""Reading decision days: counts for the desk, the live screen, the report and the API.

Counts only, never who voted for what. Each is one or two grouped queries, whatever
the size of the event. The report suppresses small numbers: any group of fewer than
``SMALL`` people shows as "fewer than 5", and when only one group in a table would be
hidden, the next smallest is hidden too, so the total cannot give it away.
"""

from __future__ import annotations

from sqlalchemy import func, select

from pb.events.reconciliation import figures
from pb.extensions import db
from pb.models import Ballot, CheckIn, Event, EventVote, Round, Voter, Ward
from pb.models.event import AGE_BAND_LABELS, CHANNEL_PAPER, CHANNEL_TABLET, CHECK_IN_AGE_BANDS
from pb.models.voting import BALLOT_COUNTED
from pb.voting import keys

SMALL = 5
HIDDEN = "fewer than 5"


def events_of(round_: Round) -> list[Event]:
    return list(db.session.scalars(select(Event).where(Event.round_id == round_.id)
                                   .order_by(Event.starts_at, Event.id)))


def checked_in(event: Event) -> int:
    return db.session.scalar(select(func.count()).select_from(CheckIn)
                             .where(CheckIn.event_id == event.id)) or 0


def votes_by_channel(event: Event) -> dict[str, int]:
    """Counted ballots given at the event: on its tablets, on its paper, and online with
    codes handed out at its desk (on people's own phones, through the card's QR code)."""
    at_event = dict(db.session.execute(
        select(EventVote.channel, func.count()).join(Ballot, Ballot.id == EventVote.ballot_id)
        .where(EventVote.event_id == event.id, Ballot.status == BALLOT_COUNTED)
        .group_by(EventVote.channel)).all())
    online = sum(db.session.scalar(
        select(func.count()).select_from(Voter).join(Ballot, Ballot.voter_id == Voter.id)
        .where(Voter.round_id == event.round_id, Voter.voter_key.in_(chunk),
               Ballot.status == BALLOT_COUNTED, Ballot.channel == "code")) or 0
        for chunk in _desk_code_keys(event))
    return {"online": online, "tablet": at_event.get(CHANNEL_TABLET, 0),
            "paper": at_event.get(CHANNEL_PAPER, 0)}


def _desk_code_keys(event: Event, size: int = 2000) -> list[list[str]]:
    """The keyed voter keys of the codes handed out at the event's desk, in chunks.

    Made here, not joined in SQL: voters hold keyed hashes, never the code ids."""
    code_ids = db.session.scalars(select(CheckIn.code_id).where(
        CheckIn.event_id == event.id, CheckIn.code_id.is_not(None))).all()
    secret = keys.secret()
    made = [keys.code_key(event.round_id, code_id, secret) for code_id in code_ids]
    return [made[i:i + size] for i in range(0, len(made), size)]


def summary(event: Event) -> dict:
    """The API's (and the pages') figures for one event."""
    paper = figures(event)
    return {"id": event.id, "name": event.name, "date": event.starts_at.date().isoformat(),
            "checked_in": checked_in(event), "votes_by_channel": votes_by_channel(event),
            "paper": {k: paper[k] for k in ("received", "entered", "matched", "spoilt")}}


def suppress(rows: list[tuple[str, int]]) -> list[tuple[str, object]]:
    """Rows with counts below SMALL (and, if only one, the next smallest) hidden."""
    small = {i for i, (_label, n) in enumerate(rows) if 0 < n < SMALL}
    if len(small) == 1:
        others = sorted((n, i) for i, (_label, n) in enumerate(rows) if i not in small and n)
        if others:
            small.add(others[0][1])
    return [(label, HIDDEN if i in small else n) for i, (label, n) in enumerate(rows)]


def attendance(event: Event) -> dict:
    """Checked in by ward and by age band, small numbers suppressed."""
    wards = db.session.execute(
        select(Ward.name, func.count()).select_from(CheckIn)
        .outerjoin(Ward, Ward.id == CheckIn.ward_id)
        .where(CheckIn.event_id == event.id).group_by(Ward.name)).all()
    by_ward = sorted(((name or "Outside the area's wards", n) for name, n in wards))
    bands = dict(db.session.execute(
        select(CheckIn.age_band, func.count()).where(CheckIn.event_id == event.id)
        .group_by(CheckIn.age_band)).all())
    by_age = [(label, bands.get(code, 0)) for code, label, _lo, _hi in CHECK_IN_AGE_BANDS
              if bands.get(code)]
    return {"total": sum(n for _w, n in by_ward), "by_ward": suppress(by_ward),
            "by_age": suppress(by_age)}


def age_label(code: str) -> str:
    return AGE_BAND_LABELS.get(code, code)
