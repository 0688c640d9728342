"""G4: kill -9 of the app server under load loses no acknowledged ballot and leaves no
partial one.

Residents keep changing their ballots (each change supersedes the last and stores a new
ballot, its choices, its form key and its audit entry in one transaction). A ballot is
acknowledged when the server answers 303 to the receipt page; the load generator then
appends it to a file with flush and fsync. Once about ``ballots`` are acknowledged in a
cycle, at a random moment, the whole gunicorn process group gets SIGKILL, mid-request.
With the server down, the database is checked as found (``check_database``): every
acknowledged ballot is there with the choices sent, no ballot lacks its choices, audit
entry or form key, each resident has exactly one counted ballot, SQLite's integrity and
foreign-key checks pass, and the audit chain verifies. Then the server restarts and
the next cycle begins.

On PostgreSQL only the app server is killed: the database server is shared with other
work on the machine (see docs/security.md for what a database crash test would add).
"""

from __future__ import annotations

import random
import time

import pytest

from tests.stress.conftest import (
    Client,
    Gunicorn,
    Ledger,
    audit_verify_cli,
    check_database,
    run_load,
    size,
)

SIZE = size()


def _wait_for(ledger: Ledger, count: int, limit: float = 300) -> None:
    """Until ``count`` ballots are acknowledged in all (fails if the load stalls)."""
    last, since = len(ledger.acked_at), time.monotonic()
    while len(ledger.acked_at) < count:
        time.sleep(0.02)
        if len(ledger.acked_at) != last:
            last, since = len(ledger.acked_at), time.monotonic()
        assert time.monotonic() - since < limit, f"no ballot acknowledged for {limit} s"


@pytest.mark.slow
@pytest.mark.parametrize("prepared", [(SIZE["threads"], 0)], indirect=True, ids=["stress-db"])
def test_kill9_mid_load_loses_no_acknowledged_ballot(prepared):
    rng = random.Random(4)
    ledger = Ledger(prepared.tmp / "acknowledged.tsv", prepared.app)
    server = Gunicorn(prepared.url, prepared.tmp)
    failures, cycle_figures = [], []
    began = time.monotonic()
    try:
        server.start()
        clients = [Client(server.port).sign_in(email) for email in prepared.voters]
        for cycle in range(SIZE["cycles"]):
            if cycle:
                server.start()
                for client in clients:
                    client.port = server.port  # the same sessions, on the new server
            target = len(ledger.acked_at) + rng.randint(SIZE["ballots"] * 9 // 10,
                                                        SIZE["ballots"] * 11 // 10)
            stop, threads = run_load(clients, prepared, ledger, seed=cycle * 100)
            _wait_for(ledger, target)
            time.sleep(rng.uniform(0, 0.2))  # a random moment, requests in flight
            server.kill9()
            stop.set()
            for thread in threads:
                thread.join(timeout=60)
            check = check_database(prepared.url, ledger, prepared.round_id,
                                   must_hold=ledger.acknowledged())
            cycle_figures.append((len(ledger.acked_at), check.stored))
            if check.lost or check.partial or check.problems:
                failures.append((cycle, check.lost[:3], check.partial[:3], check.problems))
        verified = audit_verify_cli(prepared.url, prepared.tmp)
    finally:
        server.stop()
    acked = ledger.acknowledged()
    final = check_database(prepared.url, ledger, prepared.round_id, must_hold=acked)
    server_errors = {k: v for k, v in ledger.errors.items() if k.split()[-1].startswith("5")}
    print(f"\nkill -9 ({prepared.kind}, {SIZE['name']}): {SIZE['cycles']} cycles, "
          f"{len(prepared.voters)} residents on {SIZE['threads']} threads, "
          f"{time.monotonic() - began:.0f} s; acknowledged {len(acked):,}, "
          f"stored {final.stored:,} (unacknowledged but stored "
          f"{final.stored - len(acked) + len(final.lost)}), lost {len(final.lost)}, "
          f"partial {len(final.partial)}, other problems {len(final.problems)}; "
          f"audit chain {final.audit_entries:,} entries verifies: "
          f"{verified.stdout.strip()[:60]}; other answers {ledger.errors}")
    assert len(ledger.acked_at) == len(acked)  # the file holds every acknowledgement
    assert not failures, failures
    assert not final.lost and not final.partial and not final.problems
    assert verified.returncode == 0, verified.stderr
    assert not server_errors, ledger.errors
    assert server.starts == SIZE["cycles"]
