"""Each kind of bad ballot is refused with a message saying what to change, choices kept."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from pb.extensions import db
from pb.models.voting import Ballot
from tests.factories import close_voting, make_ballot_round, make_proposal


def _post(client, round_, data):
    response = client.post(f"/rounds/{round_.id}/vote", data=data)
    return response, response.get_data(as_text=True)


def _no_ballots():
    return db.session.scalar(select(func.count()).select_from(Ballot)) == 0


def test_approval_too_many_and_too_few(client, sign_in, neighbourhood):
    round_, projects = make_ballot_round(neighbourhood, ballot_min_choices=2,
                                         ballot_max_choices=3)
    sign_in(neighbourhood.users["resident"])
    response, page = _post(client, round_, {"project": [p.id for p in projects[:5]]})
    assert response.status_code == 400
    assert "You chose 5 projects; the most you can choose is 3. Remove 2." in page
    for p in projects[:5]:  # every tick kept
        assert re.search(rf'value="{p.id}"\s+checked', page)
    response, page = _post(client, round_, {"project": [projects[0].id]})
    assert response.status_code == 400
    assert "Choose at least 2 projects (you chose 1)." in page
    response, page = _post(client, round_, {})
    assert response.status_code == 400 and "Choose at least 2 projects" in page
    assert _no_ballots()


def test_budget_over_budget_and_under_minimum_share(client, sign_in, neighbourhood):
    round_, projects = make_ballot_round(neighbourhood, design="budget", budget_pence=15_000_00,
                                         rule="greedy-cost", ballot_min_budget_percent=70)
    sign_in(neighbourhood.users["resident"])
    # 9,000 + 8,000 = 17,000 > 15,000
    response, page = _post(client, round_, {"project": [projects[1].id, projects[5].id]})
    assert response.status_code == 400
    assert "Your choices cost £17,000, £2,000 more than the £15,000 you have" in page
    assert "<title>Error: " in page
    assert re.search(rf'value="{projects[5].id}"\s+checked', page)
    # 3,000 < 70% of 15,000 = 10,500
    response, page = _post(client, round_, {"project": [projects[2].id]})
    assert response.status_code == 400
    assert "Use at least 70% of your budget (£10,500): your choices cost £3,000" in page
    assert _no_ballots()


def test_budget_ballot_on_a_share_of_the_budget(client, sign_in, neighbourhood):
    round_, projects = make_ballot_round(neighbourhood, design="budget", budget_pence=20_000_00,
                                         rule="greedy-cost", ballot_budget_percent=50)
    sign_in(neighbourhood.users["resident"])
    response, page = _post(client, round_, {"project": [projects[0].id, projects[3].id]})
    assert response.status_code == 400  # 10,500 > 50% of 20,000
    assert "more than the £10,000 you have" in page
    response, _ = _post(client, round_, {"project": [projects[0].id, projects[2].id]})
    assert response.status_code == 303


def test_points_over_the_total_and_over_the_per_project_cap(client, sign_in, neighbourhood):
    round_, projects = make_ballot_round(neighbourhood, design="points", ballot_points_total=10,
                                         ballot_points_per_project_max=5)
    sign_in(neighbourhood.users["resident"])
    response, page = _post(client, round_, {f"points-{projects[0].id}": "5",
                                            f"points-{projects[1].id}": "5",
                                            f"points-{projects[2].id}": "2"})
    assert response.status_code == 400
    assert "You gave out 12 points but you have 10. Take 2 away." in page
    assert 'value="2"' in page  # typed values kept
    response, page = _post(client, round_, {f"points-{projects[0].id}": "7"})
    assert response.status_code == 400
    assert "At most 5 points on one project" in page
    assert f'href="#points-{projects[0].id}"' in page
    response, page = _post(client, round_, {f"points-{projects[0].id}": "-1"})
    assert response.status_code == 400 and "Give a whole number of points" in page
    response, page = _post(client, round_, {f"points-{projects[0].id}": "lots"})
    assert response.status_code == 400 and 'value="lots"' not in page
    assert _no_ballots()


@pytest.mark.parametrize("value", ["6", "-1", "2.5", "five"])
def test_scores_out_of_range(client, sign_in, neighbourhood, value):
    round_, projects = make_ballot_round(neighbourhood, design="scores")
    sign_in(neighbourhood.users["resident"])
    response, page = _post(client, round_, {f"points-{projects[0].id}": value,
                                            f"points-{projects[1].id}": "3"})
    assert response.status_code == 400
    assert "Give a whole number from 0 to 5." in page
    assert re.search(r'<option value="3"\s+selected>', page)
    assert _no_ballots()


def test_scores_need_at_least_one_project_scored(client, sign_in, neighbourhood):
    round_, projects = make_ballot_round(neighbourhood, design="scores")
    sign_in(neighbourhood.users["resident"])
    response, page = _post(client, round_, {f"points-{p.id}": "0" for p in projects})
    assert response.status_code == 400 and "Score at least 1 project above 0." in page


def test_ranking_same_project_twice_and_too_few(client, sign_in, neighbourhood):
    round_, projects = make_ballot_round(neighbourhood, design="ranking", ballot_rank_length=3,
                                         ballot_min_choices=2, rule="phragmen")
    sign_in(neighbourhood.users["resident"])
    response, page = _post(client, round_, {"rank-1": projects[0].id, "rank-2": projects[0].id})
    assert response.status_code == 400
    assert "You put this project at number 1 already" in page
    assert "Rank at least 2 projects." in page
    # The first choice is kept in its place.
    assert re.search(rf'<select id="rank-1" name="rank-1"[^>]*>.*?<option value="{projects[0].id}"'
                     r"\s+selected>", page, re.S)
    assert _no_ballots()


def test_project_not_in_the_round_is_refused(client, sign_in, neighbourhood):
    round_, projects = make_ballot_round(neighbourhood)
    other_round = neighbourhood.rounds["voting"]
    stranger = make_proposal(other_round, "Congleton park run", 2_000_00)
    withdrawn = make_proposal(round_, "Withdrawn idea", 1_000_00, status="withdrawn")
    db.session.commit()
    sign_in(neighbourhood.users["resident"])
    for bad in (stranger.id, withdrawn.id, "999999", "not-a-number"):
        response, page = _post(client, round_, {"project": [projects[0].id, bad]})
        assert response.status_code == 400
        assert "One of your choices is not a project on this ballot" in page
        assert re.search(rf'value="{projects[0].id}"\s+checked', page)
    assert _no_ballots()


def test_ballot_after_voting_closed_is_refused(client, sign_in, neighbourhood):
    round_, projects = make_ballot_round(neighbourhood)
    sign_in(neighbourhood.users["resident"])
    close_voting(round_)
    response, page = _post(client, round_, {"project": [projects[0].id]})
    assert response.status_code == 400
    assert "Voting is not open" in page and "closed on" in page
    assert _no_ballots()
    assert client.get(f"/rounds/{round_.id}/vote").status_code == 200


def test_ballot_before_voting_opens_is_refused(client, sign_in, neighbourhood):
    round_ = neighbourhood.rounds["proposals"]
    sign_in(neighbourhood.users["resident"])
    response, page = _post(client, round_, {"project": ["1"]})
    assert response.status_code == 400 and "Voting is not open" in page
