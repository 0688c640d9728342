"""Voter keys: how a voter slot is found again without the database saying whose it is.

A voter slot (``pb.models.voting.Voter``) is found by its *voter key*, and a signed-in
person's slot also by its *account key*. Both are keyed hashes (HMAC-SHA256 under the
voter-key secret) of what the voter is, salted with the round::

    voter_key(round, "user", 42)  -> "v1:" + 37 hex digits
    voter_key(round, "code", 917) -> "v1:" + 37 hex digits

so a copy of the database (a backup, a leaked dump) cannot join an account or a voting
code to a ballot, nor the same person's ballots in two rounds: that takes the secret.
The server holds it, and uses it for one thing: to find the slot of a person who
changes their ballot (or who was told their ballot was replaced), so that one counted
ballot per person still holds. No page, export or API turns a key back into a person.

For the one case where the server must go from a slot to its account (emailing an
account holder whose ballot stopped counting, see ``pb.voting.casting``), the slot
keeps ``account_ref``: the account id masked with a pad derived from the secret and
the slot's own voter key (so no two slots share a pad). Without the secret it is
noise.

The secret is ``VOTER_KEY_SECRET`` (``PB_VOTER_KEY_SECRET``), else derived from
``SECRET_KEY`` with a label of its own. Changing it makes every existing slot
unfindable: a person who voted before the change would get a second slot (the
fingerprint index still lets only their latest ballot count, when they gave a
postcode and date of birth). So change it only between rounds. Migration
0015_voter_keys made the keys from the plain ids, and can be undone with the same secret.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app

PREFIX = "v1:"
KEY_LENGTH = 40  # the column's width: the prefix and 37 hex digits (148 bits)
_REF_BITS = 64


def secret(config=None) -> bytes:
    """The voter-key secret: its own setting, else one derived from SECRET_KEY."""
    config = current_app.config if config is None else config
    own = config.get("VOTER_KEY_SECRET")
    if own:
        return str(own).encode()
    base = str(config["SECRET_KEY"]).encode()
    # A distinct label, so that this key is never the one codes or receipts use.
    return hmac.new(base, b"pb-voter-key-secret", hashlib.sha256).digest()


def voter_key(round_id: int, kind: str, ident: int, key: bytes | None = None) -> str:
    """The keyed voter key of an account (``kind`` "user") or a code ("code") in a round."""
    digest = hmac.new(key or secret(), f"pb-voter:{round_id}:{kind}:{ident}".encode(),
                      hashlib.sha256).hexdigest()
    return PREFIX + digest[:KEY_LENGTH - len(PREFIX)]


def account_key(round_id: int, user_id: int, key: bytes | None = None) -> str:
    """The account's key in a round: one slot per account is unique on it."""
    return voter_key(round_id, "user", user_id, key)


def code_key(round_id: int, code_id: int, key: bytes | None = None) -> str:
    return voter_key(round_id, "code", code_id, key)


def _pad(round_id: int, slot_key: str, key: bytes | None) -> int:
    digest = hmac.new(key or secret(), f"pb-voter-ref:{round_id}:{slot_key}".encode(),
                      hashlib.sha256).digest()
    return int.from_bytes(digest[:_REF_BITS // 8], "big")


def account_ref(round_id: int, slot_key: str, user_id: int, key: bytes | None = None) -> str:
    """The account id masked for the slot with voter key ``slot_key`` (16 hex digits)."""
    return format(user_id ^ _pad(round_id, slot_key, key), "016x")


def account_of(round_id: int, slot_key: str, ref: str | None,
               key: bytes | None = None) -> int | None:
    """The account id ``account_ref`` masked, or None (no account, or not a ref)."""
    try:
        masked = int(ref, 16) if ref else None
    except ValueError:
        return None
    return None if masked is None else masked ^ _pad(round_id, slot_key, key)
