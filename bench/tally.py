"""The count against reading its ballots: ``flask --app pb tally``'s work, in process.

    .venv/bin/python bench/tally.py --database-url sqlite:////tmp/perfdb/city.sqlite

On the latest city round (``flask --app pb scale-demo``): times a plain SELECT of the
counted ballots' choices (the reference), building the core's Profile from rows
(pb/results/profile_rows.py), the whole ballots.pb text, the streamed download
(pb/results/ballots_stream.py) and the greedy rule; prints each as a multiple of the
SELECT, and peak memory (tracemalloc). Target: the profile under 2x the SELECT and under
150 MB; the download within 2x of the SELECT, in constant memory.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import tracemalloc

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def timed(function, repeat: int = 3) -> tuple[float, object]:
    best, value = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        value = function()
        best = min(best, time.perf_counter() - start)
    return best, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("PB_DATABASE_URL"))
    args = parser.parse_args()
    os.environ["PB_DATABASE_URL"] = args.database_url
    os.environ.setdefault("PB_SECRET_KEY", "bench-secret-key")
    from sqlalchemy import select, text

    from pb import create_app
    from pb.allocation import allocate
    from pb.extensions import db
    from pb.models import Round
    from pb.results import services

    app = create_app()
    with app.app_context():
        round_ = db.session.scalar(select(Round).where(Round.name.like("City-scale vote%"))
                                   .order_by(Round.id.desc()))
        raw = text("SELECT b.id, c.proposal_id, c.points, c.rank FROM ballots b "
                   "JOIN ballot_choices c ON c.ballot_id = b.id "
                   "WHERE b.round_id = :r AND b.status = 'counted' ORDER BY b.id")
        select_s, rows = timed(lambda: db.session.execute(raw, {"r": round_.id}).all())
        instance = services.instance_from_round(round_)
        profile_s, profile = timed(lambda: services.profile_from_ballots(round_, instance))
        choices = len(rows)
        del rows
        pb_s, _text = timed(lambda: services.ballots_pb(round_), 1)
        del _text
        stream_s, size = timed(lambda: _streamed(round_), 1)
        tracemalloc.start()
        services.ballots_pb(round_)  # the whole text at once, as the download was built
        text_peak = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
        tracemalloc.start()
        _streamed(round_)
        stream_peak = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
        rule_s, _outcome = timed(lambda: allocate(instance, profile, "greedy-approval",
                                                  constraints=services.constraints_for(round_)),
                                 1)
        tracemalloc.start()
        services.profile_from_ballots(round_, instance)
        peak = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
    print(f"{round_.name}: {choices:,} choices, {profile.num_voters:,} ballots, "
          f"{len(profile.ballots):,} distinct")
    print(f"{'step':34} {'seconds':>8} {'x SELECT':>9}")
    for label, seconds in (("plain SELECT of the choices", select_s),
                           ("profile from rows", profile_s),
                           ("ballots.pb text (profile + write)", pb_s),
                           ("ballots.pb streamed (download)", stream_s),
                           ("greedy-approval rule", rule_s)):
        print(f"{label:34} {seconds:8.2f} {seconds / select_s:9.2f}")
    print(f"profile peak memory (tracemalloc): {peak:.0f} MB")
    print(f"ballots.pb streamed: {size / 1e6:.1f} MB of text, peak memory (tracemalloc) "
          f"{stream_peak:.1f} MB (the whole text at once: {text_peak:.0f} MB)")


def _streamed(round_) -> int:
    """Read the download as a client would, piece by piece; its size in bytes."""
    from pb.results.ballots_stream import open_ballots_pb

    size = 0
    for piece in open_ballots_pb(round_).pieces():
        size += len(piece.encode())
    return size


if __name__ == "__main__":
    main()
