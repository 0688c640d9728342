"""City-scale pages under gunicorn, against a trivial endpoint measured in the same run.

    .venv/bin/python bench/pages.py --database-url sqlite:////tmp/perfdb/city.sqlite

Needs a database with the demo (``flask --app pb demo``, for officer@) and a city round
(``flask --app pb scale-demo``). Serves pb with gunicorn (4 workers) on 127.0.0.1, loads
each page with 8 clients for a few seconds, and prints each median latency as a multiple
of ``/healthz``'s (one SELECT 1) and of the static stylesheet's. Target: within 5x.
"""

from __future__ import annotations

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.loadgen import cookie_header, load, serve, sign_in  # noqa: E402

OFFICER = ("officer@demo.pb.localhost", "demo-officer-silk-2026")


def city_round(database_url: str, round_id: int | None = None) -> tuple[int, int, int, str]:
    """The city round's id (the latest, unless given), a ward and a theme of its proposals
    (for the filters), and the fingerprint before its receipts' page 300."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    with engine.connect() as conn:
        round_id = round_id or conn.execute(text("SELECT max(id) FROM rounds WHERE name "
                                                 "LIKE 'City-scale vote%'")).scalar()
        ward_id = conn.execute(text(
            "SELECT min(pw.ward_id) FROM proposal_wards pw JOIN proposals p "
            "ON p.id = pw.proposal_id WHERE p.round_id = :r"), {"r": round_id}).scalar()
        theme_id = conn.execute(text(
            "SELECT min(pt.theme_id) FROM proposal_themes pt JOIN proposals p "
            "ON p.id = pt.proposal_id WHERE p.round_id = :r"), {"r": round_id}).scalar()
        # Where page 300 of the receipts starts (200 a page): the pages are found by the
        # fingerprint before them, not by their number.
        page_300 = conn.execute(text(
            "SELECT receipt_hash FROM ballots WHERE round_id = :r AND status = 'counted' "
            "ORDER BY receipt_hash LIMIT 1 OFFSET 59799"), {"r": round_id}).scalar()
    engine.dispose()
    if round_id is None:
        raise SystemExit("No city round: run flask --app pb scale-demo first.")
    return round_id, ward_id, theme_id, page_300


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("PB_DATABASE_URL"))
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--round-id", type=int, default=None,
                        help="The city round (default: the latest 'City-scale vote').")
    args = parser.parse_args()
    round_id, ward_id, theme_id, page_300 = city_round(args.database_url, args.round_id)
    filtered = f"/rounds/{round_id}/proposals?ward={ward_id}&theme={theme_id}"
    # All load comes from one address, which the open-data limit (600 a minute) would
    # refuse after a second or two: the benchmark measures what pages cost, not the limit.
    with serve(args.database_url, extra_env={"PB_RATELIMIT_ENABLED": "false"}) as port:
        officer = {"Cookie": cookie_header(sign_in(port, *OFFICER))}
        pages = [
            ("static stylesheet", "/static/pb.css", None),
            ("trivial endpoint /healthz", "/healthz", None),
            ("round page", f"/rounds/{round_id}", None),
            ("proposal list (API)", f"/api/v1/rounds/{round_id}/proposals", None),
            ("proposal list page", f"/rounds/{round_id}/proposals", None),
            ("proposal list, ward and theme", filtered, None),
            ("the same, htmx fragment", filtered, {"HX-Request": "true"}),
            ("receipts page", f"/rounds/{round_id}/receipts", None),
            ("receipts page 300", f"/rounds/{round_id}/receipts?after={page_300}", None),
            ("turnout page (officer)", f"/rounds/{round_id}/turnout", officer),
            ("results API", f"/api/v1/rounds/{round_id}/results", None),
            ("scrutiny dashboard (public)", "/scrutiny/", None),
        ]
        rows = []
        for label, path, headers in pages:
            load(port, path, 2, 1.0, headers, ok=(200, 404))  # warm up
            rows.append((label, load(port, path, args.clients, args.seconds, headers,
                                     ok=(200, 404))))
    trivial = rows[1][1].p50
    print(f"{'page':30} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'x trivial':>10}")
    for label, result in rows:
        print(f"{label:30} {result.rate:8.1f} {result.p50:8.1f} {result.percentile(99):8.1f} "
              f"{result.errors:7d} {result.p50 / trivial:10.1f}")


if __name__ == "__main__":
    main()
