"""Results for residents: plain reasons, the order of projects, where the money went, the
technical detail, and the same ballots under other rules (stored at the count, in the page
and the API), checked against the core called directly."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from pb.allocation import COMPARISON_RULES, allocate, compare
from pb.extensions import db
from pb.models.voting import BALLOT_COUNTED, Ballot, Voter
from pb.results import presenting, services
from pb.voting import keys
from tests.factories import (
    add_ward_budgets,
    build_counted_round,
    cast_for,
    close_voting,
    make_ballot_round,
    make_proposal,
    make_voter,
)


def _certified(neighbourhood, counted):
    services.tally(counted.round, neighbourhood.users["officer"])
    return services.certify(counted.round, neighbourhood.users["officer2"])


def test_page_gives_each_project_a_plain_reason_and_hides_the_trace(client, neighbourhood, counted):
    _certified(neighbourhood, counted)
    page = client.get(f"/rounds/{counted.round.id}/results").get_data(as_text=True)
    # Cinema (6,000, 3 votes) was not funded: £3,500 was left when its turn came.
    assert "Not funded: £3,500 was left when its turn came and it costs £6,000" in page
    assert "Funded: 1st most supported (6 votes); £20,000 was left when its turn came." in page
    assert "How winners were chosen: Most votes first." in page
    before, _, detail = page.partition('<details class="technical"')
    assert "greedy-approval" not in before  # the code only in the technical detail
    assert "greedy-approval" in detail and "ranked 4th of 6 by votes" in detail
    assert "In all, £3,500 of the £20,000 budget was not spent" in before
    assert "The same ballots under other rules" in before


def test_funded_first_in_order_funded_then_the_rest_in_rank_order(neighbourhood):
    # Points: walking 12, shed 10, cinema 6, cafe 3, cooking 2, carers 1.
    ballots = [{0: 6, 2: 4}, {0: 6, 3: 4}, {2: 6, 3: 2, 1: 2}, {1: 1, 4: 2, 5: 1, 0: 0}]
    counted = build_counted_round(neighbourhood, design="points", rule="greedy-points", ballots=ballots,
                                  ballot_points_total=10)
    result = services.tally(counted.round, None)
    rows = presenting.result_rows(result, counted.round)
    funded = [r for r in rows if r["selected"]]
    rest = [r for r in rows if not r["selected"]]
    assert [r["id"] for r in funded] == result.selected
    assert rows[: len(funded)] == funded
    assert [r["rank"] for r in rest] == sorted(r["rank"] for r in rest)
    ordinals = [int(re.search(r"\((\d+)(?:st|nd|rd|th) most points\)", r["reason"]).group(1)) for r in rest]
    assert ordinals == sorted(ordinals)


def test_comparison_is_stored_at_the_count_and_matches_the_core(client, neighbourhood, counted):
    result = _certified(neighbourhood, counted)
    instance = services.instance_from_round(counted.round)
    profile = services.profile_from_ballots(counted.round, instance)
    direct = compare(instance, profile, COMPARISON_RULES, "id",
                     services.constraints_for(counted.round, profile.num_voters))
    assert result.comparison == direct.summary()
    for rule in COMPARISON_RULES:
        alone = allocate(instance, profile, rule, "id",
                         services.constraints_for(counted.round, profile.num_voters))
        assert result.comparison[rule]["selected"] == list(alone.selected)
        assert result.comparison[rule]["metrics"]["voters_with_funded_project"] == \
            alone.metrics["voters_with_funded_project"]
    data = client.get(f"/api/v1/rounds/{counted.round.id}/results").get_json()
    assert set(data["comparison"]) == set(COMPARISON_RULES)
    for entry in data["comparison"].values():
        assert set(entry) == {"selected", "spent", "metrics"}
        assert {"voters_with_funded_project", "share_of_budget_spent",
                "avg_share_of_approved_spending_funded", "ward_proportionality"} <= set(entry["metrics"])
    assert data["projects"][counted.projects[3].pb_id]["reason"].startswith("Not funded: £3,500")


def test_pages_read_the_stored_comparison_without_running_a_rule(client, neighbourhood, counted,
                                                                 monkeypatch):
    _certified(neighbourhood, counted)

    def refuse(*_a, **_k):
        raise AssertionError("a page ran a rule")
    monkeypatch.setattr(services, "comparison_summary", refuse)
    monkeypatch.setattr(services, "allocate", refuse)
    assert client.get(f"/rounds/{counted.round.id}/results").status_code == 200
    assert client.get(f"/api/v1/rounds/{counted.round.id}/results").status_code == 200


def _ward_round(neighbourhood, leftover):
    round_, _ = make_ballot_round(neighbourhood, name=f"Ward pots {leftover}", projects=[],
                                  budget_pence=9_500_00, ward_leftover=leftover)
    hurdsfield = neighbourhood.wards["Macclesfield Hurdsfield"]
    add_ward_budgets(round_, {hurdsfield: 5_000_00})
    allotment = make_proposal(round_, "Hurdsfield allotment", 4_000_00, wards=[hurdsfield])
    helpline = make_proposal(round_, "Town-wide carers' helpline", 5_500_00)
    db.session.commit()
    cast_for(round_, neighbourhood.users["resident"], {allotment.id: 1, helpline.id: 1})
    close_voting(round_)
    return round_, allotment, helpline


@pytest.mark.parametrize("leftover, funded_helpline, said", [
    ("pooled", True, "the £1,000 left was pooled into the area-wide budget"),
    ("returned", False, "the £1,000 left was not spent and goes back to the partnership"),
    ("rollover", False, "the £1,000 left is added to Macclesfield Hurdsfield ward's budget in the next round"),
])
def test_where_a_wards_leftover_went_is_stated(client, sign_in, neighbourhood, leftover,
                                               funded_helpline, said):
    round_, allotment, helpline = _ward_round(neighbourhood, leftover)
    result = services.tally(round_, None)
    assert (helpline.pb_id in result.selected) is funded_helpline
    sign_in(neighbourhood.users["officer"])
    page = html.unescape(client.get(f"/rounds/{round_.id}/results").get_data(as_text=True))
    assert said in page
    assert "city-wide" not in page
    assert "Macclesfield Hurdsfield ward's own budget of £5,000" in page


# Before certifying (issue 13, item 5) ---------------------------------------------------

def test_certifying_needs_the_tick_that_the_officer_has_read_the_count(client, sign_in,
                                                                      neighbourhood, counted):
    round_ = counted.round
    services.tally(round_, neighbourhood.users["officer"])
    sign_in(neighbourhood.users["officer2"])
    page = html.unescape(client.get(f"/rounds/{round_.id}/results").get_data(as_text=True))
    assert "Before you certify: the count explained" in page
    assert "This is the first count of this round" in page
    assert "0 changed by their voters; 0 replaced by a later ballot" in page
    assert "Ballots held back" in page and "None: every paper ballot" in page
    assert 'name="read_it"' in page
    refused = client.post(f"/rounds/{round_.id}/results/certify", data={})
    assert refused.status_code == 400
    assert "Tick that you have read the count explained above" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert services.result_for(round_).certified_at is None
    # The check is the service's, whoever calls it.
    with pytest.raises(services.ResultError):
        services.certify(round_, neighbourhood.users["officer2"], read_it=False)
    assert client.post(f"/rounds/{round_.id}/results/certify",
                       data={"read_it": "y"}).status_code == 303
    db.session.expire_all()
    assert services.result_for(round_).certified_at is not None


def test_the_review_shows_what_changed_since_the_provisional_count(client, sign_in, neighbourhood,
                                                                   counted):
    round_ = counted.round
    services.tally(round_, neighbourhood.users["officer"])
    # Two more ballots for the cinema, and one voter changes their mind: counted again.
    round_.voting_close_at = None
    db.session.commit()
    for n in (20, 21, 22):
        cast_for(round_, make_voter(n), {counted.projects[3].id: 1, counted.projects[5].id: 1})
    previous = db.session.scalar(select(Ballot.id).join(Voter, Voter.id == Ballot.voter_id).where(
        Voter.account_key == keys.account_key(round_.id, counted.voters[0].id),
        Ballot.status == BALLOT_COUNTED))
    cast_for(round_, counted.voters[0], {counted.projects[3].id: 1}, replaces=previous)
    close_voting(round_)
    services.tally(round_, neighbourhood.users["officer"])
    sign_in(neighbourhood.users["officer2"])
    page = html.unescape(client.get(f"/rounds/{round_.id}/results").get_data(as_text=True))
    review = page.split("Before you certify", 1)[1].split("</section>", 1)[0]
    assert "had 13 ballots; this one has 16" in review
    assert "Now funded: Dementia-friendly cinema" in review
    assert "1 changed by their voters" in review
    assert "The same ballots under other rules" in review
