"""One person, one counted ballot across account, code and device (issue 8, item 1).

Against a real threaded server, on SQLite and PostgreSQL:

* signed in, two sessions: session A enters a voting code, session B (the same
  account) votes with the account; every order of A's and B's steps, and both casts
  at the same moment, leave exactly one counted ballot;
* signed out, then signed in: a code ballot and an account ballot given with the same
  postcode and date of birth leave one counted ballot (the latest), in both orders and
  at the same moment, and the voter is told; different details are never matched.
"""

from __future__ import annotations

import itertools
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from pb.extensions import db
from pb.models import Ballot, Voter, VotingCode
from pb.models.voting import REPLACED_BY_SAME_DETAILS
from tests.concurrency import storm
from tests.factories import (
    build_neighbourhood,
    date_boxes,
    make_ballot_round,
    make_codes,
    make_user,
)
from tests.integrity.conftest import Browser

RESIDENT_BORN = date(1980, 3, 14)  # the factories' residents: SK10 2LH, 14 March 1980


def _setup(app, codes: int = 1):
    with app.app_context():
        hood = build_neighbourhood()
        round_, projects = make_ballot_round(hood)
        printed = make_codes(round_, hood.users["officer"], codes)
        facts = (round_.id, [p.id for p in projects], hood.users["resident"].email, printed)
        db.session.remove()
    return facts


def _ballots(app, round_id):
    with app.app_context():
        rows = db.session.execute(select(Ballot.status, Ballot.superseded_reason, Ballot.channel)
                                  .where(Ballot.round_id == round_id)).all()
        codes_used = db.session.scalar(select(func.count()).select_from(VotingCode).where(
            VotingCode.used_at.is_not(None)))
        db.session.remove()
    counted = [r.channel for r in rows if r.status == "counted"]
    return counted, rows, codes_used


def _ballot_form(browser, round_id):
    page = browser.get(f"/rounds/{round_id}/vote").text
    data = {}
    for name in ("submission", "replaces"):
        found = re.search(rf'name="{name}" value="([^"]+)"', page)
        if found:
            data[name] = found.group(1)
    return data


def _redeem(browser, round_id, code, postcode="SK10 2LH", born=RESIDENT_BORN):
    return browser.post(f"/rounds/{round_id}/vote/code", {
        "code": code, "postcode": postcode, **date_boxes(born)})


# Signed in, two sessions ---------------------------------------------------------------

STEPS_A = ("A enters the code", "A votes with the code")
STEPS_B = ("B opens the ballot", "B votes with the account")
ORDERS = sorted({tuple(order) for order in itertools.permutations(STEPS_A + STEPS_B)
                 if order.index(STEPS_A[0]) < order.index(STEPS_A[1])
                 and order.index(STEPS_B[0]) < order.index(STEPS_B[1])})


@pytest.mark.slow
@pytest.mark.parametrize("order", ORDERS, ids=[" / ".join(o) for o in ORDERS])
def test_code_in_one_session_and_account_in_another_count_once(live, order):
    app, base = live
    round_id, projects, email, [code] = _setup(app)
    a, b = Browser(base), Browser(base)
    a.sign_in(email)
    b.sign_in(email)
    forms, statuses = {}, {}
    for step in order:
        if step == "A enters the code":
            statuses[step] = _redeem(a, round_id, code).status
        elif step == "A votes with the code":
            statuses[step] = a.post(f"/rounds/{round_id}/vote", {
                "project": [projects[0]], **_ballot_form(a, round_id)}).status
        elif step == "B opens the ballot":
            forms["B"] = _ballot_form(b, round_id)
        else:
            statuses[step] = b.post(f"/rounds/{round_id}/vote",
                                    {"project": [projects[1]], **forms["B"]}).status
    assert 500 not in statuses.values(), statuses
    counted, rows, _used = _ballots(app, round_id)
    assert len(counted) == 1, (order, statuses, rows)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Voter)) == 1
        db.session.remove()


@pytest.mark.slow
@pytest.mark.parametrize("attempt", range(5))
def test_code_and_account_cast_at_the_same_moment_count_once(live, attempt):
    app, base = live
    round_id, projects, email, [code] = _setup(app)
    a, b = Browser(base), Browser(base)
    a.sign_in(email)
    b.sign_in(email)
    assert _redeem(a, round_id, code).status == 303
    form_a, form_b = _ballot_form(a, round_id), _ballot_form(b, round_id)
    results = storm([
        lambda: a.post(f"/rounds/{round_id}/vote", {"project": [projects[0]], **form_a}),
        lambda: b.post(f"/rounds/{round_id}/vote", {"project": [projects[1]], **form_b}),
    ])
    statuses = sorted(r.status for r in results)
    assert statuses == [303, 409], statuses
    counted, rows, used = _ballots(app, round_id)
    assert len(counted) == 1, rows
    assert used == (1 if counted == ["code"] else 0)  # a losing code stays unused


