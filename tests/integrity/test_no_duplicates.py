"""No silent duplicates: a refresh or a double click never makes something twice (item 4).

Every create that a refresh or a double click could repeat carries an idempotency key
and follows post/redirect/get: code batches, ballots, counts, changes to a result and
certifications here; proposals (the house area's own key) are checked too. Each is
sent twice in a row and twice at the same moment against a real server.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from pb import submissions
from pb.extensions import db
from pb.models import AuditEntry, Ballot, Proposal, VotingCode, VotingCodeBatch
from tests.concurrency import storm
from tests.factories import (
    build_neighbourhood,
    cast_for,
    close_voting,
    make_ballot_round,
    make_voter,
)
from tests.integrity.conftest import Browser


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _audits(action) -> int:
    return _count(AuditEntry, AuditEntry.action == action)


def _key(page: str) -> str:
    return re.search(r'name="submission" (?:type="hidden" )?value="([^"]+)"', page).group(1)


# One after the other (the test client) -------------------------------------------------

def test_a_ballot_sent_twice_is_stored_once_with_one_receipt(client, sign_in, neighbourhood):
    round_, projects = make_ballot_round(neighbourhood)
    sign_in(neighbourhood.users["resident"])
    key = _key(client.get(f"/rounds/{round_.id}/vote").get_data(as_text=True))
    data = {"project": [projects[0].id], "submission": key}
    first = client.post(f"/rounds/{round_.id}/vote", data=data)
    receipt = re.search(r'id="receipt-code">([A-Z0-9-]+)<', client.get(
        f"/rounds/{round_.id}/vote/done").get_data(as_text=True)).group(1)
    again = client.post(f"/rounds/{round_.id}/vote", data=data)  # "resend the form?"
    assert first.status_code == again.status_code == 303
    repeat = client.get(f"/rounds/{round_.id}/vote/done").get_data(as_text=True)
    assert receipt in repeat  # the same receipt, shown again to the same voter
    assert _count(Ballot) == 1 and _audits("ballot.cast") == 1 and _audits("ballot.changed") == 0


def test_an_old_ballot_page_with_other_choices_is_not_taken_as_a_repeat(client, sign_in,
                                                                        neighbourhood):
    round_, projects = make_ballot_round(neighbourhood)
    sign_in(neighbourhood.users["resident"])
    key = _key(client.get(f"/rounds/{round_.id}/vote").get_data(as_text=True))
    client.post(f"/rounds/{round_.id}/vote", data={"project": [projects[0].id],
                                                     "submission": key})
    # Back, untick, tick another, send: refused as stale, never silently "done".
    stale = client.post(f"/rounds/{round_.id}/vote", data={"project": [projects[1].id],
                                                             "submission": key})
    assert stale.status_code == 409
    assert "already voted" in stale.get_data(as_text=True)
    assert _count(Ballot) == 1


def test_a_count_a_change_and_a_certification_sent_twice_happen_once(client, sign_in,
                                                                      neighbourhood):
    round_, projects = make_ballot_round(neighbourhood, budget_pence=20_000_00)
    for n, chosen in enumerate([[0, 1], [0, 2], [1, 3], [2]]):
        cast_for(round_, make_voter(n), {projects[i].id: 1 for i in chosen})
    close_voting(round_)
    base = f"/rounds/{round_.id}/results"

    sign_in(neighbourhood.users["officer"])
    page = client.get(base).get_data(as_text=True)
    tally = {"submission": submissions.new_key(), "seen": "none"}
    assert client.post(f"{base}/tally", data=tally).status_code == 303
    assert client.post(f"{base}/tally", data=tally).status_code == 303
    assert _audits("result.tallied") == 1

    page = client.get(base).get_data(as_text=True)
    seen = re.search(r'name="seen" (?:type="hidden" )?value="([^"]+)"', page).group(1)
    change = {"submission": submissions.new_key(), "seen": seen,
              "selected": [projects[0].pb_id, projects[3].pb_id],
              "reason": "The cafe has found another funder, so the cinema is funded instead."}
    assert client.post(f"{base}/override", data=change).status_code == 303
    assert client.post(f"{base}/override", data=change).status_code == 303
    assert _audits("result.overridden") == 1

    sign_in(neighbourhood.users["officer2"])
    page = client.get(base).get_data(as_text=True)
    seen = re.search(r'name="seen" (?:type="hidden" )?value="([^"]+)"', page).group(1)
    certify = {"submission": submissions.new_key(), "seen": seen, "read_it": "y"}
    assert client.post(f"{base}/certify", data=certify).status_code == 303
    assert client.post(f"{base}/certify", data=certify).status_code == 303
    assert _audits("result.certified") == 1


def test_certifying_a_result_that_changed_since_it_was_shown_is_refused(app, client, sign_in,
                                                                        neighbourhood):
    from pb.results import override as overrides
    from pb.results import services

    round_, projects = make_ballot_round(neighbourhood, budget_pence=20_000_00)
    for n, chosen in enumerate([[0, 1], [0, 2], [1, 3]]):
        cast_for(round_, make_voter(n), {projects[i].id: 1 for i in chosen})
    close_voting(round_)
    services.tally(round_, neighbourhood.users["officer"])
    sign_in(neighbourhood.users["officer2"])
    page = client.get(f"/rounds/{round_.id}/results").get_data(as_text=True)
    seen = re.search(r'name="seen" (?:type="hidden" )?value="([^"]+)"', page).group(1)
    # Meanwhile the first officer changes the result.
    overrides.override(round_, neighbourhood.users["officer"],
                       [projects[0].pb_id, projects[3].pb_id],
                       "The cafe has found another funder, so the cinema is funded instead.")
    refused = client.post(f"/rounds/{round_.id}/results/certify",
                          data={"submission": submissions.new_key(), "seen": seen, "read_it": "y"})
    assert refused.status_code == 409
    assert "The result has changed since this page was shown" in refused.get_data(as_text=True)
    assert _audits("result.certified") == 0


# At the same moment (a real threaded server) -------------------------------------------

DOUBLE = 6  # requests with the same key, at once


def _officer_and_round(app):
    with app.app_context():
        hood = build_neighbourhood()
        round_, projects = make_ballot_round(hood)
        ids = (round_.id, [p.id for p in projects], hood.users["officer"].email,
               hood.users["resident"].email, hood.rounds["proposals"].id,
               {name: w.id for name, w in hood.wards.items()},
               hood.themes["Older people"].id)
        db.session.remove()
    return ids


@pytest.mark.slow
def test_a_code_batch_form_sent_many_times_at_once_makes_one_batch(live):
    app, base = live
    round_id, _projects, officer, *_ = _officer_and_round(app)
    browser = Browser(base)
    browser.sign_in(officer)
    key = _key(browser.get(f"/rounds/{round_id}/codes").text)
    data = {"label": "Hurdsfield library drop-in", "count": "12", "submission": key}
    results = storm([lambda: browser.post(f"/rounds/{round_id}/codes", data)] * DOUBLE)
    assert {r.status for r in results} == {303}, [r.status for r in results]
    assert len({r.getheader("Location") for r in results}) == 1
    with app.app_context():
        assert _count(VotingCodeBatch) == 1 and _count(VotingCode) == 12
        db.session.remove()


@pytest.mark.slow
def test_a_ballot_sent_many_times_at_once_is_stored_once(live):
    app, base = live
    round_id, projects, _officer, resident, *_ = _officer_and_round(app)
    browser = Browser(base)
    browser.sign_in(resident)
    key = _key(browser.get(f"/rounds/{round_id}/vote").text)
    data = {"project": [projects[0], projects[2]], "submission": key}
    results = storm([lambda: browser.post(f"/rounds/{round_id}/vote", data)] * DOUBLE)
    assert {r.status for r in results} == {303}, [r.status for r in results]
    with app.app_context():
        assert _count(Ballot) == 1 and _audits("ballot.cast") == 1
        db.session.remove()


@pytest.mark.slow
def test_a_proposal_sent_many_times_at_once_is_made_once(live):
    """The proposals area's own idempotency key (house-owned), checked under concurrency."""
    app, base = live
    _r, _p, _o, resident, proposals_round, wards, theme = _officer_and_round(app)
    browser = Browser(base)
    browser.sign_in(resident)
    data = {"title": "Hurdsfield Dementia Café", "summary": "A weekly café for people living "
            "with dementia and their carers.", "description": "Every Tuesday.",
            "organisation_id": "0", "where": "wards",
            "wards": [str(wards["Macclesfield Hurdsfield"])], "themes": [str(theme)],
            "outcomes": ["social_isolation"], "outcomes_other": "",
            "delivered_by": "Hurdsfield Community Centre volunteers",
            "lines-0-description": "Hall hire, 40 sessions", "lines-0-amount": "800.00",
            "action": "submit", "idempotency_key": "k" + "7" * 31}
    url = f"/rounds/{proposals_round}/proposals/new"
    results = storm([lambda: browser.post(url, data)] * DOUBLE)
    assert {r.status for r in results} == {303}, [(r.status, r.text[:200]) for r in results]
    with app.app_context():
        assert _count(Proposal, Proposal.title == "Hurdsfield Dementia Café") == 1
        db.session.remove()


