"""Every voting route, for every role: who gets what (and no route is left out)."""

from __future__ import annotations

import re

import pytest

from pb import submissions
from pb.extensions import db
from pb.models import Proposal
from pb.models.voting import VotingCode, VotingCodeBatch
from tests.factories import cast_as_code, cast_for, make_ballot_round, make_codes

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
    ("/rounds/{voting}/vote/done", "GET", ANON, 302),
    ("/rounds/{voting}/vote/code", "GET", ANON, 405),
    ("/rounds/{voting}/vote/code", "POST", ANON, 400),
    ("/rounds/{voting}/vote/finish", "POST", ANON, 303),
    ("/rounds/{voting}/how-to-vote", "GET", ANON, 200),
    ("/rounds/{voting}/how-to-vote", "GET", "resident", 200),
    ("/rounds/{draft}/how-to-vote", "GET", ANON, 404),
    ("/rounds/999999/how-to-vote", "GET", ANON, 404),
    ("/rounds/{voting}/receipts", "GET", ANON, 200),
    ("/rounds/{voting}/receipts", "POST", ANON, 400),  # no code typed
    ("/rounds/{voting}/receipts", "POST", "resident", 400),
    ("/rounds/{draft}/receipts", "POST", ANON, 404),
    ("/rounds/{draft}/receipts", "GET", ANON, 404),
    ("/rounds/{voting}/turnout", "GET", ANON, 302),
    ("/rounds/{voting}/turnout", "GET", "resident", 403),
    ("/rounds/{voting}/turnout", "GET", "event_staff", 403),
    ("/rounds/{voting}/turnout", "GET", "other_officer", 403),
    ("/rounds/{voting}/turnout", "GET", "grant_officer", 403),
    ("/rounds/{voting}/turnout", "GET", "grantee", 403),
    ("/rounds/{voting}/turnout", "GET", "officer", 200),
    ("/rounds/{voting}/turnout", "GET", "scrutiny", 200),
    ("/rounds/{voting}/turnout", "GET", "admin", 200),
    ("/rounds/{voting}/codes", "GET", ANON, 302),
    ("/rounds/{voting}/codes", "GET", "resident", 403),
    ("/rounds/{voting}/codes", "GET", "scrutiny", 403),
    ("/rounds/{voting}/codes", "GET", "event_staff", 403),
    ("/rounds/{voting}/codes", "GET", "grant_officer", 403),
    ("/rounds/{voting}/codes", "GET", "grantee", 403),
    ("/rounds/{voting}/codes", "GET", "other_officer", 403),
    ("/rounds/{voting}/codes", "POST", "other_officer", 403),
    ("/rounds/{voting}/codes", "POST", "scrutiny", 403),
    ("/rounds/{voting}/codes", "POST", "officer", 303),
    ("/rounds/{voting}/codes", "GET", "officer", 200),
    ("/rounds/{voting}/codes", "GET", "admin", 200),
    ("/rounds/999999/codes", "GET", "officer", 404),
    ("/rounds/{voting}/codes/{batch}/sheet", "GET", ANON, 302),
    ("/rounds/{voting}/codes/{batch}/sheet", "GET", "resident", 403),
    ("/rounds/{voting}/codes/{batch}/sheet", "GET", "other_officer", 403),
    ("/rounds/{voting}/codes/{batch}/sheet", "GET", "officer", 410),  # made elsewhere
    ("/rounds/{voting}/codes/999999/sheet", "GET", "officer", 404),
    ("/rounds/{voting}/codes/{batch}/forget", "POST", ANON, 302),
    ("/rounds/{voting}/codes/{batch}/forget", "POST", "resident", 403),
    ("/rounds/{voting}/codes/{batch}/forget", "POST", "officer", 303),
    ("/rounds/{voting}/codes/{batch}/forget", "GET", "officer", 405),
]


@pytest.mark.parametrize("path, method, role, expected", TABLE)
def test_voting_access(client, sign_in, neighbourhood, path, method, role, expected):
    round_, _ = make_ballot_round(neighbourhood)
    make_codes(round_, neighbourhood.users["officer2"], 2)
    batch = db.session.scalar(db.select(VotingCodeBatch.id))
    url = path.format(voting=round_.id, draft=neighbourhood.rounds["draft"].id, batch=batch)
    if role:
        sign_in(neighbourhood.users[role])
    data = {"label": "Library", "count": "2", "submission": submissions.new_key()}
    response = client.open(url, method=method, data=data if method == "POST" else None)
    assert response.status_code == expected, response.get_data(as_text=True)[:300]


