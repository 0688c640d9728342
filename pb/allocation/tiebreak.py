"""Tie-breaks: a named, total order on projects, always passed explicitly.

Every rule asks the tie-break only one thing: the *rank* of each project
(0 wins every tie).  The names are stable because they are stored with results:

* ``id`` - smallest project id as a string ("10" before "9"): pabutools' default and ours;
* ``cost`` - cheaper first, then by id;
* ``votes`` - more supporters first, then by id;
* ``lottery:SEED`` - a random order drawn from the published SEED (reproducible).
"""
from __future__ import annotations

import hashlib
import random

from .model import Instance

TIE_BREAKS = ("id", "cost", "votes", "lottery:SEED")


def tie_break_ranks(tie_break: str, instance: Instance, votes: dict[str, int]) -> dict[str, int]:
    """Map each project id to its rank under ``tie_break`` (0 = wins ties)."""
    ids = sorted(instance.ids)
    if tie_break == "id":
        order = ids
    elif tie_break == "cost":
        order = sorted(ids, key=lambda pid: instance.project(pid).cost)
    elif tie_break == "votes":
        order = sorted(ids, key=lambda pid: -votes.get(pid, 0))
    elif tie_break.startswith("lottery:") and tie_break[len("lottery:"):]:
        seed = tie_break[len("lottery:"):]
        # Seed from a hash of the text so the order does not depend on Python's
        # hash randomisation and is the same on every machine and version.
        digest = hashlib.sha256(seed.encode("utf-8")).digest()
        order = list(ids)
        # Waiver for bandit B311: a published, reproducible lottery from a public seed, not a secret.
        random.Random(int.from_bytes(digest, "big")).shuffle(order)  # nosec B311
    else:
        raise ValueError(f"unknown tie-break {tie_break!r}; use id, cost, votes or lottery:SEED")
    return {pid: r for r, pid in enumerate(order)}


def describe_tie_break(tie_break: str) -> str:
    if tie_break == "id":
        return "the smaller project id wins"
    if tie_break == "cost":
        return "the cheaper project wins"
    if tie_break == "votes":
        return "the project with more supporters wins"
    return f"a lottery with the published seed {tie_break.split(':', 1)[1]!r} decides"
