"""Tablets: enrolled through a one-time link, then kiosk mode: a code, a ballot, thank you,
and nothing of the last voter for the next; wrong codes slow down one tablet only."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from pb import submissions
from pb.events import devices
from pb.extensions import db
from pb.models import Ballot, EventVote, KioskDevice
from pb.models.base import utcnow
from tests.factories import check_in_person, make_ballot_round, make_codes

CLOCK = {"now": None}


def enrolled_client(app, neighbourhood, event, name="Tablet 1"):
    _device, token = devices.new_device(neighbourhood.users["officer"], event, name,
                                        submissions.new_key())
    tablet = app.test_client()
    assert tablet.get(f"/kiosk/enrol/{token}").status_code == 200
    response = tablet.post(f"/kiosk/enrol/{token}")
    assert response.status_code == 303 and response.headers["Location"].endswith("/kiosk")
    return tablet, token


def vote_on(tablet, code, titles, proposals, *, key=None):
    entered = tablet.post("/kiosk", data={"code": code})
    assert entered.status_code == 303, entered.get_data(as_text=True)[:800]
    page = tablet.get("/kiosk/ballot").get_data(as_text=True)
    key = key or re.search(r'name="submission" value="([^"]+)"', page).group(1)
    chosen = [str(p.id) for p in proposals if p.title in titles]
    return tablet.post("/kiosk/ballot", data={"project": chosen, "submission": key}), key


def test_a_link_enrols_one_tablet_once(app, day):
    hood, _round, _p, event = day
    tablet, token = enrolled_client(app, hood, event)
    assert tablet.get("/kiosk").status_code == 200
    again = app.test_client()
    assert again.get(f"/kiosk/enrol/{token}").status_code == 410
    assert again.post(f"/kiosk/enrol/{token}").status_code == 410
    device = db.session.scalar(select(KioskDevice))
    assert device.secret_hash and token not in (device.link_hash, device.secret_hash)


def test_an_expired_link_and_a_device_not_enrolled_are_refused(app, day):
    hood, _round, _p, event = day
    device, token = devices.new_device(hood.users["officer"], event, "Tablet 2",
                                       submissions.new_key())
    device.enrol_expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    client = app.test_client()
    assert client.post(f"/kiosk/enrol/{token}").status_code == 410
    for path in ("/kiosk", "/kiosk/ballot"):
        response = client.get(path)
        assert response.status_code == 403
        assert "not enrolled as a voting tablet" in response.get_data(as_text=True)
    client.set_cookie("pb_kiosk", f"{device.id}:forged-secret")
    assert client.get("/kiosk").status_code == 403


def test_a_switched_off_tablet_stops_at_once(app, day):
    hood, _round, _p, event = day
    tablet, _ = enrolled_client(app, hood, event)
    devices.revoke(hood.users["officer"], event, db.session.scalar(select(KioskDevice.id)))
    assert tablet.get("/kiosk").status_code == 403


def test_the_kiosk_flow_and_its_reset_leave_nothing_of_the_last_voter(app, day):
    hood, round_, proposals, event = day
    tablet, _ = enrolled_client(app, hood, event)
    _, first = check_in_person(event, hood.users["event_staff"])
    _, second = check_in_person(event, hood.users["event_staff"], first_name="Sanjay",
                                postcode="SK11 7AB", age_band="35-44")
    thanks, _key = vote_on(tablet, first, {"Men's Shed tool library"}, proposals)
    body = thanks.get_data(as_text=True)
    assert thanks.status_code == 200 and "Thank you: your vote is in" in body
    assert thanks.headers["Cache-Control"] == "no-store"
    assert 'http-equiv="refresh"' in body and "/kiosk" in body
    assert "Men's Shed tool library" not in body  # the choices are not shown
    # The next person: the code screen, the ballot gone, nothing checked.
    assert tablet.get("/kiosk/ballot").status_code == 303
    start = tablet.get("/kiosk").get_data(as_text=True)
    assert "Type the code on your voting card" in start and "Men's Shed" not in start
    thanks2, _ = vote_on(tablet, second, {"Dementia-friendly cinema"}, proposals)
    assert thanks2.status_code == 200
    ballots = db.session.scalars(select(Ballot).where(Ballot.round_id == round_.id)).all()
    assert sorted(b.channel for b in ballots) == ["tablet", "tablet"]
    assert db.session.scalar(select(func.count()).select_from(EventVote)) == 2


def test_a_ballot_resent_after_the_connection_dropped_is_stored_once(app, day):
    hood, round_, proposals, event = day
    tablet, _ = enrolled_client(app, hood, event)
    _, code = check_in_person(event, hood.users["event_staff"])
    first, key = vote_on(tablet, code, {"Hurdsfield community cafe"}, proposals)
    receipt = re.search(r'id="receipt-code">([^<]+)<', first.get_data(as_text=True)).group(1)
    # The response never reached the tablet: the voter presses Send again (same form).
    chosen = [str(p.id) for p in proposals if p.title == "Hurdsfield community cafe"]
    again = tablet.post("/kiosk/ballot", data={"project": chosen, "submission": key})
    assert again.status_code == 200 and "counts once" in again.get_data(as_text=True)
    assert receipt not in again.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Ballot)) == 1


@pytest.mark.parametrize("case", ["used twice", "other round", "not checked in", "typo"])
def test_codes_that_cannot_vote_here_get_a_clear_message(app, day, case):
    hood, round_, proposals, event = day
    tablet, _ = enrolled_client(app, hood, event)
    _, code = check_in_person(event, hood.users["event_staff"])
    if case == "used twice":
        vote_on(tablet, code, {"Dementia-friendly cinema"}, proposals)
        words = "already been used"
    elif case == "other round":
        other, _ = make_ballot_round(hood, name="Congleton Vote")
        code = make_codes(other, hood.users["officer"])[0]
        words = "not right for this vote"
    elif case == "not checked in":
        code = make_codes(round_, hood.users["officer"])[0]
        words = "not been checked in"
    else:
        code = code[:-1] + ("A" if code[-1] != "A" else "B")
        words = "not right for this vote"
    response = tablet.post("/kiosk", data={"code": code})
    assert response.status_code == 400 and words in response.get_data(as_text=True)


def test_wrong_codes_slow_down_one_tablet_not_the_hall(app, day):
    hood, round_, proposals, event = day
    bad, _ = enrolled_client(app, hood, event, "Tablet by the door")
    good, _ = enrolled_client(app, hood, event, "Tablet by the stage")
    guesses = make_codes(make_ballot_round(hood, name="Elsewhere")[0], hood.users["officer"], 12)
    statuses = [bad.post("/kiosk", data={"code": g}).status_code for g in guesses]
    assert statuses[:10] == [400] * 10 and 429 in statuses[10:]
    # The same hall (same address), another tablet: a voter's code still works at once.
    _, code = check_in_person(event, hood.users["event_staff"])
    thanks, _ = vote_on(good, code, {"Men's Shed tool library"}, proposals)
    assert thanks.status_code == 200
