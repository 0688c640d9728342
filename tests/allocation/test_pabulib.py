"""The .pb reader and writer: every vote type, the awkward corners, and every refusal."""
from __future__ import annotations

import subprocess
import sys
from fractions import Fraction

import pytest

from pb.allocation import (
    Ballot,
    Instance,
    PabulibError,
    Profile,
    Project,
    parse_pb,
    read_pb,
    write_pb,
)

from .helpers import REPO

GOOD = """META
key;value
description;"Macclesfield; east wards"
budget;10000,5
vote_type;cumulative
num_projects;3
num_votes;4
currency;GBP
PROJECTS
project_id;cost;name;category;district
10;4000,25;Tytherington walking group;health,older people;Tytherington
9;3000;"Dementia café at St Michael's; Sundays";older people;none
c7;none_cost_placeholder;Repair café;none;Broken Cross
VOTES
voter_id;vote;points;age
v1;10,9;3,2;none
v2;10,9;3,2;34
v3;9;5;51
v4;;;none
"""


def good_text():
    return GOOD.replace("none_cost_placeholder", "1500")


def test_reads_quoting_decimal_commas_none_and_string_ids():
    instance, profile = parse_pb(good_text())
    assert instance.budget == Fraction(20001, 2)
    assert [p.id for p in instance.projects] == ["10", "9", "c7"]
    assert instance.project("10").cost == Fraction(16001, 4)
    assert instance.project("9").name == "Dementia café at St Michael's; Sundays"
    assert instance.project("10").categories == ("health", "older people")
    assert instance.project("9").ward is None and instance.project("c7").ward == "Broken Cross"
    assert instance.meta_value("description") == "Macclesfield; east wards"
    assert instance.currency == "GBP"
    assert profile.kind == "cumulative" and profile.num_voters == 4
    # identical ballots are stored once with a count
    assert Ballot(("10", "9"), (3, 2), 2) in profile.ballots
    assert profile.approval_counts() == {"10": 2, "9": 3}


def test_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "bom.pb"
    path.write_bytes(b"\xef\xbb\xbf" + good_text().encode("utf-8"))
    instance, profile = read_pb(path)
    assert instance.budget == Fraction(20001, 2) and profile.num_voters == 4


@pytest.mark.parametrize("vote_type,vote,kind", [
    ("approval", "1,2", "approval"), ("choose-1", "2", "approval"),
    ("ordinal", "2,1", "ordinal"), ("scoring", "1,2", "scores"), ("cumulative", "1,2", "cumulative")])
def test_every_vote_type_round_trips(vote_type, vote, kind):
    points = ";4,1" if vote_type in ("scoring", "cumulative") else ""
    header = "voter_id;vote;points" if points else "voter_id;vote"
    text = (f"META\nkey;value\nbudget;100\nvote_type;{vote_type}\nnum_projects;2\nnum_votes;2\n"
            f"PROJECTS\nproject_id;cost\n1;60\n2;50\nVOTES\n{header}\na;{vote}{points}\nb;{vote}{points}\n")
    instance, profile = parse_pb(text)
    assert profile.kind == kind
    if kind == "ordinal":
        assert profile.ballots[0].projects == ("2", "1")  # rank order kept
    assert parse_pb(write_pb(instance, profile)) == (instance, profile)


def test_write_then_read_keeps_fractional_money():
    instance = Instance((Project("walk", Fraction(9, 8), "Tytherington walking group"),
                         Project("cafe", Fraction(1, 3), "Dementia café")), Fraction(7, 3), currency="GBP",
                        minor_units=100)
    profile = Profile.from_ballots("approval", [["walk"], ["walk", "cafe"], []])
    assert parse_pb(write_pb(instance, profile)) == (instance, profile)


