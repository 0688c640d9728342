"""G18 (issue 14, item 9): a backup taken while ballots are being cast restores whole.

Residents keep voting against gunicorn -w 4. Once ``before_backup`` ballots are
acknowledged (each appended to a file with fsync), ``flask --app pb backup`` runs as an
operator would run it, while the voting goes on. The backup is then restored with
``flask --app pb restore`` into a new, empty database and checked: every ballot
acknowledged before the backup started is in it with its choices, no ballot is partial,
each resident has one counted ballot, the row counts and audit head equal the backup's
manifest, SQLite's integrity check passes and the audit chain verifies. The live
database, which went on taking ballots, passes the same checks for every ballot
acknowledged at all.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.databases import database_url, new_postgres_database
from tests.stress.conftest import (
    ROOT,
    Client,
    Ledger,
    check_database,
    run_load,
    server_env,
    size,
)

SIZE = size()


def _flask(url: str, tmp: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(Path(sys.executable).parent / "flask"), "--app", "pb", *args],
                          cwd=ROOT, env=server_env(url, tmp / "instance"), capture_output=True,
                          text=True, timeout=600)


@pytest.mark.slow
@pytest.mark.parametrize("prepared", [(SIZE["threads"], 0)], indirect=True, ids=["stress-db"])
def test_backup_taken_during_load_restores_every_acknowledged_ballot(prepared, gunicorn):
    ledger = Ledger(prepared.tmp / "acknowledged.tsv", prepared.app)
    residents = [Client(gunicorn.port).sign_in(email) for email in prepared.voters]
    target = prepared.tmp / "during-voting.backup"
    stop, threads = run_load(residents, prepared, ledger)
    try:
        while len(ledger.acked_at) < SIZE["before_backup"]:
            time.sleep(0.02)
        before = ledger.acknowledged()  # from the file, before the backup starts
        started = time.monotonic()
        made = _flask(prepared.url, prepared.tmp, "backup", str(target))
        took = time.monotonic() - started
        during = sum(1 for at, _digest in ledger.acked_at if started <= at <= started + took)
        settled = len(ledger.acked_at)
        while len(ledger.acked_at) < settled + 20:  # voting goes on after the backup
            time.sleep(0.02)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        gunicorn.stop()
    assert made.returncode == 0, made.stderr[-2000:]
    manifest = json.loads(Path(f"{target}.json").read_text())

    if database_url() is None:
        restored_url, drop = f"sqlite:///{prepared.tmp / 'restored.sqlite'}", None
    else:
        restored_url, drop = new_postgres_database(database_url(), "pb_restored", schema=False)
    try:
        started = time.monotonic()
        restored = _flask(restored_url, prepared.tmp, "restore", str(target), "--yes")
        restore_took = time.monotonic() - started
        assert restored.returncode == 0, restored.stderr[-2000:]
        check = check_database(restored_url, ledger, prepared.round_id, must_hold=before)
    finally:
        if drop:
            drop()
    live = check_database(prepared.url, ledger, prepared.round_id,
                          must_hold=ledger.acknowledged())
    print(f"\nbackup during load ({prepared.kind}, {SIZE['name']}): {len(before)} ballots "
          f"acknowledged before the backup started, {during} while it ran ({took:.1f} s), "
          f"{len(ledger.acked_at)} in all; backup holds {manifest['counts']['ballots']} "
          f"ballots, restored in {restore_took:.1f} s: lost {len(check.lost)}, "
          f"partial {len(check.partial)}, problems {len(check.problems)}, audit head "
          f"{check.audit_head[:12]} ({check.audit_entries} entries) equal to the manifest's: "
          f"{check.audit_head == manifest['audit_head']}; live database: lost "
          f"{len(live.lost)}, partial {len(live.partial)}, problems {len(live.problems)}")
    assert not check.lost and not check.partial and not check.problems, check
    assert check.stored == manifest["counts"]["ballots"] >= len(before)
    assert check.audit_head == manifest["audit_head"] and manifest["audit_ok"]
    assert check.audit_entries == manifest["audit_entries"]
    assert not live.lost and not live.partial and not live.problems, live
    assert live.stored > check.stored  # the live database went on taking ballots
    assert not ledger.errors, ledger.errors
