"""Hand-made Macclesfield election: explanations, money formatting, metrics, constraints, compare, CLI."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from fractions import Fraction

import pytest

from pb.allocation import (
    RULE_DESCRIPTIONS,
    RULE_SUMMARIES,
    RULES,
    Cap,
    Constraints,
    Instance,
    Profile,
    Project,
    Reserve,
    allocate,
    compare,
    money_formatter,
    rules_for_vote_type,
    write_pb,
)

from .helpers import REPO

PROJECTS = (
    Project("walk", 450_000, "Tytherington walking group", "Tytherington", ("older people",)),
    Project("cafe", 950_000, "Dementia café at St Michael's", "Broken Cross", ("older people",)),
    Project("youth", 300_000, "Hurdsfield youth football kit", "Hurdsfield", ("young people",)),
    Project("fridge", 600_000, "Weston community fridge", "Weston"),
    Project("club", 250_000, "Library homework club", "Hurdsfield", ("young people",)),
)


def election(**extra):
    instance = Instance(PROJECTS, 1_500_000, currency="GBP", minor_units=100, **extra)
    ballots = ([["cafe", "walk"]] * 22 + [["cafe"]] * 18 + [["walk", "fridge"]] * 8 + [["fridge"]] * 17
               + [["youth", "club"]] * 8 + [["youth"]] * 4 + [[]] * 3)
    return instance, Profile.from_ballots("approval", ballots)


def test_money_is_formatted_for_uk_readers():
    fmt = money_formatter(Instance((), 0, currency="GBP", minor_units=100))
    assert fmt(123_456) == "£1,234.56"
    assert fmt(800_000) == "£8,000"
    assert fmt(Fraction(218_437, 100)) == "£21.84"
    assert money_formatter(Instance((), 0, currency="PLN"))(1_070_000) == "PLN 1,070,000"


def test_greedy_explains_rank_votes_and_money_left():
    instance, profile = election()
    outcome = allocate(instance, profile, "greedy-approval")
    assert outcome.selected == ("cafe", "walk")
    assert outcome.spent == 1_400_000 and outcome.left == 100_000
    assert outcome.projects["cafe"].explanation == (
        "Funded: ranked 1st of 5 by votes (40 votes); £15,000 remained when it was reached and it costs £9,500.")
    assert outcome.projects["fridge"].explanation == (
        "Not funded: ranked 3rd of 5 by votes (25 votes); £1,000 remained when it was reached, it costs £6,000.")


def test_equal_shares_explains_round_and_payments():
    instance, profile = election()
    outcome = allocate(instance, profile, "mes-cost")
    funded = [outcome.projects[p].explanation for p in outcome.selected]
    assert all(re.match(r"Funded in round \d+ of Equal Shares: its [\d,]+ supporters? "
                        r"(each paid £[\d,.]+|paid between £[\d,.]+ and £[\d,.]+ each)", t) for t in funded), funded
    for _pid, result in outcome.projects.items():
        if not result.selected:
            assert result.explanation.startswith("Not funded: by round"), result.explanation
            assert "left between them, and it costs £" in result.explanation


def test_metrics_report_reach_and_wards():
    instance, profile = election()
    m = allocate(instance, profile, "greedy-approval").metrics
    assert m["spent"] == 1_400_000 and m["left"] == 100_000 and m["voters"] == 80
    assert m["voters_with_funded_project"] == round(48 / 80, 4)
    assert m["per_ward"] == {"Broken Cross": {"projects": 1, "money": 950_000},
                             "Tytherington": {"projects": 1, "money": 450_000}}
    assert 0 < m["avg_share_of_approved_spending_funded"] < 1


def test_to_json_is_exact_and_complete():
    instance, profile = election()
    data = allocate(instance, profile, "phragmen").to_json()
    assert {"rule", "tie_break", "budget", "spent", "selected", "projects", "metrics"} <= set(data)
    assert data["budget"] == 1_500_000
    assert set(data["projects"]["walk"]) >= {"cost", "votes", "selected", "explanation"}
    json.dumps(data)
    half = Instance((Project("a", Fraction(5, 2)),), Fraction(7, 2))
    assert allocate(half, Profile.from_ballots("approval", [["a"]]), "greedy-approval").to_json()["spent"] == "5/2"


def test_minimum_votes_bars_projects_and_says_so():
    instance, profile = election()
    outcome = allocate(instance, profile, "greedy-approval", constraints=Constraints(min_votes=10))
    assert outcome.projects["club"].explanation == (
        "Not fundable: it had 8 votes, fewer than the 10 a project needs to be funded.")
    assert "club" not in outcome.selected


def test_vote_share_relative_to_cost_share():
    instance, profile = election()
    outcome = allocate(instance, profile, "greedy-cost", constraints=Constraints(min_support_ratio=Fraction(1)))
    # cafe: 40/80 = 50% of votes for 63% of the budget -> barred, as Świecie 2023 did.
    assert not outcome.projects["cafe"].selected
    assert outcome.projects["cafe"].explanation.startswith("Not fundable: it had 50.0% of the votes")


def test_ward_budgets_run_each_ward_on_its_own_money_and_pool_leftovers():
    instance, profile = election(ward_budgets={"Hurdsfield": 300_000, "Weston": 600_000})
    c = Constraints(ward_budgets=True)
    outcome = allocate(instance, profile, "greedy-approval", constraints=c)
    assert {"youth", "fridge"} <= set(outcome.selected)
    assert outcome.projects["youth"].explanation.startswith("In the Hurdsfield ward budget of £3,000: funded")
    assert outcome.projects["club"].explanation.startswith("In the Hurdsfield ward budget of £3,000: not funded")
    pooled = allocate(instance, profile, "greedy-approval", constraints=Constraints(ward_budgets=True,
                                                                                    pool_leftovers=True))
    assert pooled.spent <= instance.budget
    assert "area-wide budget with the wards' leftovers" in pooled.projects["walk"].explanation


def test_caps_and_reserves():
    instance, profile = election()
    capped = allocate(instance, profile, "greedy-approval",
                      constraints=Constraints(caps=(Cap("category", "older people", share=Fraction(1, 2)),)))
    older = sum(p.cost for p in PROJECTS if p.id in capped.selected and "older people" in p.categories)
    assert older <= 750_000
    assert "past its cap of £7,500" in capped.projects["cafe"].explanation
    reserved = allocate(instance, profile, "greedy-approval",
                        constraints=Constraints(reserves=(Reserve("category", "young people", 300_000),)))
    assert "youth" in reserved.selected
    assert reserved.projects["youth"].explanation.startswith("In the reserve of £3,000 for young people")
    assert reserved.spent <= instance.budget
    inst2, _ = election(category_budgets={"young people": 300_000})
    from_instance = allocate(inst2, profile, "greedy-approval", constraints=Constraints(category_budgets=True))
    assert from_instance.selected == reserved.selected


def test_compare_lists_differences_side_by_side():
    instance, profile = election()
    result = compare(instance, profile, ["greedy-approval", "mes-cost-add1", "phragmen"])
    assert "fridge" in result.differences
    text = result.to_text(instance)
    assert "Weston community fridge" in text and "money spent" in text
    assert set(result.to_json()["differences"]["fridge"]) == {"greedy-approval", "mes-cost-add1", "phragmen"}


def test_tie_breaks_decide_exact_ties():
    tied = Instance((Project("9", 100, "Repair café"), Project("10", 100, "Men's shed tools"),
                     Project("c2", 50, "Allotment rainwater tanks")), 100)
    profile = Profile.from_ballots("approval", [["9"], ["10"], ["c2"]])
    assert allocate(tied, profile, "greedy-approval").selected[0] == "10"  # "10" < "9" as strings
    assert allocate(tied, profile, "greedy-approval", tie_break="cost").selected[0] == "c2"
    lottery = [allocate(tied, profile, "greedy-approval", tie_break="lottery:42").selected for _ in range(3)]
    assert lottery[0] == lottery[1] == lottery[2]
    with pytest.raises(ValueError, match="unknown tie-break"):
        allocate(tied, profile, "greedy-approval", tie_break="coin")


def test_rules_for_each_ballot_kind_and_descriptions():
    assert "greedy-points" not in rules_for_vote_type("approval")
    assert {"greedy-points", "mes-score"} <= set(rules_for_vote_type("cumulative"))
    assert rules_for_vote_type("choose-1") == rules_for_vote_type("approval")
    assert set(RULE_DESCRIPTIONS) == set(RULES) == set(RULE_SUMMARIES)
    instance, profile = election()
    with pytest.raises(ValueError, match="does not apply"):
        allocate(instance, profile, "greedy-points")


def test_cli_table_json_and_compare(tmp_path):
    instance, profile = election()
    path = tmp_path / "macclesfield.pb"
    path.write_text(write_pb(instance, profile), encoding="utf-8")

    def run(*args):
        return subprocess.run([sys.executable, "-m", "pb.allocation", str(path), *args], cwd=REPO,
                              capture_output=True, text=True)

    table = run("--rule", "greedy-approval")
    assert table.returncode == 0 and "cafe Dementia café" in table.stdout and "£9,500" in table.stdout
    data = json.loads(run("--rule", "mes-cost-add1", "--json").stdout)
    assert data["rule"] == "mes-cost-add1" and data["tie_break"] == "id"
    both = run("--compare", "greedy-approval,mes-cost-add1")
    assert both.returncode == 0 and "greedy-approval" in both.stdout
    assert run("--rule", "nonsense").returncode == 2
    assert run("--rule", "greedy-approval", "--tie-break", "coin").returncode == 2
    helptext = subprocess.run([sys.executable, "-m", "pb.allocation", "--help"], cwd=REPO,
                              capture_output=True, text=True).stdout
    assert "mes-cost-add1" in helptext and "lottery:SEED" in helptext and "--compare" in helptext
