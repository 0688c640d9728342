"""The demo: last year's certified online vote funding its 10 chosen proposals, a
certified decision day funding the 17 chosen proposals, an open vote with ballots and
printed codes, the same data when run twice."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from pb.extensions import db
from pb.models import Round
from pb.models.voting import Ballot, VotingCode
from tests.factories import date_boxes


@pytest.mark.slow
def test_demo_voting_is_complete_and_idempotent(app, runner, client):
    from pb.demo import ROUND_DECISION_DAY, ROUND_OPEN_VOTE
    from pb.demo.proposals import DECISION_DAY_FUNDED
    from pb.demo.voting import demo_codes
    from pb.results import services as results

    assert runner.invoke(args=["demo"]).exit_code == 0

    def snapshot():
        return (db.session.scalar(select(func.count()).select_from(Ballot)),
                db.session.scalar(select(func.count()).select_from(VotingCode)),
                sorted(db.session.scalars(select(Ballot.receipt_hash))),
                demo_codes())

    first = snapshot()
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert snapshot() == first

    decision = db.session.scalar(select(Round).where(Round.name == ROUND_DECISION_DAY))
    outcome = results.result_for(decision)
    assert outcome.is_certified and decision.status == "results"
    assert outcome.ballots_counted >= 200
    titles = {r["id"]: r["title"] for r in results.result_rows(outcome, decision)}
    assert sorted(titles[pid] for pid in outcome.selected) == sorted(DECISION_DAY_FUNDED)
    assert outcome.certified_by_id != outcome.tallied_by_id
    _shows_wieliczka_style_metrics(client, decision, outcome)

    _last_years_vote_is_certified()

    open_vote = db.session.scalar(select(Round).where(Round.name == ROUND_OPEN_VOTE))
    assert open_vote.status == "voting"
    assert db.session.scalar(select(func.count()).select_from(Ballot).where(
        Ballot.round_id == open_vote.id)) > 20
    assert len(first[3]) == 5


@pytest.mark.slow
def test_demo_resident_and_demo_codes_can_vote(app, runner, client):
    from pb.demo import ROUND_OPEN_VOTE
    from pb.demo.voting import demo_codes

    assert runner.invoke(args=["demo"]).exit_code == 0
    open_vote = db.session.scalar(select(Round).where(Round.name == ROUND_OPEN_VOTE))
    code = demo_codes()[0]
    response = client.post(f"/rounds/{open_vote.id}/vote/code", data={
        "code": code, "postcode": "SK11 6AA", **date_boxes(date(1970, 6, 1))})
    assert response.status_code == 303
    page = client.get(f"/rounds/{open_vote.id}/vote").get_data(as_text=True)
    assert 'name="project"' in page and "Macclesfield Central projects" in page
    assert demo_codes()[0] == code  # not used until a ballot is cast

    client.post("/account/logout")
    client2 = app.test_client()
    login = client2.post("/account/login", data={"email": "resident@demo.pb.localhost",
                                                 "password": "demo-resident-silk-2026"})
    assert login.status_code == 302
    page = client2.get(f"/rounds/{open_vote.id}/vote").get_data(as_text=True)
    assert "Macclesfield Hurdsfield projects" in page and 'name="project"' in page


def _last_years_vote_is_certified():
    from pb.demo import ROUND_PAST
    from pb.demo.proposals import PAST_FUNDED
    from pb.results import services as results

    past = db.session.scalar(select(Round).where(Round.name == ROUND_PAST))
    outcome = results.result_for(past)
    assert outcome.is_certified and past.status == "results"
    assert outcome.certified_by_id != outcome.tallied_by_id
    assert outcome.ballots_counted > 150 and outcome.rule == "greedy-approval"
    titles = {r["id"]: r["title"] for r in results.result_rows(outcome, past)}
    assert sorted(titles[pid] for pid in outcome.selected) == sorted(PAST_FUNDED)
    channels = set(db.session.scalars(select(Ballot.channel).where(Ballot.round_id == past.id)))
    assert channels == {"account", "code"}


def _shows_wieliczka_style_metrics(client, round_, result):
    """The demo's certified round publishes, per rule, who got nothing and how fairly wards fared."""
    from pb.allocation import COMPARISON_RULES

    comparison = client.get(f"/api/v1/rounds/{round_.id}/results").get_json()["comparison"]
    assert set(COMPARISON_RULES) <= set(comparison)
    for rule, figures in comparison.items():
        metrics = figures["metrics"]
        reached, nothing = metrics["voters_with_funded_project"], metrics["voters_with_nothing_funded"]
        assert 0 < reached <= 1 and abs(reached + nothing - 1) < 0.001, rule
        assert 0 < metrics["share_of_budget_spent"] <= 1, rule
        assert metrics["per_ward"], rule  # a proportionality figure per ward
    assert comparison[result.rule]["selected"] == sorted(result.computed_selected) or set(
        comparison[result.rule]["selected"]) == set(result.computed_selected)
    page = client.get(f"/rounds/{round_.id}/results").get_data(as_text=True)
    assert "Voters with at least one funded project they voted for" in page
