"""The ballot rules as pure functions."""

from __future__ import annotations

from werkzeug.datastructures import MultiDict

from pb.voting.designs import (
    PaperProject,
    Rules,
    Section,
    check_ballot,
    describe_rules,
    read_choices,
    section_totals,
)

PROJECTS = [PaperProject(1, "Walking group", 4_000_00, "north"),
            PaperProject(2, "Community cafe", 6_000_00, "north"),
            PaperProject(3, "Town-wide carers' line", 5_000_00, "area")]
SECTIONS = [Section("north", "Hurdsfield projects", 8_000_00),
            Section("area", "Whole-town projects", 5_000_00)]


def test_each_section_has_its_own_money():
    rules = Rules("budget")
    assert not check_ballot(rules, PROJECTS, SECTIONS, {1: 1, 3: 1})
    problems = check_ballot(rules, PROJECTS, SECTIONS, {1: 1, 2: 1, 3: 1})
    assert problems.general == ["Hurdsfield projects: your choices cost £10,000, £2,000 more "
                                "than the £8,000 you have. Untick projects to bring the total "
                                "down."]
    rows = section_totals(PROJECTS, SECTIONS, {1: 1, 2: 1})
    assert rows[0]["over"] and rows[0]["left"] == -2_000_00 and rows[1]["spent"] == 0


def test_minimum_budget_share_counts_every_section():
    rules = Rules("budget", min_budget_percent=70)  # 70% of 13,000 = 9,100
    assert check_ballot(rules, PROJECTS, SECTIONS, {1: 1, 3: 1})  # 9,000
    assert not check_ballot(rules, PROJECTS, SECTIONS, {2: 1, 3: 1})  # 11,000


def test_ranking_reads_places_and_closes_gaps():
    rules = Rules("ranking", rank_length=3)
    choices, problems = read_choices(rules, MultiDict({"rank-1": "3", "rank-3": "1"}), {1, 2, 3})
    assert not problems and choices == {3: 1, 1: 2}


def test_approval_reads_ticks_and_flags_strangers():
    rules = Rules("approval")
    choices, problems = read_choices(rules, MultiDict([("project", "1"), ("project", "7")]),
                                     {1, 2, 3})
    assert choices == {1: 1} and problems.general


def test_points_zero_is_not_a_choice():
    rules = Rules("points", points_total=10, min_choices=2)
    choices, problems = read_choices(rules, MultiDict({"points-1": "0", "points-2": "10"}),
                                     {1, 2, 3})
    assert choices == {2: 10} and not problems
    assert "Give points to at least 2 projects (you gave points to 1)." in check_ballot(
        rules, PROJECTS, SECTIONS, choices).general


def test_rules_are_described_in_plain_english():
    text = " ".join(describe_rules(Rules("points", points_total=10, points_per_project_max=4),
                                   SECTIONS))
    assert "Share up to 10 points" in text and "at most 4 on any one project" in text
    assert "random order" in text
    assert "0 (do not fund) to 5" in " ".join(describe_rules(Rules("scores"), SECTIONS))
