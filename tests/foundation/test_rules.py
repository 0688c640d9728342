"""The app's rule and tie-break tables come from the allocation core, with the app's
exclusions stated once; people see names and summaries, never raw ids."""

from __future__ import annotations

import pytest

from pb import allocation
from pb.allocation import Instance, Profile, Project, allocate
from pb.models import round as rounds
from pb.models.round import (
    CORE_BALLOT_KIND,
    EXCLUDED_RULES,
    RULES_FOR_DESIGN,
    TIE_BREAKS,
    lottery_tie_break,
    rule_choices,
    tie_break_choices,
    tie_break_label,
    tie_break_problem,
)


def test_every_design_is_read_as_a_core_ballot_kind():
    assert set(CORE_BALLOT_KIND) == set(rounds.BALLOT_DESIGNS)
    assert set(CORE_BALLOT_KIND.values()) <= set(allocation.RULES_FOR_BALLOT)


def test_voting_reads_designs_as_the_rule_table_does():
    # pb.voting.designs.CORE_KIND predates CORE_BALLOT_KIND; until it imports it, they
    # must agree, or a round could offer a rule its ballots cannot be counted with.
    from pb.voting.designs import CORE_KIND

    assert CORE_KIND == CORE_BALLOT_KIND


@pytest.mark.parametrize("design", sorted(CORE_BALLOT_KIND))
def test_rules_for_a_design_are_the_cores_less_the_stated_exclusions(design):
    core = allocation.RULES_FOR_BALLOT[CORE_BALLOT_KIND[design]]
    excluded = set(EXCLUDED_RULES.get(design, {}))
    assert RULES_FOR_DESIGN[design] == tuple(r for r in core if r not in excluded)


def test_each_exclusion_is_of_a_rule_the_core_allows_and_says_why():
    for design, rules in EXCLUDED_RULES.items():
        core = allocation.RULES_FOR_BALLOT[CORE_BALLOT_KIND[design]]
        for rule, reason in rules.items():
            assert rule in core, f"{rule} is not allowed for {design} ballots anyway"
            assert len(reason) > 80


def test_ranking_ballots_do_not_offer_max_utility():
    assert "max-utility" not in RULES_FOR_DESIGN["ranking"]
    assert "max-utility" in RULES_FOR_DESIGN["approval"]


def test_rule_choices_are_names_for_people():
    for design in CORE_BALLOT_KIND:
        choices = rule_choices(design)
        assert [rule for rule, _ in choices] == list(RULES_FOR_DESIGN[design])
        for rule, label in choices:
            assert label == allocation.RULE_NAMES[rule] and label != rule
            assert rounds.rule_summary(rule) == allocation.RULE_SUMMARIES[rule]
    every = {rule for rule, _ in rule_choices()}
    assert every == {rule for rules in RULES_FOR_DESIGN.values() for rule in rules}


def test_tie_breaks_are_the_cores_with_the_lottery_offered():
    core = set(allocation.TIE_BREAKS)
    assert set(TIE_BREAKS) == core - {"lottery:SEED"}
    ids = [tb for tb, _ in tie_break_choices()]
    assert ids == [*TIE_BREAKS, "lottery"]
    assert all(label and label != tb for tb, label in tie_break_choices())


def _tiny_election():
    projects = (Project("1", 300, "Tytherington walking group"),
                Project("2", 300, "Hurdsfield dementia café"))
    return Instance(projects, 300), Profile.from_ballots("approval", [["1"], ["2"]])


@pytest.mark.parametrize("seed", ["2027-03-01 draw", "Macclesfield/42"])
def test_a_lottery_tie_break_is_one_the_core_runs(seed):
    value = lottery_tie_break(seed)
    assert value == f"lottery:{seed}"
    assert len(value) <= 40  # Round.tie_break is String(40)
    assert tie_break_problem(value) is None
    instance, profile = _tiny_election()
    outcome = allocate(instance, profile, "greedy-approval", tie_break=value)
    assert len(outcome.selected) == 1
    assert seed in tie_break_label(value)


@pytest.mark.parametrize("value, problem", [
    ("lottery:", "Enter the seed"),
    ("lottery:" + "x" * 40, "Keep the seed"),
    ("lottery:<script>", "Use letters"),
    ("coin-toss", "Choose how ties are broken"),
])
def test_bad_tie_breaks_are_refused_in_words(value, problem):
    assert problem in tie_break_problem(value)
    if value.startswith("lottery:"):
        with pytest.raises(ValueError, match=problem):
            lottery_tie_break(value.split(":", 1)[1])


def test_the_round_page_names_the_rule_and_the_tie_break(client, neighbourhood):
    from pb.extensions import db

    round_ = neighbourhood.rounds["voting"]
    round_.allocation_rule = "mes-cost-add1"
    round_.tie_break = lottery_tie_break("Decision day 2026")
    db.session.commit()
    page = client.get(f"/rounds/{round_.id}").get_data(as_text=True)
    assert "Equal Shares, spending the whole budget" in page
    assert "mes-cost-add1" not in page
    assert "Ties go to the order of a lottery drawn from the published seed" in page
    assert "Decision day 2026" in page


def test_the_round_page_does_not_repeat_a_rule_name_its_description_starts_with(
        client, neighbourhood):
    round_ = neighbourhood.rounds["voting"]  # greedy-approval: "Most votes first. ..."
    page = client.get(f"/rounds/{round_.id}").get_data(as_text=True)
    assert page.count("Most votes first.") == 1
    assert "<strong>Most votes first.</strong> Projects are ranked" in page
