"""Every voting route, for every role: who gets what."""

from __future__ import annotations

import pytest

from pb.voting import services
from tests.voting.factories_voting import make_ballot_round

ANON = None

# (path template, method, role, expected status)
TABLE = [
    ("/rounds/{voting}/vote", "GET", ANON, 200),
    ("/rounds/{voting}/vote", "GET", "resident", 200),
    ("/rounds/{voting}/vote", "POST", ANON, 403),
    ("/rounds/{draft}/vote", "GET", ANON, 404),
    ("/rounds/{draft}/vote", "GET", "resident", 404),
    ("/rounds/999999/vote", "GET", "resident", 404),
    ("/rounds/{voting}/vote/total", "GET", ANON, 403),
    ("/rounds/{voting}/vote/total", "GET", "resident", 200),
    ("/rounds/{voting}/vote/done", "GET", "resident", 302),
    ("/rounds/{voting}/vote/code", "GET", ANON, 405),
    ("/rounds/{voting}/vote/code", "POST", ANON, 400),
    ("/rounds/{voting}/vote/finish", "POST", ANON, 303),
    ("/rounds/{voting}/receipts", "GET", ANON, 200),
    ("/rounds/{draft}/receipts", "GET", ANON, 404),
    ("/rounds/{voting}/turnout", "GET", ANON, 302),
    ("/rounds/{voting}/turnout", "GET", "resident", 403),
    ("/rounds/{voting}/turnout", "GET", "event_staff", 403),
    ("/rounds/{voting}/turnout", "GET", "other_officer", 403),
    ("/rounds/{voting}/turnout", "GET", "officer", 200),
    ("/rounds/{voting}/turnout", "GET", "scrutiny", 200),
    ("/rounds/{voting}/turnout", "GET", "admin", 200),
    ("/rounds/{voting}/codes", "GET", ANON, 302),
    ("/rounds/{voting}/codes", "GET", "resident", 403),
    ("/rounds/{voting}/codes", "GET", "scrutiny", 403),
    ("/rounds/{voting}/codes", "GET", "event_staff", 403),
    ("/rounds/{voting}/codes", "GET", "other_officer", 403),
    ("/rounds/{voting}/codes", "POST", "other_officer", 403),
    ("/rounds/{voting}/codes", "POST", "scrutiny", 403),
    ("/rounds/{voting}/codes", "GET", "officer", 200),
    ("/rounds/{voting}/codes", "GET", "admin", 200),
    ("/rounds/999999/codes", "GET", "officer", 404),
]


@pytest.mark.parametrize("path, method, role, expected", TABLE)
def test_voting_access(client, login, neighbourhood, path, method, role, expected):
    round_, _ = make_ballot_round(neighbourhood)
    url = path.format(voting=round_.id, draft=neighbourhood.rounds["draft"].id)
    if role:
        login(neighbourhood.users[role])
    response = client.open(url, method=method, data={"label": "Library", "count": "2"}
                           if method == "POST" else None)
    assert response.status_code == expected, response.get_data(as_text=True)[:300]


def test_officer_makes_a_printable_sheet_shown_once(client, login, neighbourhood):
    round_, _ = make_ballot_round(neighbourhood)
    login(neighbourhood.users["officer"])
    response = client.post(f"/rounds/{round_.id}/codes", data={"label": "Hurdsfield library",
                                                                "count": "12"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    cards = page.count('class="code-card-code"')
    assert cards == 12
    listing = client.get(f"/rounds/{round_.id}/codes").get_data(as_text=True)
    assert "Hurdsfield library" in listing and 'class="code-card-code"' not in listing
    bad = client.post(f"/rounds/{round_.id}/codes", data={"label": "", "count": "0"})
    assert bad.status_code == 400
    assert "Say where these codes will go." in bad.get_data(as_text=True)


def test_turnout_shows_counts_but_not_choices(client, login, neighbourhood):
    round_, projects = make_ballot_round(neighbourhood)
    from tests.voting.factories_voting import cast_for

    cast_for(round_, neighbourhood.users["resident"], {projects[3].id: 1})
    cast_for(round_, neighbourhood.users["resident2"], {projects[3].id: 1})
    _batch, plain = services.generate_codes(round_, "Library", 1, None)
    from tests.voting.factories_voting import cast_as_code

    cast_as_code(round_, plain[0], {projects[3].id: 1}, postcode="SK11 6AA")
    login(neighbourhood.users["officer"])
    page = client.get(f"/rounds/{round_.id}/turnout").get_data(as_text=True)
    assert "3 counted ballots" in page
    assert "Macclesfield Hurdsfield" in page and "Macclesfield South" in page
    assert "With a voting code" in page
    assert projects[3].title not in page
    assert "Maureen" not in page.split("</header>")[1].split("<footer")[0]