BAD = [
    ("no META section", "PROJECTS\nproject_id;cost\n1;5\nVOTES\nvoter_id;vote\n", None, "META section is missing"),
    ("data before a section", "hello\nMETA\n", 1, "expected META, PROJECTS or VOTES"),
    ("budget not a number", "budget;lots", 4, "budget 'lots' is not a number"),
    ("missing budget", "DROP budget", None, "META has no budget"),
    ("unknown vote type", "vote_type;cumulative->preferential", 5, "unknown vote_type"),
    ("wrong field count", "10;4000,25;Tytherington walking group;health,older people", 11, "expected 5 fields"),
    ("cost not a number", "c7;none_cost_placeholder;", 13, "cost of project c7"),
    ("negative cost", "c7;-5;", 13, "negative cost"),
    ("missing cost", "c7;none;", 13, "has no cost"),
    ("duplicate project", "c7;none_cost_placeholder;Repair café;none;Broken Cross\n10;1;x;none;none", 14,
     "listed twice"),
    ("unknown project in a vote", "v3;9;5;51\nv5;99;1;none", 19, "not in PROJECTS"),
    ("project twice in a vote", "v3;9,9;5,1;51", 18, "same project twice"),
    ("points do not match", "v3;9;5,1;51", 18, "1 projects but 2 points"),
    ("negative points", "v3;9;-5;51", 18, "points cannot be negative"),
    ("points not a number", "v3;9;five;51", 18, "points 'five' is not a number"),
    ("bad projects header", "project_id;cost;name;category;district", 10, "PROJECTS header"),
    ("bad votes header", "voter_id;vote;points;age", 15, "VOTES header"),
    ("repeated section", "v4;;;none\nVOTES", 20, "appears twice"),
    ("num_projects mismatch", "num_projects;3", 6, "num_projects"),
    ("unterminated quote", 'description;"Macclesfield; east wards"', None, "line"),
]


@pytest.mark.parametrize("case,change,line,message", BAD, ids=[b[0] for b in BAD])
def test_malformed_files_are_refused_with_line_and_reason(case, change, line, message):
    text = GOOD
    if case == "no META section":
        text = change
    elif case == "data before a section":
        text = "hello\n" + good_text()
    elif case == "missing budget":
        text = good_text().replace("budget;10000,5\n", "")
    elif case == "budget not a number":
        text = good_text().replace("budget;10000,5", change)
    elif case == "unknown vote type":
        text = good_text().replace("vote_type;cumulative", "vote_type;preferential")
    elif case == "wrong field count":
        text = good_text().replace("10;4000,25;Tytherington walking group;health,older people;Tytherington", change)
    elif case in ("cost not a number", "negative cost", "missing cost"):
        text = GOOD.replace("none_cost_placeholder", {"cost not a number": "12abc", "negative cost": "-5",
                                                      "missing cost": "none"}[case])
        message = {"cost not a number": "cost of project c7 '12abc' is not a number"}.get(case, message)
    elif case == "duplicate project":
        text = good_text().replace("VOTES", "10;1;x;none;none\nVOTES", 1)
    elif case == "unknown project in a vote":
        text = good_text() + "v5;99;1;none\n"
        line = 20
    elif case in ("project twice in a vote", "points do not match", "negative points", "points not a number"):
        text = good_text().replace("v3;9;5;51", change)
    elif case == "bad projects header":
        text = good_text().replace("project_id;cost;name", "id;cost;name")
    elif case == "bad votes header":
        text = good_text().replace("voter_id;vote;points;age", "voter;ballot;points;age")
    elif case == "repeated section":
        text = good_text() + "VOTES\n"
        line = 20
    elif case == "num_projects mismatch":
        text = good_text().replace("num_projects;3", "num_projects;4")
    elif case == "unterminated quote":
        text = good_text().replace('"Dementia café at St Michael\'s; Sundays"', '"Dementia café')
    with pytest.raises(PabulibError) as err:
        parse_pb(text)
    assert message in str(err.value)
    if line is not None:
        assert err.value.line == line and str(err.value).startswith(f"line {line}: ")


def test_file_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "latin1.pb"
    path.write_bytes(good_text().encode("latin-1", errors="replace").replace(b"caf\xe9", b"caf\xe9"))
    with pytest.raises(PabulibError, match="not UTF-8"):
        read_pb(path)


def test_cli_exits_2_naming_the_line(tmp_path):
    path = tmp_path / "broken.pb"
    path.write_text(good_text().replace("v3;9;5;51", "v3;9;5,1;51"), encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "pb.allocation", str(path), "--rule", "greedy-approval"],
                         cwd=REPO, capture_output=True, text=True)
    assert run.returncode == 2
    assert "line 18: the vote lists 1 projects but 2 points" in run.stderr
