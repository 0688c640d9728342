"""Rounds with ward budgets: a voter gets their own ward's ballot (and what the round adds)."""

from __future__ import annotations

import re

from sqlalchemy import select

from pb.extensions import db
from pb.models.voting import Ballot
from tests.factories import add_ward_budgets, make_ballot_round, make_proposal


def _ward_round(neighbourhood, ward_ballot, design="budget"):
    round_, _ = make_ballot_round(neighbourhood, design=design, rule="greedy-approval", projects=[],
                                  budget_pence=30_000_00, ward_ballot=ward_ballot)
    wards = neighbourhood.wards
    add_ward_budgets(round_, {wards["Macclesfield Hurdsfield"]: 8_000_00,
                              wards["Macclesfield South"]: 8_000_00,
                              wards["Macclesfield Central"]: 8_000_00})
    projects = {
        "hurdsfield": make_proposal(round_, "Hurdsfield allotment", 5_000_00,
                                    wards=[wards["Macclesfield Hurdsfield"]]),
        "south": make_proposal(round_, "Moss Rose walking football", 4_000_00,
                               wards=[wards["Macclesfield South"]]),
        "central": make_proposal(round_, "Central library chat club", 3_000_00,
                                 wards=[wards["Macclesfield Central"]]),
        "area": make_proposal(round_, "Town-wide carers' helpline", 6_000_00),
    }
    db.session.commit()
    return round_, projects


def test_own_ward_and_area(client, sign_in, neighbourhood):
    round_, projects = _ward_round(neighbourhood, "own_ward_and_area")
    sign_in(neighbourhood.users["resident"])  # SK10 2LH: Hurdsfield
    page = client.get(f"/rounds/{round_.id}/vote").get_data(as_text=True)
    assert "Hurdsfield allotment" in page and "Town-wide carers" in page
    assert "Moss Rose" not in page and "Central library" not in page
    assert "Macclesfield Hurdsfield projects (£8,000)" in page
    assert "Projects for the whole of Macclesfield (£6,000)" in page
    # Another ward's project is not on this voter's ballot.
    refused = client.post(f"/rounds/{round_.id}/vote", data={"project": [projects["south"].id]})
    assert refused.status_code == 400
    ok = client.post(f"/rounds/{round_.id}/vote",
                     data={"project": [projects["hurdsfield"].id, projects["area"].id]})
    assert ok.status_code == 303


def test_own_ward_only(client, sign_in, neighbourhood):
    round_, _projects = _ward_round(neighbourhood, "own_ward")
    sign_in(neighbourhood.users["resident2"])  # SK11 7AB: South
    page = client.get(f"/rounds/{round_.id}/vote").get_data(as_text=True)
    assert "Moss Rose walking football" in page
    assert "Hurdsfield allotment" not in page and "Town-wide" not in page


def test_own_ward_and_one_other_of_their_choice(client, sign_in, neighbourhood):
    round_, projects = _ward_round(neighbourhood, "own_ward_and_one_other")
    sign_in(neighbourhood.users["resident"])
    page = client.get(f"/rounds/{round_.id}/vote").get_data(as_text=True)
    assert "Hurdsfield allotment" in page and "Moss Rose" not in page
    assert re.search(r'<select id="other_ward" name="other_ward"', page)
    south = neighbourhood.wards["Macclesfield South"].id
    # Without JavaScript: "Show its projects" re-renders with the other ward.
    shown = client.post(f"/rounds/{round_.id}/vote", data={"other_ward": south, "check": "ward"})
    assert shown.status_code == 200 and "Moss Rose walking football" in shown.get_data(as_text=True)
    assert "Central library" not in shown.get_data(as_text=True)
    ok = client.post(f"/rounds/{round_.id}/vote", data={
        "other_ward": south, "project": [projects["hurdsfield"].id, projects["south"].id]})
    assert ok.status_code == 303
    ballot = db.session.scalar(select(Ballot))
    assert ballot.other_ward_id == south
    # Their own ward cannot be picked as the "other" ward, nor a third ward's project slipped in.
    bad = client.post(f"/rounds/{round_.id}/vote", data={
        "other_ward": south, "replaces": ballot.id,
        "project": [projects["hurdsfield"].id, projects["central"].id]})
    assert bad.status_code == 400


def test_each_ward_section_keeps_to_its_own_money(client, sign_in, neighbourhood):
    round_, projects = _ward_round(neighbourhood, "own_ward_and_area")
    extra = make_proposal(round_, "Hurdsfield bike repair", 4_000_00,
                          wards=[neighbourhood.wards["Macclesfield Hurdsfield"]])
    db.session.commit()
    sign_in(neighbourhood.users["resident"])
    response = client.post(f"/rounds/{round_.id}/vote",
                           data={"project": [projects["hurdsfield"].id, extra.id]})
    assert response.status_code == 400
    assert ("Macclesfield Hurdsfield projects: your choices cost £9,000, £1,000 more than the "
            "£8,000 you have") in response.get_data(as_text=True)