# Signed out with a code, then signed in --------------------------------------------------

def _vote_with_code(base, round_id, code, project, born=RESIDENT_BORN):
    kiosk = Browser(base)
    assert _redeem(kiosk, round_id, code, born=born).status == 303
    return kiosk, kiosk.post(f"/rounds/{round_id}/vote", {
        "project": [project], **_ballot_form(kiosk, round_id)})


def _vote_with_account(base, round_id, email, project):
    home = Browser(base)
    home.sign_in(email)
    return home, home.post(f"/rounds/{round_id}/vote", {
        "project": [project], **_ballot_form(home, round_id)})


@pytest.mark.slow
@pytest.mark.parametrize("first", ["code", "account"])
def test_same_details_by_code_and_account_count_the_latest(live, first):
    app, base = live
    round_id, projects, email, [code] = _setup(app)
    steps = {"code": lambda: _vote_with_code(base, round_id, code, projects[0]),
             "account": lambda: _vote_with_account(base, round_id, email, projects[1])}
    steps[first]()
    browser, second = steps["account" if first == "code" else "code"]()
    assert second.status == 303
    done = browser.get(f"/rounds/{round_id}/vote/done").text
    assert "this ballot replaces that one" in done
    counted, rows, _used = _ballots(app, round_id)
    assert counted == ["account" if first == "code" else "code"]
    assert [r.superseded_reason for r in rows if r.status == "superseded"] == [
        REPLACED_BY_SAME_DETAILS]
    with app.app_context():
        outbox = app.extensions.get("pb_outbox", [])
        replaced_mail = [m for m in outbox if "has been replaced" in m["Subject"]]
        assert len(replaced_mail) == (1 if first == "account" else 0)  # the account is told
        db.session.remove()


@pytest.mark.slow
@pytest.mark.parametrize("attempt", range(5))
def test_same_details_by_code_and_account_at_the_same_moment_count_once(live, attempt):
    app, base = live
    round_id, projects, email, [code] = _setup(app)
    kiosk, home = Browser(base), Browser(base)
    assert _redeem(kiosk, round_id, code).status == 303
    home.sign_in(email)
    form_k, form_h = _ballot_form(kiosk, round_id), _ballot_form(home, round_id)
    results = storm([
        lambda: kiosk.post(f"/rounds/{round_id}/vote", {"project": [projects[0]], **form_k}),
        lambda: home.post(f"/rounds/{round_id}/vote", {"project": [projects[1]], **form_h}),
    ])
    assert sorted(r.status for r in results) == [303, 303]  # both received; one counts
    counted, rows, _used = _ballots(app, round_id)
    assert len(counted) == 1, rows
    assert [r.superseded_reason for r in rows if r.status == "superseded"] == [
        REPLACED_BY_SAME_DETAILS]


@pytest.mark.slow
def test_two_codes_with_the_same_details_count_once_and_others_are_not_matched(live):
    app, base = live
    round_id, projects, email, printed = _setup(app, codes=4)
    _vote_with_code(base, round_id, printed[0], projects[0])
    _vote_with_code(base, round_id, printed[1], projects[1])  # same person, second card
    _vote_with_code(base, round_id, printed[2], projects[2], born=date(1980, 3, 15))
    _vote_with_account(base, round_id, email, projects[3])  # same details again
    counted, rows, used = _ballots(app, round_id)
    assert sorted(counted) == ["account", "code"] and used == 3
    assert sum(r.superseded_reason == REPLACED_BY_SAME_DETAILS for r in rows) == 2


def test_the_tally_page_counts_ballots_replaced_this_way(app, client, sign_in, neighbourhood):
    from tests.factories import cast_as_code, cast_for, close_voting

    round_, projects = make_ballot_round(neighbourhood)
    [code] = make_codes(round_, neighbourhood.users["officer"])
    cast_as_code(round_, code, {projects[0].id: 1}, born=RESIDENT_BORN)
    cast = cast_for(round_, neighbourhood.users["resident"], {projects[1].id: 1})
    assert cast.replaced_same_details
    # The documented limit: a twin at the same address has the same details.
    twin = make_user("mo.clarke@example.org", "Mo")
    db.session.commit()
    cast_for(round_, twin, {projects[2].id: 1})
    close_voting(round_)
    sign_in(neighbourhood.users["officer"])
    client.post(f"/rounds/{round_.id}/results/tally")
    page = client.get(f"/rounds/{round_.id}/results").get_data(as_text=True)
    assert "2 replaced by a later ballot given with the same postcode and date of birth" in page
    turnout = client.get(f"/rounds/{round_.id}/turnout").get_data(as_text=True)
    assert "and 2 replaced by a later ballot given with the same postcode" in turnout
    assert db.session.scalar(select(func.count()).select_from(Ballot).where(
        Ballot.status == "counted")) == 1
