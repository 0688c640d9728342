"""The frozen data types refuse what would make a count ambiguous."""
from __future__ import annotations

from fractions import Fraction

import pytest

from pb.allocation import Ballot, Instance, Profile, Project


def test_money_is_exact():
    assert Project("walk", Fraction(9, 3)).cost == 3 and isinstance(Project("walk", Fraction(9, 3)).cost, int)
    with pytest.raises(TypeError, match="exact"):
        Project("walk", 4500.0)
    with pytest.raises(ValueError, match="negative"):
        Project("walk", -1)


def test_instance_refuses_duplicate_ids_and_keeps_string_ids():
    with pytest.raises(ValueError, match="twice"):
        Instance((Project("9", 1), Project("9", 2)), 10)
    inst = Instance((Project("10", 1, "Repair café"), Project("9", 2, "Men's shed tools")), 10)
    assert inst.project("10").name == "Repair café" and "9" in inst and inst.ids == ["10", "9"]


def test_profile_merges_identical_ballots_in_any_order():
    a = Profile.from_ballots("approval", [["walk", "cafe"], ["cafe", "walk"], ["cafe"]])
    b = Profile.from_ballots("approval", [["cafe"], ["walk", "cafe"], ["walk", "cafe"]])
    assert a == b and Ballot(("cafe", "walk"), None, 2) in a.ballots and a.num_voters == 3
    ranked = Profile.from_ballots("ordinal", [["walk", "cafe"], ["cafe", "walk"]])
    assert len(ranked.ballots) == 2  # order matters for ranked ballots
    points = Profile.from_ballots("cumulative", [{"walk": 3, "cafe": 0}])
    assert points.ballots[0].approved() == ("walk",)  # 0 points is not support
    assert points.point_totals() == {"cafe": 0, "walk": 3}
    with pytest.raises(ValueError, match="twice"):
        Profile.from_ballots("approval", [["walk", "walk"]])
    with pytest.raises(ValueError, match="kind"):
        Profile.from_ballots("preferential", [])
