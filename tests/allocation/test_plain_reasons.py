"""Plain reasons for residents, support ranks, where the money went (passes), the fairness
metrics and the comparison summary, against outcomes of the core called directly."""
from __future__ import annotations

import re
from fractions import Fraction

import pytest

from pb.allocation import (
    COMPARISON_RULES,
    RULE_NAMES,
    RULE_SUMMARIES,
    RULES,
    Constraints,
    Instance,
    Profile,
    Project,
    allocate,
    compare,
    read_pb,
)

from .helpers import SHARED
from .test_explanations_and_constraints import election

JARGON = re.compile(r"round \d|Equal Shares|Phragm|city-wide|pass\b|mes-|greedy|top-up|load")


def test_greedy_reasons_say_rank_and_money_left_when_its_turn_came():
    instance, profile = election()
    outcome = allocate(instance, profile, "greedy-approval")
    assert outcome.projects["cafe"].reason == (
        "Funded: 1st most supported (40 votes); £15,000 was left when its turn came.")
    assert outcome.projects["walk"].reason == (
        "Funded: 2nd most supported (30 votes); £5,500 was left when its turn came.")
    assert outcome.projects["fridge"].reason == (
        "Not funded: £1,000 was left when its turn came and it costs £6,000 (3rd most supported).")
    assert [outcome.projects[p].rank for p in ("cafe", "walk", "fridge", "youth", "club")] == [1, 2, 3, 4, 5]


def test_equal_shares_reasons_say_what_the_supporters_shares_added_up_to():
    instance, profile = election()
    outcome = allocate(instance, profile, "mes-cost-add1")
    assert outcome.selected == ("cafe", "walk")
    assert outcome.projects["cafe"].reason == (
        "Funded: its 40 supporters shared the £9,500 cost from their shares, each paying £237.50.")
    # walk came in the completion (most votes first with what was left).
    assert outcome.projects["walk"].reason == (
        "Funded with the money left over at the end: 2nd most supported; £5,500 was left when its turn came.")
    assert outcome.projects["youth"].reason == (
        "Not funded: its 12 supporters' remaining shares added up to £2,879.88 of its £3,000 cost. "
        "£1,000 was left over at the end, not enough for it.")
    # The technical trace keeps the rounds.
    assert outcome.projects["youth"].explanation.startswith("Not funded: by round 2 of Equal Shares")


def test_phragmen_reasons_name_the_project_that_stopped_the_count():
    instance, profile = election()
    outcome = allocate(instance, profile, "phragmen")
    assert outcome.projects["cafe"].reason == (
        "Not funded: it was next in line, but only £1,500 was left and it costs £9,500, so the count "
        "stopped there.")
    assert outcome.projects["club"].reason == (
        "Not funded: the count stopped before its turn, with £1,500 left, when the project next in "
        "line did not fit.")
    assert outcome.projects["walk"].reason.startswith("Funded: its 30 supporters shared the cost")


@pytest.mark.parametrize("pool", [False, True])
def test_ward_budgets_record_each_pass_and_the_reasons_say_which_budget(pool):
    instance, profile = election(ward_budgets={"Hurdsfield": 300_000, "Weston": 600_000})
    outcome = allocate(instance, profile, "greedy-approval",
                       constraints=Constraints(ward_budgets=True, pool_leftovers=pool))
    passes = {(p.kind, p.name): p for p in outcome.passes}
    assert passes[("ward", "Hurdsfield")].budget == 300_000 and passes[("ward", "Hurdsfield")].spent == 300_000
    assert passes[("ward", "Weston")].spent == 600_000
    area = passes[("area", None)]
    assert area.budget == 600_000 and area.spent == 450_000 and area.pooled is pool
    assert sum(p.spent for p in outcome.passes) == outcome.spent
    assert outcome.projects["youth"].reason == (
        "Funded: 4th most supported (12 votes); £3,000 was left when its turn came. It was counted "
        "within Hurdsfield ward's own budget of £3,000.")
    assert outcome.projects["walk"].reason.endswith("It was counted in the area-wide budget of £6,000.")
    data = outcome.to_json()
    assert data["passes"][2] == {"kind": "area", "name": None, "budget": 600_000, "spent": 450_000,
                                 "pooled": pool, "label": "area-wide budget" + (
                                     " with the wards' leftovers" if pool else "")}
    assert not any("city-wide" in r.explanation or "city-wide" in r.reason for r in outcome.projects.values())


