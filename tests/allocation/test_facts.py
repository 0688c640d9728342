"""Rules record typed, immutable facts, and every result keeps the fact behind its sentence."""
from __future__ import annotations

import dataclasses

import pytest

from pb.allocation import (
    RULES_FOR_BALLOT,
    Cap,
    ConstraintFact,
    Constraints,
    GreedyFact,
    MaxUtilityFact,
    MesFact,
    PhragmenFact,
    allocate,
)

from .test_explanations_and_constraints import election

EXPECTED = {"greedy": GreedyFact, "mes": MesFact, "phragmen": PhragmenFact, "max": MaxUtilityFact}


@pytest.mark.parametrize("rule", RULES_FOR_BALLOT["approval"])
def test_every_project_keeps_its_rules_typed_fact(rule):
    instance, profile = election()
    outcome = allocate(instance, profile, rule)
    family = EXPECTED[rule.split("-")[0]]
    for result in outcome.projects.values():
        fact = result.fact
        # The completion's greedy top-up records greedy facts for what it funds.
        assert isinstance(fact, (family, GreedyFact) if "add1" in rule else family), (rule, fact)
        with pytest.raises(dataclasses.FrozenInstanceError):
            fact.selected = True  # type: ignore[misc]


def test_equal_shares_facts_hold_the_round_and_the_payments():
    instance, profile = election()
    outcome = allocate(instance, profile, "mes-cost")
    bought = [outcome.projects[p].fact for p in outcome.selected]
    assert [f.round for f in bought] == list(range(1, len(bought) + 1))
    assert all(f.why == "bought" and f.low <= f.price and f.payers > 0 for f in bought)


def test_completion_facts_record_the_start_share_and_the_raise():
    instance, profile = election()
    outcome = allocate(instance, profile, "mes-cost-add1")
    mes = [r.fact for r in outcome.projects.values() if isinstance(r.fact, MesFact)]
    assert mes and all(f.start == instance.budget / 80 and f.add is not None for f in mes)


def test_a_capped_project_carries_the_constraints_reason():
    instance, profile = election()
    cap = Constraints(caps=(Cap("category", "older people", amount=500_000),), min_votes=10)
    outcome = allocate(instance, profile, "greedy-approval", constraints=cap)
    barred = [r for r in outcome.projects.values() if isinstance(r.fact, ConstraintFact)]
    assert barred and all(r.fact.text == r.explanation for r in barred)
