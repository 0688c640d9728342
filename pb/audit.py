"""Recording and verifying the audit log.

Services call ``record`` inside the transaction that makes the change, so an
entry exists exactly when the change does. Each entry's hash covers the previous
entry's hash, so editing, deleting or reordering any entry breaks the chain from
that point on; ``verify_chain`` finds the first broken entry.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import select, text

from pb.extensions import db
from pb.models.audit import GENESIS_HASH, AuditEntry
from pb.models.base import utcnow

# Any constant works: it only has to be the same for every writer of the chain.
POSTGRES_CHAIN_LOCK = 7_431_902


def record(action: str, obj=None, *, object_type: str | None = None,
           object_id=None, before: dict | None = None, after: dict | None = None,
           actor=None) -> AuditEntry:
    """Append an entry to the chain in the current transaction (the caller commits)."""
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user
    _lock_chain()
    head = db.session.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1))
    entry = AuditEntry(
        id=(head.id + 1) if head else 1,
        created_at=utcnow(),
        actor_id=getattr(actor, "id", None),
        actor_label=getattr(actor, "email", None) or "system",
        action=action,
        object_type=object_type or (type(obj).__name__ if obj is not None else "system"),
        object_id=_object_id(obj, object_id),
        before_json=_dump(before),
        after_json=_dump(after),
        ip_address=request.remote_addr if has_request_context() else None,
        prev_hash=head.entry_hash if head else GENESIS_HASH,
    )
    entry.entry_hash = entry.compute_hash()
    db.session.add(entry)
    db.session.flush()
    from pb.anchors import note_anchored  # here: pb.anchors imports this module

    note_anchored(db.session(), entry)
    return entry


def _lock_chain() -> None:
    # Two concurrent writers must not both extend the same head. SQLite write
    # transactions are already serialised (BEGIN IMMEDIATE); PostgreSQL needs a lock.
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                           {"key": POSTGRES_CHAIN_LOCK})


def _object_id(obj, object_id) -> str | None:
    if object_id is not None:
        return str(object_id)
    if obj is not None and getattr(obj, "id", None) is not None:
        return str(obj.id)
    return None


def _dump(values: dict | None) -> str | None:
    if values is None:
        return None
    return json.dumps(values, sort_keys=True, default=_jsonable, separators=(",", ":"))


def _jsonable(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    return str(value)


@dataclass(frozen=True)
class ChainCheck:
    ok: bool
    entries: int
    head_hash: str
    first_bad_id: int | None = None
    problem: str | None = None


def verify_chain(session=None, progress: Callable[[int], None] | None = None) -> ChainCheck:
    """Recompute the chain (of the app's database, or of ``session``'s, e.g. a backup);
    ``progress(n)`` is told of every ``n`` entries checked (the command line's bar)."""
    session = session or db.session
    expected_prev = GENESIS_HASH
    expected_id = 1
    count = 0
    query = select(AuditEntry).order_by(AuditEntry.id).execution_options(yield_per=2000)
    # Streamed in batches (a city round's log does not fit in memory); closed on every
    # way out, because PostgreSQL streams through a server-side cursor.
    with session.scalars(query) as entries:
        for entry in entries:
            count += 1
            problem = None
            if entry.id != expected_id:
                problem = f"entry {expected_id} is missing"
            elif entry.prev_hash != expected_prev:
                problem = "it does not follow the entry before it"
            elif entry.compute_hash() != entry.entry_hash:
                problem = "its contents do not match its hash"
            if problem:
                return ChainCheck(False, count, expected_prev, entry.id, problem)
            expected_prev = entry.entry_hash
            expected_id += 1
            if progress is not None and count % 2000 == 0:
                progress(2000)
    if progress is not None:
        progress(count % 2000)
    return ChainCheck(True, count, expected_prev)