@pytest.mark.slow
def test_a_count_and_a_certification_sent_many_times_at_once_happen_once(live):
    app, base = live
    with app.app_context():
        hood = build_neighbourhood()
        round_, projects = make_ballot_round(hood, budget_pence=20_000_00)
        for n, chosen in enumerate([[0, 1], [0, 2], [1, 3]]):
            cast_for(round_, make_voter(n), {projects[i].id: 1 for i in chosen})
        close_voting(round_)
        round_id = round_.id
        officers = hood.users["officer"].email, hood.users["officer2"].email
        db.session.remove()
    url = f"/rounds/{round_id}/results"
    first, second = Browser(base), Browser(base)
    first.sign_in(officers[0])
    second.sign_in(officers[1])
    tally = {"submission": submissions.new_key(), "seen": "none"}
    results = storm([lambda: first.post(f"{url}/tally", tally)] * DOUBLE)
    assert {r.status for r in results} == {303}, [r.status for r in results]
    seen = re.search(r'name="seen" (?:type="hidden" )?value="([^"]+)"',
                     second.get(url).text).group(1)
    certify = {"submission": submissions.new_key(), "seen": seen, "read_it": "y"}
    results = storm([lambda: second.post(f"{url}/certify", certify)] * DOUBLE)
    assert {r.status for r in results} == {303}, [r.status for r in results]
    with app.app_context():
        assert _audits("result.tallied") == 1 and _audits("result.certified") == 1
        db.session.remove()
