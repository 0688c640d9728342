"""ballots.pb streamed: byte for byte the Profile's text, in constant memory and a constant
number of statements whatever the number of ballots (issue 15)."""

from __future__ import annotations

import gc
import tracemalloc

import pytest
from sqlalchemy import select

from pb.extensions import db
from pb.models import Round
from pb.results import ballots_stream, profile_rows
from pb.results import services as results
from tests.factories import build_counted_round


@pytest.fixture
def small_runs(monkeypatch):
    """Runs of 40 distinct ballots, merged 4 at a time, rows fetched 100 at a time, text
    sent 2 KiB at a time: a few hundred ballots then go through every level of the
    external sort, and a few thousand are far more than any one buffer holds."""
    monkeypatch.setattr(ballots_stream, "RUN", 40)
    monkeypatch.setattr(ballots_stream, "FAN_IN", 4)
    monkeypatch.setattr(profile_rows, "BATCH", 100)
    monkeypatch.setattr(ballots_stream, "PIECE", 2048)


def _city_round(runner, voters: int, name: str) -> Round:
    result = runner.invoke(args=["scale-demo", "--voters", str(voters), "--projects", "12",
                                 "--seed", str(voters)])
    assert result.exit_code == 0, result.output
    round_ = db.session.scalars(select(Round).where(Round.name.like("City-scale%"))
                                .order_by(Round.id.desc())).first()
    round_.name = name  # the next scale-demo adds a round of its own
    db.session.commit()
    return round_


def _download(client, round_id: int) -> bytes:
    """The body, read piece by piece as a WSGI server would, and the peak memory."""
    db.session.remove()  # as in production: the request starts with an empty session
    response = client.get(f"/api/v1/rounds/{round_id}/ballots.pb", buffered=False)
    assert response.status_code == 200
    size = 0
    try:
        for piece in response.response:
            size += len(piece)
    finally:
        response.close()
    return size


def _peak_while_downloading(client, round_id: int) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        _download(client, round_id)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_streamed_ballots_pb_is_the_profile_text_byte_for_byte(client, runner, neighbourhood,
                                                                 small_runs):
    round_ = _city_round(runner, 700, "City-scale check")
    streamed = client.get(f"/api/v1/rounds/{round_.id}/ballots.pb").data
    expected = results.ballots_pb(round_).encode()
    print(f"ballots.pb: {len(expected):,} bytes, 700 voters, runs of 40: identical")
    assert streamed == expected


@pytest.mark.parametrize("design, rule, ballots", [
    ("scores", "greedy-points", [{0: 5, 1: 1}, {0: 4, 2: 5}, {1: 2, 2: 5}, {3: 5}] * 3),
    ("points", "mes-score", [{0: 6, 1: 4}, {1: 10}, {2: 5, 0: 5}, {3: 3, 2: 7}] * 3),
])
def test_streamed_points_ballots_are_byte_identical(client, neighbourhood, small_runs,
                                                    monkeypatch, design, rule, ballots):
    monkeypatch.setattr(ballots_stream, "RUN", 2)  # 4 distinct ballots: still 2 runs
    settings = {"ballot_points_total": 10} if design == "points" else {}
    counted = build_counted_round(neighbourhood, design=design, rule=rule, ballots=ballots,
                                  **settings)
    streamed = client.get(f"/api/v1/rounds/{counted.round.id}/ballots.pb").data
    assert streamed == results.ballots_pb(counted.round).encode()


def test_ballots_pb_memory_and_statements_do_not_grow_with_ballots(
        client, runner, neighbourhood, small_runs, statements):
    few = _city_round(runner, 500, "City-scale 500").id
    many = _city_round(runner, 2000, "City-scale 2000").id
    _download(client, few)  # warm: imports, compiled statements, template caches
    peaks, counts = {}, {}
    for voters, round_id in ((500, few), (2000, many)):
        peaks[voters] = _peak_while_downloading(client, round_id)
        with statements.counting():
            _download(client, round_id)
        counts[voters] = len(statements)
    print(f"ballots.pb: peak {peaks[500] / 1024:.0f} KiB for 500 ballots, "
          f"{peaks[2000] / 1024:.0f} KiB for 2,000; statements {counts[500]} and {counts[2000]}")
    assert counts[500] == counts[2000], statements
    # Holding every distinct ballot (as the Profile does) costs about 150 KiB more for
    # the 1,500 extra ballots; the stream holds at most RUN of them.
    assert peaks[2000] - peaks[500] < 48 * 1024, peaks


def test_an_unread_download_leaves_no_temporary_file(client, runner, neighbourhood,
                                                     small_runs, monkeypatch):
    opened = []
    real = ballots_stream.tempfile.TemporaryFile

    def tracked(*args, **kwargs):
        opened.append(real(*args, **kwargs))
        return opened[-1]

    monkeypatch.setattr(ballots_stream.tempfile, "TemporaryFile", tracked)
    round_ = _city_round(runner, 300, "City-scale unread")
    response = client.get(f"/api/v1/rounds/{round_.id}/ballots.pb", buffered=False)
    assert any(not f.closed for f in opened)  # the runs left after merging
    response.close()  # a client that went away before the body was sent
    assert all(f.closed for f in opened)


def test_runs_on_disk_give_back_each_ballot_exactly_as_it_went_in(monkeypatch):
    """Runs are plain JSON lines (never pickle): integers stay integers and fractions
    stay fractions, so the merged ballots equal the ones sorted in memory."""
    from collections import Counter
    from fractions import Fraction

    monkeypatch.setattr(ballots_stream, "RUN", 2)
    keys = [(("1", "2"), (3, Fraction(1, 3))), (("1",), None), (("2", "3"), (Fraction(5, 2), 7)),
            (("1", "2"), (3, Fraction(1, 3))), (("3",), (10,))] * 3
    spilled = ballots_stream.SortedBallots("points", iter(keys))
    try:
        assert spilled._runs  # it did go to disk
        got = [(b.projects, b.points, b.count) for b in spilled]
    finally:
        spilled.close()
    want = sorted(Counter(keys).items(), key=ballots_stream._order)
    assert [((p, pts), c) for p, pts, c in got] == want
    assert [type(x) for _, pts, _ in got if pts for x in pts] == \
        [type(x) for (_, pts), _ in want if pts for x in pts]
