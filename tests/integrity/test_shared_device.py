"""A shared device forgets the last voter (issue 8, item 3).

At a community hub one kiosk serves many people. After a code voter's ballot is
received, the receipt and choices are shown once; nobody who uses the device next can
see or change them, whether or not the voter pressed "Finish". A code entered and left
unused is forgotten after a short idle time.
"""

from __future__ import annotations

import html
import re
from datetime import date

from sqlalchemy import func, select

from pb.extensions import db
from pb.models import Ballot
from tests.factories import date_boxes, make_ballot_round, make_codes


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _enter(kiosk, round_, code, born=date(1971, 6, 2)):
    return kiosk.post(f"/rounds/{round_.id}/vote/code", data={
        "code": code, "postcode": "SK10 2LH", **date_boxes(born)})


def _submission(kiosk, round_) -> str:
    page = kiosk.get(f"/rounds/{round_.id}/vote").get_data(as_text=True)
    return re.search(r'name="submission" value="([^"]+)"', page).group(1)


def test_the_next_person_at_the_kiosk_sees_nothing_of_the_last_voter(client, clock,
                                                                      neighbourhood):
    round_, projects = make_ballot_round(neighbourhood)
    first, second = make_codes(round_, neighbourhood.users["officer"], 2)
    kiosk = client
    assert _enter(kiosk, round_, first).status_code == 303
    voted = kiosk.post(f"/rounds/{round_.id}/vote", data={
        "project": [projects[0].id, projects[4].id], "submission": _submission(kiosk, round_)})
    assert voted.status_code == 303

    # The voter's one look: receipt, choices, and the truth about their code.
    done = kiosk.get(f"/rounds/{round_.id}/vote/done")
    page = _text(done)
    assert done.headers["Cache-Control"] == "no-store"  # not kept for the Back button
    receipt = re.search(r'id="receipt-code">([A-Z0-9-]+)<', page).group(1)
    assert "Tytherington walking group" in page and "Weston estate cooking club" in page
    assert "it is shown only once" in page
    assert "This device has already forgotten your voting code" in page
    assert "cannot vote again, so this ballot is final" in page
    assert "You can change your ballot" not in page and "until voting closes" not in page

    # The voter walks away without pressing anything. The next person:
    for path in ("/vote", "/vote/done", "/vote/total"):
        later = _text(kiosk.get(f"/rounds/{round_.id}{path}", follow_redirects=True))
        assert "You have voted" not in later
        assert "Tytherington walking group" not in later or 'name="code"' in later
        assert receipt not in later
    page = _text(kiosk.get(f"/rounds/{round_.id}/vote"))
    assert 'name="code"' in page and 'name="project"' not in page
    # Nothing they send reaches the last voter's ballot.
    [ballot] = db.session.scalars(select(Ballot)).all()
    changed = kiosk.post(f"/rounds/{round_.id}/vote", data={
        "project": [projects[1].id], "replaces": ballot.id})
    assert changed.status_code == 403
    # The next person votes with their own card as usual.
    assert _enter(kiosk, round_, second, born=date(1988, 11, 23)).status_code == 303
    page = _text(kiosk.get(f"/rounds/{round_.id}/vote"))
    assert "You have voted" not in page and 'checked' not in page
    assert kiosk.post(f"/rounds/{round_.id}/vote", data={
        "project": [projects[1].id], "submission": _submission(kiosk, round_)}
    ).status_code == 303
    assert db.session.scalar(select(func.count()).select_from(Ballot).where(
        Ballot.status == "counted")) == 2


def test_a_code_entered_and_left_unused_is_forgotten(app, client, clock, neighbourhood):
    round_, projects = make_ballot_round(neighbourhood)
    [code] = make_codes(round_, neighbourhood.users["officer"])
    assert _enter(client, round_, code).status_code == 303
    idle = app.config["VOTING_CODE_IDLE"].total_seconds()
    clock.advance(idle - 5)
    assert 'name="project"' in _text(client.get(f"/rounds/{round_.id}/vote"))  # still there
    clock.advance(idle - 5)  # each use starts the idle time again
    assert 'name="project"' in _text(client.get(f"/rounds/{round_.id}/vote"))
    clock.advance(idle + 1)
    page = _text(client.get(f"/rounds/{round_.id}/vote"))
    assert 'name="project"' not in page and 'name="code"' in page
    assert "this device forgot your voting code" in page
    # The code itself is unused and still works, typed again.
    assert _enter(client, round_, code).status_code == 303


def test_finish_forgets_a_code_not_yet_used(client, neighbourhood):
    round_, _projects = make_ballot_round(neighbourhood)
    [code] = make_codes(round_, neighbourhood.users["officer"])
    _enter(client, round_, code)
    assert client.post(f"/rounds/{round_.id}/vote/finish").status_code == 303
    assert 'name="code"' in _text(client.get(f"/rounds/{round_.id}/vote"))


def test_the_receipt_is_printable(client, neighbourhood):
    round_, projects = make_ballot_round(neighbourhood)
    [code] = make_codes(round_, neighbourhood.users["officer"])
    _enter(client, round_, code)
    client.post(f"/rounds/{round_.id}/vote", data={"project": [projects[0].id]})
    page = client.get(f"/rounds/{round_.id}/vote/done").get_data(as_text=True)
    # Print hides the site's navigation and the buttons (static/pb.css @media print);
    # the receipt and the choices stay.
    assert 'class="receipt-box"' in page and 'class="ballot-summary-list"' in page
    assert 'class="notice no-print" id="code-forgotten"' in page
    assert "no-print" in page.split('id="receipt-code"')[0].split("<h1>")[0]


def test_an_account_voter_is_told_they_can_change_their_ballot(client, sign_in, neighbourhood):
    round_, projects = make_ballot_round(neighbourhood)
    sign_in(neighbourhood.users["resident"])
    client.post(f"/rounds/{round_.id}/vote", data={"project": [projects[0].id]})
    page = _text(client.get(f"/rounds/{round_.id}/vote/done"))
    assert "change your ballot</a> while signed in" in page
    assert "forgotten your voting code" not in page
