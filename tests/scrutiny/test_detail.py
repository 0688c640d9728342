"""Scrutiny's read-only view of decisions and their reasons, never how anyone voted."""

from __future__ import annotations

import json

from pb.extensions import db
from pb.models import InterestDeclaration, ProposalStatusChange, ProposalVersion, RoundResult


def _decisions(neighbourhood, w):
    officer = neighbourhood.users["officer"]
    project = w["projects"][3]
    db.session.add(ProposalStatusChange(proposal_id=project.id, from_status="submitted",
                                        to_status="ineligible", changed_by_id=officer.id,
                                        changed_as="officer",
                                        reason="The hall is outside the area."))
    db.session.add(ProposalVersion(proposal_id=project.id, number=2, changed_by_id=officer.id,
                                   changed_as="officer", reason="Quote updated by the venue.",
                                   changes_json=json.dumps({"cost_pence": [7_500_00,
                                                                           8_000_00]})))
    result = db.session.query(RoundResult).filter_by(round_id=w["decided"].id).one()
    result.override_selected_json = json.dumps([p.pb_id for p in w["projects"][:2]])
    result.override_reason = "The tool library found another funder."
    result.override_by_id = neighbourhood.users["officer2"].id
    cafe = w["grants"][0]
    cafe.rag_override, cafe.rag_override_reason = "green", "Late return agreed in advance."
    db.session.add(InterestDeclaration(grant_id=cafe.id, user_id=neighbourhood.users["grant_officer"].id,
                                       nature="My mother attends the cafe."))
    db.session.commit()


def test_scrutiny_sees_each_decision_with_who_and_why(client, sign_in, world):
    hood, w = world
    _decisions(hood, w)
    sign_in(hood.users["scrutiny"])
    page = client.get("/scrutiny/detail").get_data(as_text=True)
    for words in ("The hall is outside the area.", "Quote updated by the venue.", "£7,500",
                  "The tool library found another funder.", "Late return agreed in advance.",
                  "Sessions stopped for the winter.", "Tools bought second-hand for less.",
                  "My mother attends the cafe.", "Priya", "Tom"):
        assert words in page, words
    assert "<form" not in page.split("<main")[1]  # read-only: nothing to submit


def test_the_round_filter_narrows_the_decisions(client, sign_in, world):
    hood, w = world
    _decisions(hood, w)
    sign_in(hood.users["scrutiny"])
    other = hood.rounds["voting"].id
    page = client.get(f"/scrutiny/detail?round={other}").get_data(as_text=True)
    assert "The hall is outside the area." not in page
    assert "The tool library found another funder." not in page


def test_nothing_on_the_page_links_a_person_to_a_ballot(client, sign_in, world):
    hood, _w = world
    sign_in(hood.users["scrutiny"])
    page = client.get("/scrutiny/detail").get_data(as_text=True).lower()
    for word in ("ballot", "receipt", "voter", "voted for"):
        assert word not in page.split("<main")[1].replace("how anyone voted", "")
