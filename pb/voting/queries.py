"""Reading the vote: a voter's current ballot, receipts, turnout and the integrity counts.

Officers and scrutiny see counts only, never who voted for what.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import gettext as _
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


RECEIPTS_PER_PAGE = 200


@dataclass
class ReceiptPage:
    """One page of the counted ballots' receipt fingerprints, in order.

    Pages are found by the fingerprints around them (keyset pagination), not by their
    number: a page deep in the list costs what the first one does, where OFFSET read and
    skipped every fingerprint before it. So a page knows whether there is one before and
    after it, but not its number.
    """

    hashes: list[str]
    counted: int  # counted ballots in the round
    matching: int  # of them, those starting with ``prefix``
    prefix: str
    has_previous: bool
    has_next: bool

    @property
    def previous_before(self) -> str | None:
        """The ``before`` of the previous page's link (None: this is the first page)."""
        return self.hashes[0] if self.has_previous and self.hashes else None

    @property
    def next_after(self) -> str | None:
        """The ``after`` of the next page's link (None: this is the last page)."""
        return self.hashes[-1] if self.has_next and self.hashes else None


def _hex(value: str | None) -> str:
    return "".join(c for c in (value or "").lower() if c in "0123456789abcdef")[:64]


def receipt_page(round_: Round, prefix: str = "", *, after: str | None = None,
                 before: str | None = None) -> ReceiptPage:
    """A page of fingerprints (``RECEIPTS_PER_PAGE``), those starting with ``prefix`` (hex):
    the first page, the one after the fingerprint ``after``, or the one before ``before``."""
    prefix, after, before = _hex(prefix), _hex(after), _hex(before)
    counted = Ballot.round_id == round_.id, Ballot.status == BALLOT_COUNTED
    total = db.session.scalar(select(func.count()).select_from(Ballot).where(*counted))
    where = [*counted, Ballot.receipt_hash.startswith(prefix)] if prefix else list(counted)
    matching = total if not prefix else db.session.scalar(
        select(func.count()).select_from(Ballot).where(*where))
    query = select(Ballot.receipt_hash).where(*where).limit(RECEIPTS_PER_PAGE + 1)
    if before and not after:
        # The page before: the nearest fingerprints below ``before``, read downwards.
        hashes = list(db.session.scalars(query.where(Ballot.receipt_hash < before)
                                         .order_by(Ballot.receipt_hash.desc())))
        more = len(hashes) > RECEIPTS_PER_PAGE
        hashes = hashes[:RECEIPTS_PER_PAGE][::-1]
        return ReceiptPage(hashes, total, matching, prefix, has_previous=more, has_next=True)
    if after:
        query = query.where(Ballot.receipt_hash > after)
    hashes = list(db.session.scalars(query.order_by(Ballot.receipt_hash)))
    more = len(hashes) > RECEIPTS_PER_PAGE
    return ReceiptPage(hashes[:RECEIPTS_PER_PAGE], total, matching, prefix,
                       has_previous=bool(after), has_next=more)


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


_TURNOUT_LOCK = threading.Lock()


def turnout(round_: Round) -> dict:
    """Counts only: by channel, by ward and by day. Never who voted for what.

    The full count reads every ballot of the round (0.3-1 s on 100,000 ballots), so each
    worker keeps the last one per round (in ``app.extensions``) with the ballots'
    fingerprint: the highest counted and superseded ballot ids, and on PostgreSQL their
    numbers too (``_ballots_fingerprint``). A new ballot, a change, or a ballot that stops counting changes it, and the counts are
    made again.
    """
    fingerprint = _ballots_fingerprint(round_)
    cache = current_app.extensions.setdefault("pb_turnout", {})  # round id -> (key, counts)
    with _TURNOUT_LOCK:
        cached = cache.get(round_.id)
    if cached is not None and cached[0] == fingerprint:
        return cached[1]
    counts = count_turnout(round_)
    with _TURNOUT_LOCK:
        cache[round_.id] = (fingerprint, counts)
    return counts


def _ballots_fingerprint(round_: Round) -> tuple:
    """The highest counted and superseded ballot ids (two index look-ups), and on
    PostgreSQL the number of each too. SQLite has one writer at a time, which holds the
    write lock from the INSERT that gives a ballot its id to the commit, so ballots commit
    in id order and the highest id says whether anything
    changed; PostgreSQL takes ids from a sequence and commits in any order, so a ballot
    committing just after one with a higher id leaves the highest id as it was, and only
    the number shows it (one grouped, index-only read: about 12 ms on 100,000 ballots,
    which is why SQLite is spared it)."""
    if db.session.get_bind().dialect.name == "sqlite":
        return tuple(db.session.scalar(select(func.max(Ballot.id)).where(
            Ballot.round_id == round_.id, Ballot.status == status))
            for status in (BALLOT_COUNTED, BALLOT_SUPERSEDED))
    return tuple(sorted(db.session.execute(
        select(Ballot.status, func.count(), func.max(Ballot.id))
        .where(Ballot.round_id == round_.id,
               Ballot.status.in_((BALLOT_COUNTED, BALLOT_SUPERSEDED)))
        .group_by(Ballot.status)).all()))


def count_turnout(round_: Round) -> dict:
    """The turnout counts, read from the ballots (see ``turnout``)."""
    counted = select(Ballot).where(Ballot.round_id == round_.id,
                                   Ballot.status == BALLOT_COUNTED).subquery()
    by_channel = dict(db.session.execute(
        select(counted.c.channel, func.count()).group_by(counted.c.channel)).all())
    ward_rows = db.session.execute(
        select(Ward.name, func.count()).select_from(counted)
        .join(Voter, Voter.id == counted.c.voter_id)
        .outerjoin(Ward, Ward.id == Voter.ward_id).group_by(Ward.name)).all()
    by_ward = sorted(((name or _("No ward (postcode not in a ward)"), n) for name, n in ward_rows),
                     key=lambda kv: kv[0])
    # Each voter's first ballot, counted per day in the database (one row per day, not
    # one per voter: 100,000 voters made this page take over a second).
    first_cast = select(func.min(Ballot.cast_at).label("first")) \
        .where(Ballot.round_id == round_.id).group_by(Ballot.voter_id).subquery()
    day = func.date(first_cast.c.first)
    days: Counter = Counter()
    for value, n in db.session.execute(select(day, func.count()).group_by(day)):
        days[value if isinstance(value, date) else date.fromisoformat(value)] += n
    replaced = replaced_counts(round_)
    return {"total": sum(by_channel.values()), "by_channel": by_channel, "by_ward": by_ward,
            "by_day": sorted(days.items()), "changed": replaced["changed"],
            "same_details": replaced["same_details"]}
