"""Paper ballots keyed twice: a match counts, a mismatch goes to the queue and a third person
settles it, a spoilt paper is recorded with its reason, and one code is one ballot whatever
the channel."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from pb.errors import NotAllowed
from pb.events import paper, reconciliation
from pb.events.paper import Reading
from pb.extensions import db
from pb.models import Ballot, EventVote, PaperBallot, PaperEntry
from tests.factories import cast_as_code, check_in_person


def ids(proposals, *titles):
    return {p.id: 1 for p in proposals if p.title in titles}


@pytest.fixture
def people(day):
    hood, round_, proposals, event = day
    grace, sam, priya = (hood.users[k] for k in ("event_staff", "event_staff2", "officer"))
    return grace, sam, priya


def test_two_matching_entries_count_once(app, day, people):
    hood, round_, proposals, event = day
    grace, sam, _priya = people
    _, code = check_in_person(event, grace)
    choice = Reading(ids(proposals, "Men's Shed tool library", "Dementia-friendly cinema"))
    assert paper.enter(grace, event, code, choice).outcome == "first"
    assert db.session.scalar(select(func.count()).select_from(Ballot)) == 0
    assert paper.enter(grace, event, code, choice).outcome == "already"  # a double click
    with pytest.raises(paper.EventError) as same_person:
        paper.enter(grace, event, code, Reading(ids(proposals, "Men's Shed tool library")))
    assert "different person" in same_person.value.message
    keyed = paper.enter(sam, event, code, choice)
    assert keyed.outcome == "counted" and keyed.paper.status == "matched"
    ballot = db.session.scalar(select(Ballot))
    assert ballot.channel == "paper" and ballot.entered_by_id == sam.id
    assert {c.proposal_id for c in ballot.choices} == set(choice.choices)
    assert db.session.scalar(select(EventVote.channel)) == "paper"
    with pytest.raises(paper.EventConflict):
        paper.enter(hood.users["officer"], event, code, choice)


def test_a_mismatch_goes_to_the_queue_and_a_third_person_settles_it(app, day, people):
    hood, round_, proposals, event = day
    grace, sam, priya = people
    _, code = check_in_person(event, grace)
    paper.enter(grace, event, code, Reading(ids(proposals, "Men's Shed tool library")))
    keyed = paper.enter(sam, event, code, Reading(ids(proposals, "Dementia-friendly cinema")))
    assert keyed.outcome == "queue" and "differ on project" in keyed.paper.problem
    assert db.session.scalar(select(func.count()).select_from(Ballot)) == 0
    assert reconciliation.figures(event)["queue"] == 1
    for keyer in (grace, sam):
        with pytest.raises(NotAllowed):
            paper.resolve(keyer, event, keyed.paper,
                          Reading(ids(proposals, "Dementia-friendly cinema")))
    settled = paper.resolve(priya, event, keyed.paper,
                            Reading(ids(proposals, "Dementia-friendly cinema")))
    assert settled.paper.status == "resolved" and settled.paper.resolved_by_id == priya.id
    ballot = db.session.scalar(select(Ballot))
    assert [c.proposal.title for c in ballot.choices] == ["Dementia-friendly cinema"]
    assert db.session.scalar(select(func.count()).select_from(PaperEntry)) == 3


def test_a_spoilt_paper_is_recorded_with_its_reason(app, day, people):
    hood, round_, proposals, event = day
    grace, sam, _priya = people
    _, code = check_in_person(event, grace)
    paper.enter(grace, event, code, Reading({}, "Every box ticked and crossed out"))
    keyed = paper.enter(sam, event, code, Reading({}, "Every box ticked and crossed out"))
    assert keyed.outcome == "spoilt"
    assert keyed.paper.spoilt_reason == "Every box ticked and crossed out"
    figures = reconciliation.figures(event)
    assert (figures["entered"], figures["matched"], figures["spoilt"]) == (1, 0, 1)
    assert db.session.scalar(select(func.count()).select_from(Ballot)) == 0


def test_a_reading_that_breaks_the_rules_is_refused_until_recorded_as_spoilt(app, day, people):
    hood, round_, proposals, event = day
    grace, _sam, _priya = people
    round_.ballot_max_choices = 2
    db.session.commit()
    _, code = check_in_person(event, grace)
    with pytest.raises(paper.EventError) as refused:
        paper.enter(grace, event, code, Reading({p.id: 1 for p in proposals[:3]}))
    assert "the most you can choose is 2" in refused.value.message


def test_one_code_is_one_ballot_across_paper_tablet_and_online(app, day, people):
    hood, round_, proposals, event = day
    grace, sam, _priya = people
    _, code = check_in_person(event, grace)
    # Voted online (their phone, through the card's QR code) first...
    cast_as_code(round_, code, ids(proposals, "Men's Shed tool library"))
    # ...so the paper with the same code cannot count too.
    with pytest.raises(paper.EventError) as refused:
        paper.enter(grace, event, code, Reading(ids(proposals, "Dementia-friendly cinema")))
    assert "already been used" in refused.value.message
    paper.enter(grace, event, code, Reading({}, "code already used"))
    paper.enter(sam, event, code, Reading({}, "code already used"))
    assert db.session.scalar(select(func.count()).select_from(Ballot)) == 1


def test_a_code_that_votes_between_the_two_entries_spoils_the_paper(app, day, people):
    hood, round_, proposals, event = day
    grace, sam, _priya = people
    _, code = check_in_person(event, grace)
    choice = Reading(ids(proposals, "Dementia-friendly cinema"))
    paper.enter(grace, event, code, choice)
    cast_as_code(round_, code, ids(proposals, "Men's Shed tool library"))
    with pytest.raises(paper.EventError):
        paper.enter(sam, event, code, choice)
    assert db.session.scalar(select(func.count()).select_from(Ballot)) == 1


def test_the_entry_screen_is_keyboard_only_by_numbers(app, client, sign_in, day, people):
    hood, round_, proposals, event = day
    grace, sam, _priya = people
    _, code = check_in_person(event, grace)
    ticked = str(next(ep.number for ep in event.projects
                      if ep.proposal.title == "Men's Shed tool library"))
    sign_in(grace)
    page = client.get(f"/events/{event.id}/paper/enter").get_data(as_text=True)
    assert 'id="code"' in page and "autofocus" in page and 'id="ticked"' in page
    bad = client.post(f"/events/{event.id}/paper/enter", data={"code": code, "ticked": "99"})
    assert bad.status_code == 400 and "not a project number" in bad.get_data(as_text=True)
    first = client.post(f"/events/{event.id}/paper/enter", data={"code": code,
                                                                 "ticked": ticked})
    assert first.status_code == 303
    sign_in(sam)
    client.post(f"/events/{event.id}/paper/enter", data={"code": code, "ticked": ticked})
    assert db.session.scalar(select(PaperBallot.status)) == "matched"
    page = client.get(f"/events/{event.id}/paper").get_data(as_text=True)
    assert "Matched</dt><dd>1</dd>" in page
