"""`flask --app pb backup` and `restore`: a populated database round-trips with every
table's row count and the audit head equal, also while ballots are being written."""

from __future__ import annotations

import json
import threading

import pytest
from sqlalchemy import func, select

from pb import audit, backup
from pb.database import writes
from pb.extensions import db
from pb.models import AuditEntry, Ballot, Proposal, Voter
from tests import factories


def _cast_direct(round_id: int, key: str) -> None:
    """One ballot and its audit entry in one transaction, as the cast path writes them."""
    voter = Voter(round_id=round_id, voter_key=key, channel="account")
    db.session.add(voter)
    db.session.flush()
    db.session.add(Ballot(round_id=round_id, voter_id=voter.id, channel="account",
                          receipt_hash=audit.GENESIS_HASH[:-len(key)] + key))
    audit.record("ballot.cast", object_type="Round", object_id=round_id,
                 after={"channel": "account"})
    db.session.commit()


@pytest.fixture
def populated(app, neighbourhood):
    round_ = neighbourhood.rounds["voting"]
    for title, pounds in (("Tytherington walking group", 4_500), ("Hurdsfield cafe", 9_000)):
        factories.make_proposal(round_, title, pounds * 100)
    db.session.commit()
    for n in range(25):
        _cast_direct(round_.id, f"{n:04d}")
    return round_


def _live_counts() -> dict[str, int]:
    return {t.name: db.session.scalar(select(func.count()).select_from(t))
            for t in db.metadata.sorted_tables}


def test_backup_then_restore_round_trips(app, runner, populated, tmp_path):
    target = tmp_path / "nightly.backup"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "nightly.backup.json").read_text())
    assert manifest["counts"] == _live_counts()
    assert manifest["counts"]["ballots"] == 25 and manifest["audit_ok"] is True
    assert manifest["audit_head"] == audit.verify_chain().head_hash

    # Life goes on after the backup: more ballots, a proposal removed.
    for n in range(25, 30):
        _cast_direct(populated.id, f"{n:04d}")
    db.session.delete(db.session.scalar(select(Proposal).limit(1)))
    db.session.commit()
    assert _live_counts() != manifest["counts"]

    result = runner.invoke(args=["restore", str(target), "--yes"])
    assert result.exit_code == 0, result.output
    db.session.remove()
    assert _live_counts() == manifest["counts"]
    check = audit.verify_chain()
    assert check.ok and check.head_hash == manifest["audit_head"]


def test_restore_needs_confirmation_and_an_intact_backup(app, runner, populated, tmp_path):
    target = tmp_path / "weekly.backup"
    assert runner.invoke(args=["backup", str(target)]).exit_code == 0
    refused = runner.invoke(args=["restore", str(target)])
    assert refused.exit_code != 0 and "--yes" in refused.output
    manifest_file = tmp_path / "weekly.backup.json"
    manifest = json.loads(manifest_file.read_text())
    manifest["counts"]["ballots"] += 1  # the file no longer matches what it claims
    manifest_file.write_text(json.dumps(manifest))
    refused = runner.invoke(args=["restore", str(target), "--yes"])
    assert refused.exit_code != 0
    assert "does not match" in refused.output and "ballots" in refused.output
    assert _live_counts()["ballots"] == 25  # nothing was touched


def test_backup_refuses_to_overwrite(app, runner, populated, tmp_path):
    target = tmp_path / "once.backup"
    assert runner.invoke(args=["backup", str(target)]).exit_code == 0
    again = runner.invoke(args=["backup", str(target)])
    assert again.exit_code != 0 and "already exists" in again.output


def test_a_backup_taken_during_writes_is_a_consistent_snapshot(app, populated, tmp_path):
    stop = threading.Event()
    written: list[int] = []
    round_id = populated.id  # ORM objects stay in the thread that loaded them

    @writes
    def keep_casting():
        with app.app_context():
            n = 1000
            while not stop.is_set():
                _cast_direct(round_id, f"{n:04d}")
                written.append(n)
                n += 1
            db.session.remove()

    writer = threading.Thread(target=keep_casting)
    writer.start()
    try:
        manifests = [backup.backup(tmp_path / f"during-{i}.backup") for i in range(3)]
    finally:
        stop.set()
        writer.join(timeout=30)
    assert written, "the writer never wrote"
    for manifest in manifests:
        # Within each snapshot, every ballot has its audit entry and the chain verifies.
        assert manifest.audit_ok
        assert manifest.counts["audit_entries"] - manifest.counts["ballots"] == \
            manifests[0].counts["audit_entries"] - manifests[0].counts["ballots"]
    assert manifests[-1].counts["ballots"] >= manifests[0].counts["ballots"]
    db.session.remove()
    final = db.session.scalar(select(func.count()).select_from(AuditEntry))
    assert final >= manifests[-1].audit_entries
