"""Reading the vote: a voter's current ballot, receipts, turnout and the integrity counts.

Officers and scrutiny see counts only, never who voted for what.
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from pb.extensions import db
from pb.models import Round, Ward
from pb.models.voting import (
    BALLOT_COUNTED,
    BALLOT_SUPERSEDED,
    REPLACED_BY_SAME_DETAILS,
    REPLACED_BY_VOTER,
    Ballot,
    Voter,
)
from pb.voting import codes
from pb.voting.identity import Identity, slot_of


def current_ballot(round_: Round, identity: Identity) -> Ballot | None:
    voter = slot_of(round_, identity)
    if voter is None:
        return None
    return db.session.scalar(select(Ballot).where(Ballot.voter_id == voter.id,
                                                  Ballot.status == BALLOT_COUNTED))


def counted_receipt_hashes(round_: Round) -> list[str]:
    return list(db.session.scalars(select(Ballot.receipt_hash).where(
        Ballot.round_id == round_.id, Ballot.status == BALLOT_COUNTED)
        .order_by(Ballot.receipt_hash)))


def look_up_receipt(round_: Round, raw: str) -> Ballot | None:
    if not codes.normalise_receipt(raw):
        return None
    return db.session.scalar(select(Ballot).where(
        Ballot.round_id == round_.id, Ballot.receipt_hash == codes.receipt_hash(raw)))


def replaced_counts(round_: Round) -> dict[str, int]:
    """Ballots that stopped counting, by why: changed by their voter, or replaced by a
    later ballot given with the same postcode and date of birth (docs/voting.md)."""
    rows = dict(db.session.execute(
        select(Ballot.superseded_reason, func.count()).where(
            Ballot.round_id == round_.id, Ballot.status == BALLOT_SUPERSEDED)
        .group_by(Ballot.superseded_reason)).all())
    return {"changed": rows.get(REPLACED_BY_VOTER, 0) + rows.get(None, 0),
            "same_details": rows.get(REPLACED_BY_SAME_DETAILS, 0)}


def turnout(round_: Round) -> dict:
    """Counts only: by channel, by ward and by day. Never who voted for what."""
    counted = select(Ballot).where(Ballot.round_id == round_.id,
                                   Ballot.status == BALLOT_COUNTED).subquery()
    by_channel = dict(db.session.execute(
        select(counted.c.channel, func.count()).group_by(counted.c.channel)).all())
    ward_rows = db.session.execute(
        select(Ward.name, func.count()).select_from(counted)
        .join(Voter, Voter.id == counted.c.voter_id)
        .outerjoin(Ward, Ward.id == Voter.ward_id).group_by(Ward.name)).all()
    by_ward = sorted(((name or "No ward (postcode not in a ward)", n) for name, n in ward_rows),
                     key=lambda kv: kv[0])
    first_cast = select(Voter.id.label("voter_id"), func.min(Ballot.cast_at).label("first")) \
        .join(Ballot, Ballot.voter_id == Voter.id).where(Voter.round_id == round_.id) \
        .group_by(Voter.id).subquery()
    days: Counter = Counter()
    for (first,) in db.session.execute(select(first_cast.c.first)):
        days[first.date()] += 1
    replaced = replaced_counts(round_)
    return {"total": sum(by_channel.values()), "by_channel": by_channel, "by_ward": by_ward,
            "by_day": sorted(days.items()), "changed": replaced["changed"],
            "same_details": replaced["same_details"]}
