"""The counted ballots of a round as the core's Profile, built straight from rows.

Part of the results area's bridge to the core (``services.profile_from_ballots`` calls
it); a module of its own, kept by the performance work (issue 15).

One SELECT of (ballot id, project, points, rank) ordered by ballot, read in batches
from a server-side cursor; consecutive rows of a ballot become one tuple, identical
tuples are counted once in a dict, and only the distinct ballots (with their counts)
go to ``Profile.from_ballots``. No ORM objects: on the city round (100,000 ballots,
500,000 choices) this is about the cost of the SELECT itself.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator

from sqlalchemy import select

from pb.allocation import Ballot as CoreBallot
from pb.allocation import Profile
from pb.extensions import db
from pb.models.voting import BALLOT_COUNTED, Ballot, BallotChoice

BATCH = 10_000  # rows per fetch from the server-side cursor


def ballot_entries(round_id: int, kind: str, known: set[str]) -> Iterator[tuple]:
    """Each counted ballot of the round, in ballot id order, as a tuple of project ids
    (approval) or of (project id, points, rank): one SELECT read in batches."""
    # Core, not the ORM session's execute: plain rows, no ORM result machinery per row.
    # The options go on this statement only: Connection.execution_options would change
    # the session's connection for every later statement (a cursor for an INSERT).
    rows = db.session.connection().execute(
        select(Ballot.id, BallotChoice.proposal_id, BallotChoice.points, BallotChoice.rank)
        .join(BallotChoice, BallotChoice.ballot_id == Ballot.id, isouter=True)
        .where(Ballot.round_id == round_id, Ballot.status == BALLOT_COUNTED)
        .order_by(Ballot.id), execution_options={"yield_per": BATCH})
    names = {int(pid): pid for pid in known if pid.isdigit()}  # proposal id -> project id
    approval = kind == "approval"  # then a ballot is just its project ids
    current, entries = None, []
    try:
        for chunk in rows.partitions():
            for ballot_id, proposal_id, points, rank in chunk:
                if ballot_id != current:
                    if current is not None:
                        yield tuple(entries)
                    current, entries = ballot_id, []
                name = names.get(proposal_id)
                if name is not None:
                    entries.append(name if approval else (name, points, rank))
    finally:
        rows.close()
    if current is not None:
        yield tuple(entries)


def ballot_counts(round_id: int, kind: str, known: set[str],
                  progress: Callable[[int], None] | None = None) -> Counter:
    """{distinct ballot: voters}, a ballot being as ``ballot_entries`` gives it;
    ``progress(n)`` is told of every ``BATCH`` ballots read (and of the last few)."""
    if progress is None:
        return Counter(ballot_entries(round_id, kind, known))
    counts: Counter = Counter()
    read = 0
    for read, entries in enumerate(ballot_entries(round_id, kind, known), start=1):
        counts[entries] += 1
        if read % BATCH == 0:
            progress(BATCH)
    progress(read % BATCH)
    return counts


def core_ballot(kind: str, entries: tuple, n: int = 1) -> CoreBallot:
    """One ballot's entries (from ``ballot_entries``) as the core's Ballot."""
    if kind == "approval":
        return CoreBallot(entries, None, n)
    if kind == "ordinal":
        ranked = sorted(entries, key=lambda e: e[2] or 0)
        return CoreBallot(tuple(pid for pid, _p, _r in ranked), None, n)
    return CoreBallot(tuple(pid for pid, _p, _r in entries),
                      tuple(points or 0 for _pid, points, _r in entries), n)


def profile_from_rows(round_id: int, kind: str, known: set[str],
                      progress: Callable[[int], None] | None = None) -> Profile:
    """The round's counted ballots as a Profile of kind ``kind`` (only ``known`` projects)."""
    return Profile.from_ballots(kind, [core_ballot(kind, entries, n) for entries, n
                                       in ballot_counts(round_id, kind, known,
                                                        progress).items()])
