"""A certified round's ballots.pb, written once and served as a file.

A certified result never changes, and neither do its ballots: the file is written the
first time anyone asks for it, named by the SHA-256 of its text (the result's
``inputs_hash``, which certification checked against the ballots), under
``<instance>/ballots/``. The download then costs a file read, and the hash is its ETag,
so a client that has it already gets a 304.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from flask import current_app


def folder() -> Path:
    path = Path(current_app.config.get("BALLOT_FILES_PATH")
                or Path(current_app.instance_path) / "ballots")
    path.mkdir(parents=True, exist_ok=True)
    return path


def certified_file(round_id: int, inputs_hash: str, make_pieces) -> Path:
    """The file of a certified round's ballots, written from ``make_pieces()`` (the text
    in pieces, so it is never all in memory) if missing.

    The text must hash to ``inputs_hash`` (the certified inputs); if it does not, the
    ballots changed after certification, and nothing is kept (ValueError).
    """
    path = folder() / f"round-{round_id}-{inputs_hash}.pb"
    if path.exists():
        return path
    partial = path.with_suffix(f".{os.getpid()}.tmp")
    digest = hashlib.sha256()
    try:
        with partial.open("wb") as out:
            for piece in make_pieces():
                data = piece.encode("utf-8")
                digest.update(data)
                out.write(data)
        if digest.hexdigest() != inputs_hash:
            raise ValueError("the ballots no longer match the certified result")
        os.replace(partial, path)  # atomic: a concurrent reader sees all of it or nothing
    finally:
        partial.unlink(missing_ok=True)
    return path
