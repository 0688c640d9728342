"""A round's ballots.pb in constant memory, whatever the number of ballots (issue 15).

The file lists distinct ballots in the profile's order (sorted by their projects), each
repeated once per voter, after a header that gives the number of voters. The ballots come
out of the database in ballot id order, so they are sorted here by an external merge
sort: up to ``RUN`` distinct ballots at a time are counted and sorted in memory, then
written to a temporary file; ``FAN_IN`` such runs at most are kept, more are first merged
into one. Memory is then bounded by ``RUN`` ballots and ``FAN_IN`` buffered
lines read back from the runs, and the text is byte for byte what ``write_pb`` gives
for the round's Profile (its hash is the certified ``inputs_hash``). A round smaller
than ``RUN`` never touches the disk.

Every database read happens in ``open_ballots_pb`` (one SELECT of the choices, read in
batches from a server-side cursor on PostgreSQL), so the response streams from files
after the request's session is done with; ``close()`` removes the files.
"""

from __future__ import annotations

import heapq
import json
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import closing
from fractions import Fraction

from pb.allocation import Ballot as CoreBallot
from pb.allocation import iter_pb, normalise_ballot
from pb.models import Round
from pb.results.profile_rows import ballot_entries, core_ballot

RUN = 20_000  # distinct ballots sorted in memory before they are written out
FAN_IN = 16  # runs kept at once; one more and they are merged into a single run
PIECE = 64 * 1024  # characters of text per piece of the response


def _order(item):
    (projects, points), _count = item
    return projects, points or ()  # Profile.from_ballots's order


# Runs are JSON lines, one distinct ballot each: [projects, points or null, count], a
# point being an integer or [numerator, denominator]. Plain data, so reading a run back
# can never run code (unlike pickle), and each value comes back as the type it was.
def _encode_point(x):
    return [x.numerator, x.denominator] if isinstance(x, Fraction) else x


def _decode_point(x):
    return Fraction(x[0], x[1]) if isinstance(x, list) else x


def _line(item) -> str:
    (projects, points), count = item
    return json.dumps([list(projects), None if points is None else
                       [_encode_point(x) for x in points], count]) + "\n"


def _read(run) -> Iterator[tuple]:
    run.seek(0)
    for line in run:
        projects, points, count = json.loads(line)
        yield ((tuple(projects), None if points is None else
                tuple(_decode_point(x) for x in points)), count)


def normalised(kind: str, entries: Iterable[tuple]) -> Iterator[tuple]:
    """Each ballot's key as ``Profile.from_ballots`` normalises it."""
    if kind == "approval":  # the common case, without a core Ballot per voter
        for projects in entries:
            key = tuple(sorted(projects))
            if len(set(key)) != len(key):
                raise ValueError("a ballot lists the same project twice")
            yield key, None
        return
    for each in entries:
        ballot = core_ballot(kind, each)
        yield normalise_ballot(kind, ballot.projects, ballot.points)


def _merged(runs) -> Iterator[tuple]:
    """(key, count) from sorted runs, in order, equal keys added together."""
    current, total = None, 0
    for key, count in heapq.merge(*(_read(run) for run in runs), key=_order):
        if key == current:
            total += count
            continue
        if current is not None:
            yield current, total
        current, total = key, count
    if current is not None:
        yield current, total


class SortedBallots:
    """Ballots given one by one (as ``normalised`` keys), read back distinct, with their
    counts, in the profile's order."""

    def __init__(self, kind: str, keys: Iterable[tuple]):
        self.kind, self.voters, self._runs, self._last = kind, 0, [], []
        try:
            chunk: Counter = Counter()
            for key in keys:
                self.voters += 1
                chunk[key] += 1
                if len(chunk) >= RUN:
                    self._spill(sorted(chunk.items(), key=_order))
                    chunk = Counter()
            self._last = sorted(chunk.items(), key=_order)
        except BaseException:
            self.close()
            raise

    def _spill(self, items: Iterable[tuple]) -> None:
        run = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 (kept open until close())
        try:
            run.writelines(_line(item) for item in items)
        except BaseException:
            run.close()
            raise
        self._runs.append(run)
        if len(self._runs) > FAN_IN:  # bounded open files and buffers: merge them into one
            old, self._runs = self._runs, []
            try:
                self._spill(_merged(old))
            finally:
                for each in old:
                    each.close()

    def __iter__(self) -> Iterator[CoreBallot]:
        if not self._runs:
            items = iter(self._last)
        else:
            if self._last:
                self._spill(self._last)
                self._last = []
            items = _merged(self._runs)
        for (projects, points), count in items:
            yield CoreBallot(projects, points, count)

    def close(self) -> None:
        for run in self._runs:
            run.close()
        self._runs, self._last = [], []


class BallotsPb:
    """A round's ballots.pb, read from the database, to be written out once."""

    def __init__(self, instance, ballots: SortedBallots):
        self.instance, self.ballots = instance, ballots

    def pieces(self) -> Iterator[str]:
        try:
            yield from iter_pb(self.instance, self.ballots.kind, self.ballots.voters,
                               self.ballots, PIECE)
        finally:
            self.close()

    def close(self) -> None:
        self.ballots.close()


def open_ballots_pb(round_: Round) -> BallotsPb:
    """Read the round's counted ballots now; the text comes from ``pieces()``."""
    from pb.results.services import CORE_KIND, instance_from_round

    instance = instance_from_round(round_)
    kind = CORE_KIND[round_.ballot_design]
    # closing(): on an error part-way, the cursor is closed now, not when collected.
    with closing(ballot_entries(round_.id, kind, set(instance.ids))) as entries:
        return BallotsPb(instance, SortedBallots(kind, normalised(kind, entries)))
