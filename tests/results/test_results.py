"""Tally, certification by a second officer, overrides, the frozen result, the CLI and the API."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from pb.allocation import parse_pb
from pb.extensions import db
from pb.models import AuditEntry, Round
from pb.models.result import RoundResult
from pb.results import services
from tests.factories import build_counted_round, cast_for, close_voting, make_ballot_round

# Votes: walking 6, cafe 6, shed 4, cinema 3, cooking 2, carers 3. Greedy by votes with
# ties to the smaller id: walking (4,500), cafe (9,000), shed (3,000) = 16,500; cinema
# (6,000) no longer fits; carers (8,000) no; cooking (7,500) no.
EXPECTED = [0, 1, 2]


def _ids(counted, indexes):
    return [counted.projects[i].pb_id for i in indexes]


def _audit(action):
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)).all()


def test_tally_is_refused_before_voting_closes(client, sign_in, neighbourhood, runner):
    counted = build_counted_round(neighbourhood, close=False)
    sign_in(neighbourhood.users["officer"])
    response = client.post(f"/rounds/{counted.round.id}/results/tally")
    assert response.status_code == 400
    assert "Voting has not closed yet" in response.get_data(as_text=True)
    result = runner.invoke(args=["tally", str(counted.round.id)])
    assert result.exit_code != 0 and "Voting has not closed yet" in result.output
    assert db.session.scalar(select(RoundResult)) is None


def test_tally_then_certification_by_a_second_officer(client, sign_in, neighbourhood, counted):
    round_id = counted.round.id
    # Before any count: the public sees "being checked"; the API has no result.
    assert "Results are being checked" in client.get(f"/rounds/{round_id}/results").get_data(
        as_text=True)
    assert client.get(f"/api/v1/rounds/{round_id}/results").status_code == 404

    sign_in(neighbourhood.users["officer"])
    response = client.post(f"/rounds/{round_id}/results/tally")
    assert response.status_code == 303
    result = db.session.scalar(select(RoundResult))
    assert result.selected == _ids(counted, EXPECTED)
    assert result.ballots_counted == 13 and result.rule == "greedy-approval"
    assert result.tallied_by_id == neighbourhood.users["officer"].id
    page = client.get(f"/rounds/{round_id}/results").get_data(as_text=True)
    assert "Provisional" in page and "a different officer" in page

    # Not yet public.
    client.post("/account/logout")
    assert "Results are being checked" in client.get(f"/rounds/{round_id}/results").get_data(
        as_text=True)
    assert client.get(f"/api/v1/rounds/{round_id}/results").status_code == 404

    # The officer who counted cannot certify.
    sign_in(neighbourhood.users["officer"])
    refused = client.post(f"/rounds/{round_id}/results/certify")
    assert refused.status_code == 403
    assert "A second officer must certify" in refused.get_data(as_text=True)
    # Nor can an officer of another partnership.
    sign_in(neighbourhood.users["other_officer"])
    assert client.post(f"/rounds/{round_id}/results/certify").status_code == 403

    sign_in(neighbourhood.users["officer2"])
    assert client.post(f"/rounds/{round_id}/results/certify", data={"read_it": "y"}).status_code == 303
    db.session.expire_all()
    result = db.session.scalar(select(RoundResult))
    round_ = db.session.get(Round, round_id)
    assert result.certified_by_id == neighbourhood.users["officer2"].id
    assert round_.results_published_at is not None and round_.status == "results"
    assert [e.actor_id for e in _audit("result.certified")] == [neighbourhood.users["officer2"].id]

    client.post("/account/logout")
    page = client.get(f"/rounds/{round_id}/results").get_data(as_text=True)
    assert "Certified and published" in page
    assert "Tytherington walking group" in page and "Funded" in page
    assert "Most votes first" in page  # the rule explained
    assert f"/api/v1/rounds/{round_id}/ballots.pb" in page
    assert "Not funded:" in page  # the core's explanation, in plain English

    data = client.get(f"/api/v1/rounds/{round_id}/results").get_json()
    assert set(data) >= {"rule", "tie_break", "budget", "spent", "certified", "selected",
                         "projects", "override"}
    assert data["rule"] == "greedy-approval" and data["tie_break"] == "id"
    assert data["budget"] == 20_000_00 and data["spent"] == 16_500_00
    assert data["certified"] is True and data["override"] is None
    assert data["selected"] == _ids(counted, EXPECTED)
    walking = data["projects"][counted.projects[0].pb_id]
    assert walking["cost"] == 4_500_00 and walking["votes"] == 6 and walking["selected"] is True
    assert walking["explanation"]
    cinema = data["projects"][counted.projects[3].pb_id]
    assert cinema["selected"] is False and "Not funded" in cinema["explanation"]


def test_a_certified_result_is_frozen(client, sign_in, neighbourhood, counted, runner):
    round_ = counted.round
    services.tally(round_, neighbourhood.users["officer"])
    services.certify(round_, neighbourhood.users["officer2"])
    stored = db.session.scalar(select(RoundResult)).outcome_json
    sign_in(neighbourhood.users["officer"])
    again = client.post(f"/rounds/{round_.id}/results/tally")
    assert again.status_code == 409
    assert "certified and published, so it cannot be counted again" in again.get_data(
        as_text=True)
    cli = runner.invoke(args=["tally", str(round_.id)])
    assert cli.exit_code != 0 and "certified" in cli.output
    override = client.post(f"/rounds/{round_.id}/results/override", data={
        "selected": _ids(counted, [0]), "reason": "Trying to change a certified result."})
    assert override.status_code == 409
    sign_in(neighbourhood.users["admin"])
    assert client.post(f"/rounds/{round_.id}/results/certify").status_code == 409
    db.session.expire_all()
    assert db.session.scalar(select(RoundResult)).outcome_json == stored


def test_override_needs_a_written_reason_shown_publicly(client, sign_in, neighbourhood, counted,
                                                        runner):
    round_id = counted.round.id
    assert runner.invoke(args=["tally", counted.round.name]).exit_code == 0
    sign_in(neighbourhood.users["officer"])
    # Swap the shed (3,000) for the cinema (6,000): walking + cafe + cinema = 19,500.
    wanted = _ids(counted, [0, 1, 3])
    no_reason = client.post(f"/rounds/{round_id}/results/override",
                            data={"selected": wanted, "reason": "  "})
    assert no_reason.status_code == 400
    page = no_reason.get_data(as_text=True)
    assert "Explain the change" in page
    assert f'value="{counted.projects[3].pb_id}" checked' in page  # choices kept
    over = client.post(f"/rounds/{round_id}/results/override", data={
        "selected": _ids(counted, [0, 1, 3, 5]), "reason": "Trying to fund more than we have."})
    assert over.status_code == 400
    assert "Make an exception to: The total budget of £20,000: the projects chosen cost " \
           "£27,500." in over.get_data(as_text=True)
    same = client.post(f"/rounds/{round_id}/results/override", data={
        "selected": _ids(counted, EXPECTED), "reason": "Nothing really changes here at all."})
    assert same.status_code == 400

    reason = ("The Men's Shed tool library and the cinema both need the Hurdsfield Centre hall "
              "on Saturdays; the shed has agreed to wait for the next round.")
    ok = client.post(f"/rounds/{round_id}/results/override",
                     data={"selected": wanted, "reason": reason})
    assert ok.status_code == 303
    entry = _audit("result.overridden")[0]
    assert entry.actor_id == neighbourhood.users["officer"].id
    assert entry.after["reason"] == reason and entry.after["computed"] == _ids(counted, EXPECTED)

    # The officer who overrode cannot certify; another can.
    assert client.post(f"/rounds/{round_id}/results/certify").status_code == 403
    sign_in(neighbourhood.users["officer2"])
    assert client.post(f"/rounds/{round_id}/results/certify", data={"read_it": "y"}).status_code == 303
    client.post("/account/logout")
    page = client.get(f"/rounds/{round_id}/results").get_data(as_text=True)
    assert "The partnership changed the computed result" in page
    assert "the shed has agreed to wait" in page
    data = client.get(f"/api/v1/rounds/{round_id}/results").get_json()
    assert data["override"] == reason
    assert data["selected"] == wanted and data["spent"] == 19_500_00
    assert data["projects"][counted.projects[2].pb_id]["selected"] is False
    assert "changed this" in data["projects"][counted.projects[3].pb_id]["explanation"]
    # Open data is the same whatever language the reader chose for the pages.
    client.set_cookie("pb_lang", "cy", domain=client.application.config.get("SERVER_NAME")
                      or "localhost")
    assert "Cyllideb" in client.get(f"/rounds/{round_id}").get_data(as_text=True)
    rows = client.get("/api/v1/results").get_json()["results"]
    notes = [row["why"] for row in rows if row["project_id"] == counted.projects[3].pb_id]
    assert notes and "changed this" in notes[0]


def test_cli_tally_by_id_and_by_name(runner, neighbourhood, counted):
    by_id = runner.invoke(args=["tally", str(counted.round.id)])
    assert by_id.exit_code == 0, by_id.output
    assert "13 ballots counted with greedy-approval" in by_id.output
    assert "Tytherington walking group" in by_id.output and "Not yet certified" in by_id.output
    by_name = runner.invoke(args=["tally", counted.round.name,
                                  "--by", neighbourhood.users["officer"].email])
    assert by_name.exit_code == 0, by_name.output
    result = db.session.scalar(select(RoundResult))
    assert result.tallied_by_id == neighbourhood.users["officer"].id
    assert len(_audit("result.tallied")) == 2
    missing = runner.invoke(args=["tally", "No Such Round"])
    assert missing.exit_code != 0 and "No round has the id or name" in missing.output


def test_superseded_ballots_are_not_counted(neighbourhood):
    round_, projects = make_ballot_round(neighbourhood, name="Change of heart vote",
                                         budget_pence=10_000_00)
    voter = neighbourhood.users["resident"]
    first = cast_for(round_, voter, {projects[0].id: 1}).ballot
    cast_for(round_, voter, {projects[2].id: 1}, replaces=first.id)
    cast_for(round_, neighbourhood.users["resident2"], {projects[2].id: 1})
    close_voting(round_)
    result = services.tally(round_, neighbourhood.users["officer"])
    outcome = result.outcome
    assert result.ballots_counted == 2
    assert outcome["projects"][projects[0].pb_id]["votes"] == 0
    assert outcome["projects"][projects[2].pb_id]["votes"] == 2


def test_ballots_pb_is_published_after_voting_closes(client, neighbourhood):
    counted = build_counted_round(neighbourhood, close=False)
    url = f"/api/v1/rounds/{counted.round.id}/ballots.pb"
    assert client.get(url).status_code == 404  # no running totals during the vote
    close_voting(counted.round)
    response = client.get(url)
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    instance, profile = parse_pb(text)
    assert profile.num_voters == 13 and instance.budget == 20_000_00
    assert instance.currency == "GBP" and instance.minor_units == 100
    assert set(instance.ids) == {p.pb_id for p in counted.projects}
    assert "maureen" not in text.lower() and "voter0" not in text
    assert client.get(f"/api/v1/rounds/{neighbourhood.rounds['draft'].id}/ballots.pb"
                      ).status_code == 404
    receipts = client.get(f"/api/v1/rounds/{counted.round.id}/receipts").get_json()
    assert receipts["counted"] == 13 and len(receipts["receipt_hashes"]) == 13


@pytest.mark.parametrize("rule", ["greedy-approval", "mes-cost"])
def test_anyone_can_recompute_the_result_with_pabutools(client, neighbourhood, rule):
    from pabutools.election import Cost_Sat
    from pabutools.election.pabulib import parse_pabulib_from_string
    from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares

    counted = build_counted_round(neighbourhood, rule=rule)
    services.tally(counted.round, neighbourhood.users["officer"])
    services.certify(counted.round, neighbourhood.users["officer2"])
    published = client.get(f"/api/v1/rounds/{counted.round.id}/results").get_json()
    text = client.get(f"/api/v1/rounds/{counted.round.id}/ballots.pb").get_data(as_text=True)

    instance, profile = parse_pabulib_from_string(text)
    if rule == "greedy-approval":
        winners = greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat)
    else:
        winners = method_of_equal_shares(instance, profile, sat_class=Cost_Sat)
    assert sorted(p.name for p in winners) == sorted(published["selected"])
    assert published["selected"]


def test_scores_round_is_counted_by_points(neighbourhood):
    ballots = [{0: 5, 1: 1}, {0: 4, 2: 5}, {1: 2, 2: 5}, {3: 5}, {0: 3, 3: 1}]
    counted = build_counted_round(neighbourhood, design="scores", rule="greedy-points",
                                  ballots=ballots)
    result = services.tally(counted.round, neighbourhood.users["officer"])
    projects = result.outcome["projects"]
    assert projects[counted.projects[0].pb_id]["points"] == 12
    assert projects[counted.projects[2].pb_id]["points"] == 10
    # Walking (12 points, 4,500) then shed (10, 3,000) then cinema (6, 6,000): 13,500; the
    # cafe (3 points, 9,000) no longer fits.
    assert result.selected == [counted.projects[i].pb_id for i in (0, 2, 3)]
    rows = services.result_rows(result, counted.round)
    assert rows[0]["points"] == 12


def test_points_round_is_counted(neighbourhood):
    ballots = [{0: 6, 1: 4}, {1: 10}, {2: 5, 0: 5}]
    counted = build_counted_round(neighbourhood, design="points", rule="mes-score",
                                  ballots=ballots, ballot_points_total=10)
    result = services.tally(counted.round, None)
    assert result.outcome["projects"][counted.projects[1].pb_id]["points"] == 14
    assert result.selected


def test_ward_budget_round_is_counted_per_ward(neighbourhood):
    from tests.factories import add_ward_budgets, make_proposal

    round_, _ = make_ballot_round(neighbourhood, name="Ward pots vote", projects=[],
                                  budget_pence=12_000_00)
    hurdsfield = neighbourhood.wards["Macclesfield Hurdsfield"]
    add_ward_budgets(round_, {hurdsfield: 5_000_00})
    allotment = make_proposal(round_, "Hurdsfield allotment", 4_000_00, wards=[hurdsfield])
    helpline = make_proposal(round_, "Town-wide carers' helpline", 6_000_00)
    db.session.commit()
    cast_for(round_, neighbourhood.users["resident"], {allotment.id: 1, helpline.id: 1})
    close_voting(round_)
    result = services.tally(round_, None)
    assert set(result.selected) == {allotment.pb_id, helpline.pb_id}
    assert "ward budget" in result.outcome["projects"][allotment.pb_id]["explanation"]


def test_inputs_are_fingerprinted_for_reproduction(neighbourhood, counted):
    import hashlib

    result = services.tally(counted.round, None)
    text = services.ballots_pb(counted.round)
    assert result.inputs_hash == hashlib.sha256(text.encode()).hexdigest()
    assert json.loads(result.outcome_json)["rule"] == "greedy-approval"
