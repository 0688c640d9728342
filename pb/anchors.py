"""Anchoring the audit chain: publishing its head hash where the database cannot reach.

The chain (``pb.audit``) shows an edited or removed entry in the middle, but not the
last entries deleted, nor a chain recomputed with the app's own hash function. So the
head hash is published at moments that matter, outside the audit table:

- each certified result: the ``result.certified`` entry is the head when the result is
  published, so its hash is shown on the results page and in the results JSON
  (``certified_anchor``), and appended to the anchors file once the certification commits;
- a daily digest (``flask --app pb audit-anchor``, run from cron) verifies the chain and
  appends the head.

The anchors file (``instance/audit-anchors.jsonl``, one JSON object a line) is only ever
appended to; each anchor is also emailed to ``AUDIT_ANCHOR_EMAIL`` when it is set.
``verify_expected`` proves the chain still holds a published head, and otherwise names
where it broke.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from flask import current_app, has_app_context
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from pb.audit import ChainCheck, verify_chain
from pb.extensions import db
from pb.mail import send_mail
from pb.models.audit import AuditEntry
from pb.models.base import utcnow

ANCHORS_FILE = "audit-anchors.jsonl"
VERIFIED_FILE = "audit-last-verified.json"
# Actions whose entry is published as an anchor once its transaction commits.
ANCHORED_ACTIONS = {"result.certified": "certified"}
PENDING_KEY = "pb_pending_anchors"


def anchors_path() -> Path:
    return Path(current_app.instance_path) / ANCHORS_FILE


def publish(anchor: dict) -> dict:
    """Append ``anchor`` to the anchors file (never rewritten) and email it if configured."""
    path = anchors_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(anchor, sort_keys=True) + "\n"
    # O_APPEND: each line lands whole at the end, whichever process writes it.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        os.write(fd, line.encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    address = current_app.config.get("AUDIT_ANCHOR_EMAIL")
    if address:
        try:
            send_mail(address, f"pb audit anchor: entry {anchor['entry_id']}",
                      "The audit log's head at this moment (keep this email):\n\n"
                      + json.dumps(anchor, indent=2, sort_keys=True))
        except Exception:  # noqa: BLE001 - the file has it; a mail failure is logged only
            current_app.logger.exception("Could not email the audit anchor")
    return anchor


def anchor_for(entry: AuditEntry, kind: str, **extra) -> dict:
    return {"kind": kind, "entry_id": entry.id, "head_hash": entry.entry_hash,
            "at": utcnow().isoformat(timespec="seconds") + "Z", **extra}


def note_anchored(session: Session, entry: AuditEntry) -> None:
    """Remember an anchored action's entry; it is published only if its transaction commits."""
    kind = ANCHORED_ACTIONS.get(entry.action)
    if kind:
        session.info.setdefault(PENDING_KEY, []).append(
            anchor_for(entry, kind, action=entry.action, object_type=entry.object_type,
                       object_id=entry.object_id))


@event.listens_for(Session, "after_commit")
def _publish_pending(session: Session) -> None:
    pending = session.info.pop(PENDING_KEY, None)
    if not pending or not has_app_context():
        return
    for anchor in pending:
        try:
            publish(anchor)
        except OSError:  # the change stands; the daily digest anchors it later
            current_app.logger.exception("Could not write the audit anchor")


@event.listens_for(Session, "after_rollback")
def _forget_pending(session: Session) -> None:
    session.info.pop(PENDING_KEY, None)


def read_anchors() -> list[dict]:
    """Every anchor in the file, oldest first (lines that do not parse are skipped)."""
    path = anchors_path()
    if not path.exists():
        return []
    anchors = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            try:
                anchor = json.loads(line)
            except ValueError:
                continue
            if isinstance(anchor, dict) and "head_hash" in anchor:
                anchors.append(anchor)
    return anchors


def certified_anchor(result_id: int) -> dict | None:
    """The chain's head when the result was certified: its ``result.certified`` entry."""
    entry = db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "result.certified", AuditEntry.object_type == "RoundResult",
        AuditEntry.object_id == str(result_id)).order_by(AuditEntry.id).limit(1))
    if entry is None:
        return None
    return {"entry_id": entry.id, "head_hash": entry.entry_hash,
            "at": entry.created_at.isoformat(timespec="seconds") + "Z"}


# Verifying ------------------------------------------------------------------------------

def record_verification(check: ChainCheck) -> None:
    """Keep when the chain was last verified, and how it went, for the audit page."""
    path = Path(current_app.instance_path) / VERIFIED_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps({
        "at": utcnow().isoformat(timespec="seconds") + "Z", "ok": check.ok,
        "entries": check.entries, "head_hash": check.head_hash,
        "first_bad_id": check.first_bad_id}))
    temporary.replace(path)


def last_verification() -> dict | None:
    path = Path(current_app.instance_path) / VERIFIED_FILE
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def daily_digest() -> tuple[ChainCheck, dict | None]:
    """Verify the chain and, if it is whole, publish its head (for cron, once a day)."""
    check = verify_chain()
    record_verification(check)
    if not check.ok or check.entries == 0:
        return check, None
    head = db.session.get(AuditEntry, check.entries)
    return check, publish(anchor_for(head, "daily", entries=check.entries))


@dataclass(frozen=True)
class ExpectCheck:
    ok: bool
    message: str
    first_bad_id: int | None = None


def verify_expected(expected: str) -> ExpectCheck:
    """Prove that the chain is whole and still contains the published head ``expected``."""
    expected = expected.strip().lower()
    check = verify_chain()
    record_verification(check)
    if not check.ok:
        return ExpectCheck(False, f"entry {check.first_bad_id}: {check.problem}",
                           check.first_bad_id)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.entry_hash == expected))
    if entry is not None:
        return ExpectCheck(True, f"the chain of {check.entries} entries is whole and "
                                 f"contains {expected} at entry {entry.id}")
    return ExpectCheck(False, *_locate_break(expected, check))


def _locate_break(expected: str, check: ChainCheck) -> tuple[str, int | None]:
    """The chain links up but lacks ``expected``: use the anchors to say where it broke."""
    anchors = read_anchors()
    published = next((a for a in anchors if a["head_hash"] == expected), None)
    if published is None:
        return (f"the chain of {check.entries} entries does not contain {expected}, and no "
                "anchor in the anchors file names it: entries were deleted from the end or "
                "the chain was changed and recomputed", None)
    entry_id = int(published["entry_id"])
    if entry_id > check.entries:
        return (f"entries {check.entries + 1} to {entry_id} (at least) have been deleted: "
                f"{expected} was published as the head at entry {entry_id} on "
                f"{published['at']}, but the chain now ends at entry {check.entries}",
                check.entries + 1)
    hashes = dict(db.session.execute(select(AuditEntry.id, AuditEntry.entry_hash).where(
        AuditEntry.id.in_({int(a["entry_id"]) for a in anchors}))).all())
    first_bad = 1
    for anchor in anchors:
        anchored_id = int(anchor["entry_id"])
        if anchored_id < entry_id and hashes.get(anchored_id) == anchor["head_hash"]:
            first_bad = max(first_bad, anchored_id + 1)
    return (f"the chain was changed and recomputed: entry {entry_id} no longer has the "
            f"published hash {expected}. The first changed entry is between entry "
            f"{first_bad} (the first after the last anchor that still matches) and entry "
            f"{entry_id}", first_bad)
