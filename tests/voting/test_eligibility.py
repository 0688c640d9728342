"""Who may vote: place, age, verified accounts, voting codes (single use, this round only)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from pb.extensions import db
from pb.models.voting import Ballot, Voter, VotingCode
from pb.voting import codes, keys, services
from tests.factories import (
    cast_as_code,
    cast_for,
    date_boxes,
    make_ballot_round,
    make_codes,
    make_user,
)


def _years_ago(years: int, days: int = 0) -> date:
    today = date.today()
    try:
        born = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        born = today.replace(year=today.year - years, day=28)
    return born.fromordinal(born.toordinal() + days)


def _code_form(client, round_, code, postcode="SK10 2LH", born=date(1990, 1, 1)):
    return client.post(f"/rounds/{round_.id}/vote/code", data={
        "code": code, "postcode": postcode,
        **date_boxes(born)})


@pytest.mark.parametrize("kwargs, message", [
    ({"postcode": "CW12 4AA"}, "The postcode CW12 4AA is outside Macclesfield"),
    ({"postcode": None}, "add a postcode to your account"),
    ({"born": _years_ago(10)}, "This vote is for people aged 11 or over."),
    ({"born": None}, "add a date of birth to your account"),
    ({"verified": False}, "Confirm your email address first"),
])
def test_accounts_that_cannot_vote_are_told_why(client, sign_in, neighbourhood, kwargs, message):
    round_, projects = make_ballot_round(neighbourhood)
    user = make_user("kim.ng@example.org", "Kim", **kwargs)
    db.session.commit()
    sign_in(user)
    page = client.get(f"/rounds/{round_.id}/vote")
    assert page.status_code == 200
    assert message in page.get_data(as_text=True)
    assert 'name="project"' not in page.get_data(as_text=True)
    refused = client.post(f"/rounds/{round_.id}/vote", data={"project": [projects[0].id]})
    assert refused.status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Ballot)) == 0


def test_eleven_today_may_vote(client, sign_in, neighbourhood):
    round_, projects = make_ballot_round(neighbourhood)
    user = make_user("young.voter@example.org", "Ava", born=_years_ago(11))
    db.session.commit()
    sign_in(user)
    assert client.post(f"/rounds/{round_.id}/vote",
                       data={"project": [projects[0].id]}).status_code == 303


def test_no_postcode_rule_lets_anyone_vote(client, sign_in, neighbourhood):
    round_, projects = make_ballot_round(neighbourhood, eligibility_postcode=False)
    user = make_user("visitor@example.org", "Visitor", postcode="M1 1AE")
    db.session.commit()
    sign_in(user)
    assert client.post(f"/rounds/{round_.id}/vote",
                       data={"project": [projects[0].id]}).status_code == 303


def test_code_only_round_refuses_accounts(client, sign_in, neighbourhood):
    round_, _projects = make_ballot_round(neighbourhood, voter_verification="code")
    sign_in(neighbourhood.users["resident"])
    page = client.get(f"/rounds/{round_.id}/vote").get_data(as_text=True)
    assert "uses voting codes" in page and 'name="code"' in page


def test_account_only_round_offers_no_code_form(client, neighbourhood):
    round_, _projects = make_ballot_round(neighbourhood, voter_verification="account")
    page = client.get(f"/rounds/{round_.id}/vote").get_data(as_text=True)
    assert 'name="code"' not in page and "Sign in to vote" in page


def test_voting_with_a_code_without_an_account(client, neighbourhood, app):
    round_, projects = make_ballot_round(neighbourhood)
    printed = make_codes(round_, neighbourhood.users["officer"], 3)
    start = client.get(f"/rounds/{round_.id}/vote").get_data(as_text=True)
    assert 'name="code"' in start and "Sign in to vote" in start
    typed = printed[0].lower().replace("-", " ")  # typed loosely
    response = _code_form(client, round_, typed)
    assert response.status_code == 303
    ballot_page = client.get(f"/rounds/{round_.id}/vote").get_data(as_text=True)
    assert 'name="project"' in ballot_page
    assert client.post(f"/rounds/{round_.id}/vote",
                       data={"project": [projects[1].id]}).status_code == 303
    code = db.session.scalar(select(VotingCode).where(
        VotingCode.code_hash == codes.code_hash(codes.normalise_code(printed[0]))))
    assert code.used_at is not None
    voter = db.session.scalar(select(Voter))
    assert voter.voter_key == keys.code_key(round_.id, code.id) and voter.channel == "code"
    assert voter.ward_id == neighbourhood.wards["Macclesfield Hurdsfield"].id
    assert voter.account_key is None and voter.account_ref is None
    # The browser has forgotten the code already (a shared device must): no ballot to
    # change, and the code cannot be used again here or anywhere.
    page = client.get(f"/rounds/{round_.id}/vote").get_data(as_text=True)
    assert 'name="project"' not in page and 'name="code"' in page
    ballot = db.session.scalar(select(Ballot))
    assert client.post(f"/rounds/{round_.id}/vote", data={
        "project": [projects[2].id], "replaces": ballot.id}).status_code == 403
    again = _code_form(client, round_, printed[0])
    assert again.status_code == 400
    assert "That code has already been used" in again.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Ballot)) == 1


def test_a_used_code_is_refused_on_another_device(app, neighbourhood):
    round_, projects = make_ballot_round(neighbourhood)
    [printed] = make_codes(round_, neighbourhood.users["officer"])
    cast_as_code(round_, printed, {projects[0].id: 1})
    other_device = app.test_client()
    response = _code_form(other_device, round_, printed)
    assert response.status_code == 400
    assert "already been used" in response.get_data(as_text=True)


def test_code_of_another_round_looks_like_a_wrong_code(client, neighbourhood):
    round_, _projects = make_ballot_round(neighbourhood)
    other, _ = make_ballot_round(neighbourhood, name="Macclesfield Youth Vote 2026")
    [printed] = make_codes(other, neighbourhood.users["officer"], label="Youth club")
    wrong = codes.new_voting_code()
    other_round = _code_form(client, round_, printed)
    nonexistent = _code_form(client, round_, wrong)
    garbled = _code_form(client, round_, "ABCD")
    assert other_round.status_code == nonexistent.status_code == garbled.status_code == 400

    def message(response):
        text = response.get_data(as_text=True)
        start = text.index("That code is not right")
        return text[start:text.index("<", start)]

    assert message(other_round) == message(nonexistent) == message(garbled)
    # The code is still unused for its own round.
    assert db.session.scalar(select(VotingCode)).used_at is None


@pytest.mark.parametrize("postcode, born, status, message", [
    ("CW12 4AA", date(1990, 1, 1), 403, "is outside Macclesfield"),
    ("SK10 2LH", _years_ago(10), 403, "aged 11 or over"),
    ("", date(1990, 1, 1), 400, "Enter your postcode."),
    ("SK10 2LH", None, 400, "Enter your date of birth"),
])
def test_code_holders_answer_the_place_and_age_questions(client, neighbourhood, postcode, born,
                                                         status, message):
    round_, _projects = make_ballot_round(neighbourhood)
    [printed] = make_codes(round_, neighbourhood.users["officer"])
    response = _code_form(client, round_, printed, postcode=postcode, born=born)
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(VotingCode)).used_at is None


def test_code_used_while_signed_in_is_tied_to_the_account(client, sign_in, neighbourhood):
    round_, projects = make_ballot_round(neighbourhood)
    user = make_user("new.resident@example.org", "Sam", verified=False)
    db.session.commit()
    [printed] = make_codes(round_, neighbourhood.users["officer"])
    sign_in(user)
    assert _code_form(client, round_, printed).status_code == 303
    assert client.post(f"/rounds/{round_.id}/vote",
                       data={"project": [projects[0].id]}).status_code == 303
    code = db.session.scalar(select(VotingCode))
    assert code.used_by_user_id == user.id
    voter = db.session.scalar(select(Voter))
    assert voter.account_key == keys.account_key(round_.id, user.id)
    assert voter.voter_key == keys.code_key(round_.id, code.id)
    assert keys.account_of(round_.id, voter.voter_key, voter.account_ref) == user.id
    # The browser forgot the code, but the account (even unverified) reaches its ballot.
    identity = services.account_identity(round_, user)
    assert identity.key == keys.code_key(round_.id, code.id) and identity.code_id == code.id
    page = client.get(f"/rounds/{round_.id}/vote").get_data(as_text=True)
    assert "You have voted" in page
    assert db.session.scalar(select(func.count()).select_from(Voter)) == 1


def test_codes_are_long_random_checked_and_stored_only_as_keyed_hashes(neighbourhood):
    round_, _projects = make_ballot_round(neighbourhood)
    plain = [codes.normalise_code(c) for c in make_codes(round_, neighbourhood.users["officer"],
                                                         50)]
    assert len(set(plain)) == 50
    for code in plain:
        assert len(code) == 16 and set(code) <= set(codes.ALPHABET)
        assert codes.normalise_code(codes.display_code(code)) == code
        # A single mistyped character is caught by the check character.
        wrong = ("3" if code[5] != "3" else "4").join((code[:5], code[6:]))
        assert codes.normalise_code(wrong) is None
    stored = db.session.scalars(select(VotingCode.code_hash)).all()
    assert len(stored) == 50
    assert not set(plain) & set(stored)
    assert {codes.code_hash(c) for c in plain} == set(stored)
    # 15 random characters from 32: 75 bits.
    assert len(codes.ALPHABET) ** 15 >= 2 ** 60


def test_an_account_that_voted_cannot_add_a_code_ballot(client, sign_in, neighbourhood):
    round_, projects = make_ballot_round(neighbourhood)
    user = neighbourhood.users["resident"]
    cast_for(round_, user, {projects[0].id: 1})
    [printed] = make_codes(round_, neighbourhood.users["officer"])
    sign_in(user)
    response = _code_form(client, round_, printed)
    assert response.status_code == 400
    assert "already voted in this round while signed in" in response.get_data(as_text=True)
    assert db.session.scalar(select(VotingCode)).used_at is None
    assert db.session.scalar(select(func.count()).select_from(Ballot)) == 1


def test_an_account_without_a_birthday_is_asked_for_it_where_codes_are_taken(
        client, sign_in, neighbourhood):
    """Both facts are needed to match a code ballot to the same person's account."""
    round_, projects = make_ballot_round(neighbourhood, eligibility_min_age=None)
    user = make_user("no.birthday@example.org", "Jo", born=None)
    db.session.commit()
    sign_in(user)
    page = client.get(f"/rounds/{round_.id}/vote").get_data(as_text=True)
    assert "we need your postcode and date of birth" in page
    accounts_only, _ = make_ballot_round(neighbourhood, name="Macclesfield Online Vote",
                                         eligibility_min_age=None, voter_verification="account")
    assert 'name="project"' in client.get(f"/rounds/{accounts_only.id}/vote").get_data(
        as_text=True)
