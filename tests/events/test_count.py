"""Close, count and certify across channels; the count waits for paper reconciliation unless
an officer records why; the report's figures against an independent count; the API."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import select

from pb import submissions
from pb.events import live, paper, queries, reconciliation
from pb.events.paper import Reading
from pb.extensions import db
from pb.models import Ballot, Voter
from pb.results import services as results
from tests.factories import cast_as_code, cast_for, check_in_person, close_voting, make_voter


def ids(proposals, *titles):
    return {p.id: 1 for p in proposals if p.title in titles}


def decision_day(neighbourhood, round_, proposals, event):
    """Online voters, tablet, paper and a phone vote with an event card; returns codes."""
    grace, sam = neighbourhood.users["event_staff"], neighbourhood.users["event_staff2"]
    for n in range(3):
        cast_for(round_, make_voter(n), ids(proposals, "Tytherington walking group"))
    codes = []
    for n, band in enumerate(("25-34", "35-44", "45-54", "55-64", "65-74")):
        _, code = check_in_person(event, grace, first_name=f"Resident{n}", age_band=band,
                                  postcode="SK10 2LH" if n % 2 else "SK11 7AB")
        codes.append(code)
    from pb.events import devices, kiosk

    device, token = devices.new_device(neighbourhood.users["officer"], event, "Tablet 1",
                                       submissions.new_key())
    devices.enrol(token)
    claim = kiosk.enter_code(device, codes[0], "192.0.2.1")
    kiosk.cast_on_tablet(device, kiosk.identity_for(device, claim),
                         ids(proposals, "Hurdsfield community cafe"), submissions.new_key())
    for code in codes[1:3]:
        choice = Reading(ids(proposals, "Hurdsfield community cafe", "Men's Shed tool library"))
        paper.enter(grace, event, code, choice)
        paper.enter(sam, event, code, choice)
    cast_as_code(round_, codes[3], ids(proposals, "Dementia-friendly cinema"))
    return codes


def test_the_combined_tally_counts_online_tablet_and_paper_together(app, day):
    hood, round_, proposals, event = day
    decision_day(hood, round_, proposals, event)
    close_voting(round_)
    result = results.tally(round_, hood.users["officer"])
    assert result.ballots_counted == 3 + 1 + 2 + 1
    votes = {pid: data["votes"] for pid, data in result.outcome["projects"].items()}
    by_title = {p.title: votes[str(p.id)] for p in proposals}
    assert by_title["Hurdsfield community cafe"] == 3  # tablet + two papers
    assert by_title["Tytherington walking group"] == 3  # online accounts
    results.certify(round_, hood.users["officer2"])
    assert results.result_for(round_).is_certified


def test_the_count_waits_for_paper_reconciliation_unless_an_officer_says_why(app, day):
    hood, round_, proposals, event = day
    grace = hood.users["event_staff"]
    _, code = check_in_person(event, grace)
    paper.enter(grace, event, code, Reading(ids(proposals, "Men's Shed tool library")))
    close_voting(round_)
    with pytest.raises(reconciliation.EventConflict) as refused:
        results.tally(round_, hood.users["officer"])
    assert "1 keyed once, waiting for their second entry" in refused.value.message
    with pytest.raises(reconciliation.EventError):
        reconciliation.record_waiver(hood.users["officer"], round_, "why")
    reconciliation.record_waiver(hood.users["officer"], round_,
                                 "The second keyer went home ill; the paper is kept sealed.")
    assert results.tally(round_, hood.users["officer"]).ballots_counted == 0
    # More papers arrive: the reason given no longer covers what is pending.
    paper.add_received(grace, event, 3)
    with pytest.raises(reconciliation.EventConflict):
        results.tally(round_, hood.users["officer"])


def test_the_results_page_says_why_the_count_is_refused(app, client, sign_in, day):
    hood, round_, proposals, event = day
    paper.add_received(hood.users["event_staff"], event, 2)
    close_voting(round_)
    sign_in(hood.users["officer"])
    page = client.get(f"/rounds/{round_.id}/results").get_data(as_text=True)
    import re

    fields = dict(re.findall(r'name="(submission|seen)" type="hidden" value="([^"]+)"', page))
    response = client.post(f"/rounds/{round_.id}/results/tally", data=fields)
    assert response.status_code == 409
    assert "2 received paper ballots not yet keyed" in response.get_data(as_text=True)


def test_the_report_agrees_with_an_independent_count(app, client, sign_in, day):
    hood, round_, proposals, event = day
    codes = decision_day(hood, round_, proposals, event)
    paper.add_received(hood.users["event_staff"], event, 2)
    # Independently: every counted ballot, and how its code reached it.
    counted = db.session.execute(select(Ballot.channel, Voter.voter_key).join(
        Voter, Voter.id == Ballot.voter_id).where(Ballot.status == "counted")).all()
    by_channel = Counter(channel for channel, _key in counted)
    summary = queries.summary(event)
    assert summary["votes_by_channel"] == {"online": 1, "tablet": by_channel["tablet"],
                                           "paper": by_channel["paper"]}
    assert summary["checked_in"] == len(codes)
    assert summary["paper"] == {"received": 2, "entered": 2, "matched": 2, "spoilt": 0}
    attendance = queries.attendance(event)
    assert attendance["total"] == 5
    assert dict(attendance["by_ward"]) == {"Macclesfield Hurdsfield": "fewer than 5",
                                           "Macclesfield South": "fewer than 5"}
    sign_in(hood.users["officer"])
    csv = client.get(f"/events/{event.id}/report.csv").get_data(as_text=True)
    assert "votes by channel,tablet,1" in csv and "attendance,checked in,5" in csv
    assert "Resident" not in csv
    api = client.get(f"/api/v1/rounds/{round_.id}/events").get_json()
    assert api.pop("pagination")["total"] == 1  # every API list states its pagination
    assert api == {"events": [{"id": event.id, "name": event.name,
                               "date": event.starts_at.date().isoformat(), "checked_in": 5,
                               "votes_by_channel": {"online": 1, "tablet": 1, "paper": 2},
                               "paper": {"received": 2, "entered": 2, "matched": 2,
                                         "spoilt": 0}}]}


def test_small_numbers_are_suppressed_so_totals_cannot_give_them_away():
    rows = [("Central", 12), ("Hurdsfield", 3), ("South", 7)]
    assert queries.suppress(rows) == [("Central", 12), ("Hurdsfield", "fewer than 5"),
                                      ("South", "fewer than 5")]
    assert queries.suppress([("A", 8), ("B", 9)]) == [("A", 8), ("B", 9)]


def test_the_live_screen_hides_totals_and_reveals_only_a_certified_result(app, client, day):
    hood, round_, proposals, event = day
    decision_day(hood, round_, proposals, event)
    screen = client.get(f"/events/{event.id}/live").get_data(as_text=True)
    assert 'id="live-tablet">1<' in screen and 'id="live-checked-in">5<' in screen
    live.set_totals_hidden(hood.users["officer"], event, True)
    screen = client.get(f"/events/{event.id}/live", headers={"HX-Request": "true"})
    body = screen.get_data(as_text=True)
    assert "<html" not in body and "Running totals are hidden" in body
    assert 'id="live-tablet"' not in body
    close_voting(round_)
    results.tally(round_, hood.users["officer"])
    with pytest.raises(live.EventError):
        live.reveal(hood.users["officer"], event)  # counted, not certified: not public yet
    assert "Funded" not in client.get(f"/events/{event.id}/live").get_data(as_text=True)
    results.certify(round_, hood.users["officer2"])
    live.reveal(hood.users["officer"], event)
    body = client.get(f"/events/{event.id}/live").get_data(as_text=True)
    assert "Funded: 1 of" in body and "live-bar-" in body
    for user in hood.users.values():
        assert user.email not in body and user.display_name + " " not in body


def test_the_command_line_prints_the_events_figures(app, runner, day):
    hood, round_, proposals, event = day
    decision_day(hood, round_, proposals, event)
    result = runner.invoke(args=["events", str(round_.id)])
    assert result.exit_code == 0, result.output
    import json

    data = json.loads(result.output)
    assert data["events"][0]["votes_by_channel"] == {"online": 1, "tablet": 1, "paper": 2}
    assert data["paper_pending"] == {"not_keyed": 0, "keyed_once": 0, "queue": 0}
    assert runner.invoke(args=["events", "999999"]).exit_code != 0
