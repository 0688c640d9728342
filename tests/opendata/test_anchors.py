"""Anchoring the audit chain, and the verifier catching what the chain alone cannot."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import delete, select, text, update

from pb import anchors, audit
from pb.extensions import db
from pb.models import AuditEntry
from pb.results import services as results
from tests.factories import cast_for, close_voting, make_ballot_round, make_voter


def _record(n: int) -> list[AuditEntry]:
    for i in range(n):
        audit.record("test.step", object_type="Round", object_id=i,
                     before={"budget_pence": 1000 * i}, after={"budget_pence": 1000 * (i + 1)})
        db.session.commit()
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def _tamper(*statements) -> None:
    """Change the log as someone with direct database access could (triggers off)."""
    postgres = db.session.get_bind().dialect.name == "postgresql"
    if postgres:
        db.session.execute(text("ALTER TABLE audit_entries DISABLE TRIGGER USER"))
    else:
        for name in ("audit_entries_no_update", "audit_entries_no_delete"):
            db.session.execute(text(f"DROP TRIGGER IF EXISTS {name}"))
    for statement in statements:
        db.session.execute(statement)
    if postgres:
        db.session.execute(text("ALTER TABLE audit_entries ENABLE TRIGGER USER"))
    db.session.commit()
    db.session.expire_all()


def _recompute_from(first_id: int) -> None:
    """Re-hash every entry from ``first_id`` on with the app's own function, as a forger
    who knows the code would after changing one."""
    entries = list(db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
    prev = entries[first_id - 2].entry_hash if first_id > 1 else "0" * 64
    new_hashes = {}
    for entry in entries[first_id - 1:]:
        entry.prev_hash = prev
        prev = entry.compute_hash()
        new_hashes[entry.id] = (entry.prev_hash, prev)
    db.session.expunge_all()
    _tamper(*[update(AuditEntry).where(AuditEntry.id == i).values(
        prev_hash=p, entry_hash="x" * 20 + str(i)) for i, (p, _h) in new_hashes.items()],
        *[update(AuditEntry).where(AuditEntry.id == i).values(entry_hash=h)
          for i, (_p, h) in new_hashes.items()])


def _anchor_lines(app) -> list[dict]:
    path = Path(app.instance_path) / anchors.ANCHORS_FILE
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


# Certification publishes the head ----------------------------------------------------------

def _certified_round(neighbourhood):
    round_, projects = make_ballot_round(neighbourhood, name="Macclesfield Health Decision Day 2025",
                                         budget_pence=20_000_00,
                                         max_project_cost_pence=10_000_00)
    for n, picks in enumerate([[0, 1], [0], [1, 2]]):
        cast_for(round_, make_voter(n), {projects[i].id: 1 for i in picks})
    close_voting(round_)
    results.tally(round_, neighbourhood.users["officer"])
    return round_


def test_a_certified_result_publishes_the_head_everywhere(app, client, neighbourhood, outbox):
    app.config["AUDIT_ANCHOR_EMAIL"] = "scrutiny-anchors@cheshireeast.example.gov.uk"
    round_ = _certified_round(neighbourhood)
    assert _anchor_lines(app) == []
    result = results.certify(round_, neighbourhood.users["officer2"])
    entry = db.session.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1))
    assert entry.action == "result.certified"
    head = audit.verify_chain().head_hash
    assert entry.entry_hash == head

    lines = _anchor_lines(app)
    assert [(a["kind"], a["entry_id"], a["head_hash"]) for a in lines] == [
        ("certified", entry.id, head)]
    assert lines[0]["object_id"] == str(result.id)
    mail = [m for m in outbox if m["To"] == "scrutiny-anchors@cheshireeast.example.gov.uk"]
    assert len(mail) == 1 and head in mail[0].get_content()

    data = client.get(f"/api/v1/rounds/{round_.id}/results").get_json()
    assert data["audit_anchor"]["head_hash"] == head
    assert data["audit_anchor"]["entry_id"] == entry.id
    page = client.get(f"/rounds/{round_.id}/results").get_data(as_text=True)
    assert head in page and "Audit log at certification" in page

    # Later entries do not change the published head; the verifier proves it is still there.
    _record(2)
    assert client.get(f"/api/v1/rounds/{round_.id}/results").get_json()[
        "audit_anchor"]["head_hash"] == head
    proof = anchors.verify_expected(head)
    assert proof.ok and f"at entry {entry.id}" in proof.message


def test_a_refused_certification_publishes_nothing(app, neighbourhood):
    round_ = _certified_round(neighbourhood)
    try:
        results.certify(round_, neighbourhood.users["officer"])  # counted it: refused
    except Exception:  # noqa: BLE001
        db.session.rollback()
    assert _anchor_lines(app) == []


def test_the_daily_digest_verifies_and_anchors(app, runner, neighbourhood):
    entries = _record(3)
    done = runner.invoke(args=["audit-anchor"])
    assert done.exit_code == 0, done.output
    head = entries[-1].entry_hash
    assert f"Anchored entry {entries[-1].id}, head {head}" in done.output
    assert _anchor_lines(app)[-1]["kind"] == "daily"
    assert anchors.last_verification()["ok"] is True
    _tamper(update(AuditEntry).where(AuditEntry.id == 2).values(action="x"))
    broken = runner.invoke(args=["audit-anchor"])
    assert broken.exit_code == 1 and "BROKEN at entry 2" in broken.output
    assert len(_anchor_lines(app)) == 1  # nothing published from a broken chain
    assert anchors.last_verification()["ok"] is False


# The verifier ---------------------------------------------------------------------------

def test_the_verifier_catches_an_edited_row(app, runner, neighbourhood):
    entries = _record(6)
    _tamper(update(AuditEntry).where(AuditEntry.id == 3).values(after_json='{"x":1}'))
    plain = runner.invoke(args=["audit-verify"])
    assert plain.exit_code == 1 and "BROKEN at entry 3" in plain.output
    expect = runner.invoke(args=["audit-verify", "--expect", entries[-1].entry_hash])
    assert expect.exit_code == 1 and "entry 3" in expect.output


def test_the_verifier_catches_a_deleted_middle_row(app, runner, neighbourhood):
    entries = _record(6)
    _tamper(delete(AuditEntry).where(AuditEntry.id == 3))
    result = runner.invoke(args=["audit-verify", "--expect", entries[-1].entry_hash])
    assert result.exit_code == 1
    assert "entry 4: entry 3 is missing" in result.output


def test_the_verifier_catches_deleted_last_rows_with_expect(app, runner, neighbourhood):
    entries = _record(6)
    assert runner.invoke(args=["audit-anchor"]).exit_code == 0  # head: entry 6
    published = entries[-1].entry_hash
    _tamper(delete(AuditEntry).where(AuditEntry.id.in_([5, 6])))
    # Without the published head the shorter chain looks whole...
    assert runner.invoke(args=["audit-verify"]).exit_code == 0
    # ...with it, the cut is found and named.
    result = runner.invoke(args=["audit-verify", "--expect", published])
    assert result.exit_code == 1
    assert "entries 5 to 6 (at least) have been deleted" in result.output


def test_deleted_last_rows_are_caught_without_the_anchors_file(app, runner, neighbourhood):
    entries = _record(4)
    _tamper(delete(AuditEntry).where(AuditEntry.id == 4))
    result = runner.invoke(args=["audit-verify", "--expect", entries[-1].entry_hash])
    assert result.exit_code == 1 and "does not contain" in result.output


def test_the_verifier_catches_a_recomputed_chain_with_expect(app, runner, neighbourhood):
    _record(2)
    assert runner.invoke(args=["audit-anchor"]).exit_code == 0  # anchor at entry 2
    entries = _record(4)
    assert runner.invoke(args=["audit-anchor"]).exit_code == 0  # anchor at entry 6
    published = entries[-1].entry_hash
    _tamper(update(AuditEntry).where(AuditEntry.id == 4).values(
        after_json='{"budget_pence":999999}'))
    _recompute_from(4)
    # The recomputed chain links up, so the plain check passes...
    assert runner.invoke(args=["audit-verify"]).exit_code == 0
    # ...but it no longer holds the published head: the change lies after the last
    # anchor that still matches (entry 2), at entry 3 or later.
    result = runner.invoke(args=["audit-verify", "--expect", published])
    assert result.exit_code == 1
    assert "changed and recomputed" in result.output
    assert "between entry 3" in result.output and "and entry 6" in result.output
    proof = anchors.verify_expected(published)
    assert proof.first_bad_id == 3


def test_an_intact_chain_passes_with_expect(app, runner, neighbourhood):
    entries = _record(3)
    result = runner.invoke(args=["audit-verify", "--expect", entries[1].entry_hash.upper()])
    assert result.exit_code == 0
    assert "contains" in result.output and "at entry 2" in result.output