def test_every_voting_route_is_in_the_table(app):
    covered = {(re.sub(r"\{\w+\}|\d+", "<>", path), method) for path, method, _r, _e in TABLE}
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] != "voting":
            continue
        shape = re.sub(r"<[^>]+>", "<>", rule.rule)
        missing += [f"{m} {rule.rule}" for m in rule.methods - {"HEAD", "OPTIONS"}
                    if (shape, m) not in covered]
    assert not missing, "voting routes without a row in TABLE: " + ", ".join(missing)


def _cards(response) -> list[str]:
    return re.findall(r'class="code-card-code">([A-Z0-9-]+)<', response.get_data(as_text=True))


def test_officer_makes_a_printable_sheet_that_a_refresh_never_repeats(app, client, sign_in,
                                                                      neighbourhood):
    round_, _ = make_ballot_round(neighbourhood)
    sign_in(neighbourhood.users["officer"])
    form = client.get(f"/rounds/{round_.id}/codes").get_data(as_text=True)
    key = re.search(r'name="submission"[^>]*value="([^"]+)"', form).group(1)
    data = {"label": "Hurdsfield library drop-in", "count": "12", "submission": key}
    made = client.post(f"/rounds/{round_.id}/codes", data=data)
    assert made.status_code == 303  # post/redirect/get
    sheet = client.get(made.location)
    assert sheet.status_code == 200 and sheet.headers["Cache-Control"] == "no-store"
    cards = _cards(sheet)
    assert len(cards) == 12 and len(set(cards)) == 12
    # Refreshing the sheet, and sending the form again, both give the same codes.
    assert _cards(client.get(made.location)) == cards
    again = client.post(f"/rounds/{round_.id}/codes", data=data)
    assert again.status_code == 303 and again.location == made.location
    assert _cards(client.get(again.location)) == cards
    assert db.session.scalar(db.select(db.func.count()).select_from(VotingCodeBatch)) == 1
    assert db.session.scalar(db.select(db.func.count()).select_from(VotingCode)) == 12
    # The listing never shows codes; another officer's browser cannot show the sheet.
    listing = client.get(f"/rounds/{round_.id}/codes").get_data(as_text=True)
    assert "Hurdsfield library drop-in" in listing and 'class="code-card-code"' not in listing
    assert "Show the sheet again" in listing
    other = app.test_client()
    login_other = other.post("/account/login", data={
        "email": neighbourhood.users["officer2"].email, "password": "kettle-on-the-hob-42"})
    assert login_other.status_code == 302
    assert other.get(made.location).status_code == 410
    # Once printed, this browser forgets them too.
    assert client.post(made.location.replace("/sheet", "/forget")).status_code == 303
    assert client.get(made.location).status_code == 410
    # The printed codes vote.
    project = db.session.scalar(db.select(Proposal.id).where(
        Proposal.round_id == round_.id))
    cast = cast_as_code(round_, cards[0], {project: 1})
    assert cast.ballot.channel == "code"


def test_a_bad_batch_form_keeps_what_was_typed(client, sign_in, neighbourhood):
    round_, _ = make_ballot_round(neighbourhood)
    sign_in(neighbourhood.users["officer"])
    bad = client.post(f"/rounds/{round_.id}/codes", data={
        "label": "", "count": "0", "submission": submissions.new_key()})
    assert bad.status_code == 400
    assert "Say where these codes will go." in bad.get_data(as_text=True)
    stale = client.post(f"/rounds/{round_.id}/codes", data={"label": "Library", "count": "3"})
    assert stale.status_code == 400
    assert "Reload the page" in stale.get_data(as_text=True)
    assert 'value="Library"' in stale.get_data(as_text=True)


def test_turnout_shows_counts_but_not_choices(client, sign_in, neighbourhood):
    round_, projects = make_ballot_round(neighbourhood)
    cast_for(round_, neighbourhood.users["resident"], {projects[3].id: 1})
    cast_for(round_, neighbourhood.users["resident2"], {projects[3].id: 1})
    [code] = make_codes(round_, neighbourhood.users["officer"])
    cast_as_code(round_, code, {projects[3].id: 1}, postcode="SK11 6AA")
    sign_in(neighbourhood.users["officer"])
    page = client.get(f"/rounds/{round_.id}/turnout").get_data(as_text=True)
    assert "3 counted ballots" in page
    assert "Macclesfield Hurdsfield" in page and "Macclesfield South" in page
    assert "With a voting code" in page
    assert projects[3].title not in page
    assert "Maureen" not in page.split("</header>")[1].split("<footer")[0]
