"""Idempotency keys: a refresh, a double click or a resent form never does its work twice.

Forms that create something carry ``submission``, a random key made when the page is
shown (``new_key``). The use case asks ``previous`` whether that key already did its
work, and if not does the work and ``record``s the key in the same transaction; a
request racing with the same key fails at commit on the key's primary key, rolls
back, and finds the winner's work through ``previous``. See pb.models.submission.
"""

from __future__ import annotations

import hashlib
import re
import secrets

from pb.errors import Conflict
from pb.extensions import db
from pb.models.submission import Submission

KEY_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def new_key() -> str:
    return secrets.token_urlsafe(24)


def is_key(value: str | None) -> bool:
    return bool(value) and bool(KEY_RE.match(value))


def key_hash(key: str) -> str:
    return hashlib.sha256(b"pb-submission:" + key.encode()).hexdigest()


def previous(key: str | None, action: str, actor) -> int | None:
    """The id of what a request with ``key`` already made for ``action``, else None.

    A key used by someone else, or for another action, is a ``Conflict``: forms never
    share keys, so it was copied or forged.
    """
    if not is_key(key):
        return None
    row = db.session.get(Submission, key_hash(key))
    if row is None:
        return None
    if row.action != action or row.user_id != getattr(actor, "id", None):
        raise Conflict("This form was already used. Reload the page and try again.")
    return row.object_id


def record(key: str | None, action: str, object_id: int | None, actor) -> None:
    """Keep ``key`` with what it made, in the caller's transaction (the caller commits)."""
    if is_key(key):
        db.session.add(Submission(key_hash=key_hash(key), action=action, object_id=object_id,
                                  user_id=getattr(actor, "id", None)))


def after_race(key: str | None, action: str, actor, message: str) -> int:
    """After an IntegrityError in a keyed use case: the id of what a request racing with
    the same key made, or a ``Conflict`` (another request changed the same thing).

    Rolls back first, so the caller can simply ``return load(after_race(...))``.
    """
    db.session.rollback()
    done = previous(key, action, actor)
    if done is None:
        raise Conflict(message)
    return done
