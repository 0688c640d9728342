"""Our rules against the reference implementation, pabutools, on random small elections.

Self-contained (no shared files), so a fresh clone checks every rule against
the reference: 60 random elections of each of the five pabulib vote types.
"""
from __future__ import annotations

import random

import pytest

from pb.allocation import allocate, rules_for_vote_type, write_pb

from .helpers import pabutools_selected, random_election

pytest.importorskip("pabutools", reason="pabutools (a test dependency) is not installed")

VOTE_TYPES = ["approval", "choose-1", "cumulative", "scoring", "ordinal"]
CHECKED = ["greedy-approval", "greedy-cost", "greedy-points", "mes-cost", "mes-cost-add1",
           "mes-cost-add1-nofill", "mes-approval", "mes-approval-add1", "mes-score", "phragmen"]


@pytest.mark.parametrize("vote_type", VOTE_TYPES)
def test_random_elections_match_pabutools(vote_type):
    rng = random.Random(f"pabutools-{vote_type}")
    mismatches = []
    for trial in range(60):
        instance, profile = random_election(rng, vote_type)
        text = write_pb(instance, profile)
        for rule in CHECKED:
            if rule not in rules_for_vote_type(vote_type):
                continue
            ours = set(allocate(instance, profile, rule).selected)
            ref = pabutools_selected(text, rule)
            if ours != ref:
                mismatches.append((trial, rule, sorted(ours), sorted(ref), text))
    assert not mismatches, mismatches[0]

