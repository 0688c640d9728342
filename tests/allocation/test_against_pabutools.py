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



@pytest.mark.parametrize("rule", ["mes-cost-add1", "mes-approval-add1", "mes-cost-add1-nofill"])
def test_add1_search_matches_the_plus_one_loop_on_larger_elections(rule):
    """The add1 search skips increments it can prove change nothing; pabutools tries every one."""
    rng = random.Random(f"add1-{rule}")
    for trial in range(25):
        vote_type = rng.choice(["approval", "cumulative", "ordinal"])
        instance, profile = random_election(rng, vote_type, max_projects=12, max_voters=70)
        ours = set(allocate(instance, profile, rule).selected)
        assert ours == pabutools_selected(write_pb(instance, profile), rule), (trial, write_pb(instance, profile))
