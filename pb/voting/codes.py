"""Voting codes and receipt codes: generation, formatting and keyed hashes.

Voting codes are 16 characters from an alphabet without look-alikes (no 0/O, 1/I),
shown as four groups of four: 15 random characters (75 bits) and a check character
(Luhn mod 32) that catches any single mistyped character or swapped neighbours
before the database is asked. They are stored only as HMAC-SHA256 under the
``VOTING_CODE_KEY`` (or the app's ``SECRET_KEY``): codes are long and random, so a
fast keyed hash is right; a slow password hash would cap code entry at a few a second.

Receipt codes are 20 random characters (100 bits); only their SHA-256 is kept and
published, so the public list proves a ballot was counted without saying how.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from flask import current_app

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 16
RECEIPT_LENGTH = 20
_INDEX = {c: i for i, c in enumerate(ALPHABET)}


def _check_char(body: str) -> str:
    """Luhn mod N over the alphabet."""
    n = len(ALPHABET)
    factor = 2
    total = 0
    for char in reversed(body):
        addend = factor * _INDEX[char]
        factor = 1 if factor == 2 else 2
        total += addend // n + addend % n
    return ALPHABET[(n - total % n) % n]


def _from_bytes(data: bytes, length: int) -> str:
    number = int.from_bytes(data, "big")
    chars = []
    for _ in range(length):
        number, rem = divmod(number, len(ALPHABET))
        chars.append(ALPHABET[rem])
    return "".join(chars)


def new_voting_code(seed: bytes | None = None) -> str:
    """A fresh code (normalised, no dashes); ``seed`` makes it deterministic (demo only)."""
    body = _from_bytes(seed if seed is not None else secrets.token_bytes(16), CODE_LENGTH - 1)
    return body + _check_char(body)


def normalise_code(raw: str) -> str | None:
    """What a person typed -> the code without spaces or dashes; None if it cannot be one."""
    compact = re.sub(r"[\s\-]+", "", (raw or "").upper())
    if len(compact) != CODE_LENGTH or any(c not in _INDEX for c in compact):
        return None
    if _check_char(compact[:-1]) != compact[-1]:
        return None
    return compact


def display_code(code: str, group: int = 4) -> str:
    return "-".join(code[i:i + group] for i in range(0, len(code), group))


def code_key() -> bytes:
    config = current_app.config
    return str(config.get("VOTING_CODE_KEY") or config["SECRET_KEY"]).encode()


def code_hash(code: str) -> str:
    return hmac.new(code_key(), b"pb-voting-code:" + code.encode(), hashlib.sha256).hexdigest()


def new_receipt() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(RECEIPT_LENGTH))


def receipt_for(submission_key: str) -> str:
    """The receipt of the ballot a form with this key stored: the same every time the
    form is resent, so a double click still shows the voter their receipt."""
    digest = hmac.new(code_key(), b"pb-receipt-for:" + submission_key.encode(),
                      hashlib.sha256).digest()
    return _from_bytes(digest, RECEIPT_LENGTH)


def sheet_code(sheet_key: str, index: int) -> str:
    """The ``index``-th code of the batch made by a form with this key.

    A batch's codes derive from the server's key and the officer's form key, which
    only that officer's browser holds (in its session) while the sheet may be shown
    again; the database keeps the codes' fingerprints and the form key's hash, neither
    of which gives the codes back.
    """
    seed = hmac.new(code_key(), f"pb-code-sheet:{sheet_key}:{index}".encode(),
                    hashlib.sha256).digest()[:16]
    return new_voting_code(seed)


def normalise_receipt(raw: str) -> str:
    return re.sub(r"[\s\-]+", "", (raw or "").upper())


def receipt_hash(receipt: str) -> str:
    return hashlib.sha256(b"pb-receipt:" + normalise_receipt(receipt).encode()).hexdigest()


def order_key(voter_key: str, proposal_id: int) -> str:
    """A per-voter, stable, unpredictable sort key: ballot position favours no project."""
    return hmac.new(code_key(), f"pb-order:{voter_key}:{proposal_id}".encode(),
                    hashlib.sha256).hexdigest()