def test_pooling_lets_a_wards_leftover_fund_a_project_elsewhere():
    # Hurdsfield's £5,000 buys its £4,000 project; the £1,000 left, pooled, lets the
    # area-wide £5,500 project in on top of the £4,500 area-wide money.
    projects = (Project("h", 400_000, "Hurdsfield allotment", "Hurdsfield"),
                Project("a", 550_000, "Town carers' helpline"))
    instance = Instance(projects, 950_000, currency="GBP", minor_units=100,
                        ward_budgets={"Hurdsfield": 500_000})
    profile = Profile.from_ballots("approval", [["h", "a"], ["a"]])
    returned = allocate(instance, profile, "greedy-approval", constraints=Constraints(min_votes=1, ward_budgets=True))
    pooled = allocate(instance, profile, "greedy-approval",
                      constraints=Constraints(min_votes=1, ward_budgets=True, pool_leftovers=True))
    assert returned.selected == ("h",) and returned.left == 550_000
    assert pooled.selected == ("h", "a") and pooled.left == 0
    assert pooled.projects["a"].reason == (
        "Funded: 1st most supported (2 votes); £5,500 was left when its turn came. It was counted in "
        "the area-wide budget of £5,500.")


def test_unfunded_ranks_follow_the_rules_measure():
    instance = Instance((Project("1", 500), Project("2", 500), Project("3", 500), Project("4", 500)), 1000)
    # Points: 4 gets most points though fewest voters.
    profile = Profile.from_ballots("cumulative", [{"1": 1, "2": 2, "3": 1}, {"1": 1, "2": 1, "3": 3},
                                                  {"4": 9}])
    outcome = allocate(instance, profile, "greedy-points")
    ranks = {pid: r.rank for pid, r in outcome.projects.items()}
    assert ranks == {"4": 1, "3": 2, "2": 3, "1": 4}
    assert outcome.projects["2"].reason.endswith("(3rd most points).")


REAL = SHARED / "Poland_Czestochowa_2024_Srodmiescie.pb"


@pytest.mark.skipif(not REAL.exists(), reason="the shared pabulib files are not here")
@pytest.mark.parametrize("rule", COMPARISON_RULES + ("greedy-cost", "mes-cost-add1-nofill", "max-utility"))
def test_every_reason_is_plain_and_agrees_with_the_outcome_on_a_real_election(rule):
    instance, profile = read_pb(REAL)
    outcome = allocate(instance, profile, rule, constraints=Constraints(min_votes=1))
    for pid, r in outcome.projects.items():
        assert r.reason.startswith("Funded" if pid in outcome.selected else ("Not funded", "Not fundable")), r.reason
        assert not JARGON.search(r.reason), r.reason
        assert r.rank >= 1
    assert sorted(r.rank for r in outcome.projects.values()) == list(range(1, len(outcome.projects) + 1))


def test_names_and_summaries_are_plain_english():
    for rule in RULES:
        assert not re.search(r"mes-|greedy-|add1|one unit|benefit =", RULE_SUMMARIES[rule] + RULE_NAMES[rule])


def test_metrics_share_spent_and_ward_proportionality_by_hand():
    instance, profile = election()
    m = allocate(instance, profile, "greedy-approval").metrics
    assert m["share_of_budget_spent"] == round(1_400_000 / 1_500_000, 4)
    assert m["voters_with_nothing_funded"] == round(32 / 80, 4)
    wards = m["ward_proportionality"]
    # Ward voters: Tytherington (walk) 30, Broken Cross (cafe) 40, Weston (fridge) 25,
    # Hurdsfield (youth, club) 12: 107 ward-voters.  Money: cafe 9,500, walk 4,500.
    assert wards["Broken Cross"]["voters"] == 40
    assert wards["Broken Cross"]["voter_share"] == round(40 / 107, 4)
    assert wards["Broken Cross"]["money_share"] == round(9_500 / 14_000, 4)
    expected = Fraction(9_500, 14_000) / Fraction(40, 107)
    assert wards["Broken Cross"]["proportionality"] == round(float(expected), 2)
    assert wards["Weston"]["proportionality"] == 0.0
    # Weston's 25 voters: the 8 who also backed walk have something funded.
    assert wards["Weston"]["voters_with_funded_project"] == round(8 / 25, 4)


def test_comparison_summary_matches_the_core_called_directly():
    instance, profile = election(ward_budgets={"Hurdsfield": 300_000})
    c = Constraints(min_votes=1, ward_budgets=True, pool_leftovers=True)
    summary = compare(instance, profile, COMPARISON_RULES, "id", c).summary()
    assert list(summary) == list(COMPARISON_RULES)
    for rule in COMPARISON_RULES:
        direct = allocate(instance, profile, rule, "id", c)
        assert summary[rule]["selected"] == list(direct.selected)
        assert summary[rule]["spent"] == direct.spent
        assert summary[rule]["metrics"] == dict(direct.metrics)
