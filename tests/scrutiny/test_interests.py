"""Interests declared in a round: who may, what is kept, the audit entry, and scrutiny
reading them."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from pb.errors import NotAllowed
from pb.extensions import db
from pb.models import AuditEntry, RoundInterest
from pb.scrutiny.interests import InterestError, declare_round_interest

WORDS = "My sister chairs the Men's Shed, whose project is on the ballot."


def test_event_staff_declare_and_the_audit_log_records_it(app, neighbourhood):
    round_ = neighbourhood.rounds["voting"]
    staff = neighbourhood.users["event_staff"]
    made = declare_round_interest(round_, staff, f"  {WORDS}  ")
    assert (made.round_id, made.user_id, made.nature) == (round_.id, staff.id, WORDS)
    entry = db.session.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1))
    assert entry.action == "round.interest_declared" and WORDS in entry.after_json


@pytest.mark.parametrize("who", ["resident", "scrutiny", "other_officer"])
def test_others_may_not_declare(app, neighbourhood, who):
    with pytest.raises(NotAllowed):
        declare_round_interest(neighbourhood.rounds["voting"], neighbourhood.users[who], WORDS)
    assert not db.session.scalars(select(RoundInterest)).all()


def test_a_declaration_must_say_something(app, neighbourhood):
    with pytest.raises(InterestError) as refused:
        declare_round_interest(neighbourhood.rounds["voting"], neighbourhood.users["officer"],
                               "yes")
    assert "nature" in refused.value.field_errors


def test_the_form_keeps_the_words_and_shows_the_error(client, sign_in, neighbourhood):
    round_ = neighbourhood.rounds["voting"]
    sign_in(neighbourhood.users["grant_officer"])
    response = client.post(f"/scrutiny/rounds/{round_.id}/interests", data={"nature": "yes"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Say what the interest is" in page and ">yes</textarea>" in page
    response = client.post(f"/scrutiny/rounds/{round_.id}/interests", data={"nature": WORDS})
    assert response.status_code == 303
    assert WORDS.replace("'", "&#39;") in client.get(response.headers["Location"]).get_data(
        as_text=True)


def test_scrutiny_reads_every_declaration(client, sign_in, neighbourhood):
    declare_round_interest(neighbourhood.rounds["voting"], neighbourhood.users["officer"], WORDS)
    sign_in(neighbourhood.users["scrutiny"])
    page = client.get("/scrutiny/detail").get_data(as_text=True)
    assert WORDS.replace("'", "&#39;") in page and "Priya" in page


@pytest.mark.parametrize("who, shown", [("officer", True), ("event_staff", True),
                                         ("other_officer", False)])
def test_staff_reach_the_declaration_from_their_tasks(client, sign_in, neighbourhood, who, shown):
    round_ = neighbourhood.rounds["voting"]
    sign_in(neighbourhood.users[who])
    page = client.get("/manage").get_data(as_text=True)
    link = f'href="/scrutiny/rounds/{round_.id}/interests"'
    assert (link in page) is shown
