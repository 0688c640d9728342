"""The check-in desk: eligibility against the round's rules, the code handed over, the count,
the warning on a second check-in with the same details, and equality answers kept apart."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from pb import submissions
from pb.errors import NotAllowed
from pb.events import desk
from pb.extensions import db
from pb.models import CheckIn, EqualityResponse, VotingCodeBatch
from tests.factories import check_in_person, make_codes, make_event


def arrival(**values) -> desk.Arrival:
    base = dict(first_name="Maureen", postcode="SK10 2LH", age_band="65-74", hand="new")
    base.update(values)
    return desk.Arrival(**base)


@pytest.mark.parametrize("values, field, words", [
    ({"postcode": "CW12 4AB"}, "postcode", "outside Macclesfield"),
    ({"age_band": "under-11"}, "age_band", "aged 11 or over"),
    ({"age_band": "11-15", "born": date(2019, 1, 1)}, "age_band", "makes them"),
])
def test_people_who_cannot_vote_here_are_told_why(app, day, values, field, words):
    hood, round_, _p, event = day
    with pytest.raises(desk.EventError) as refused:
        desk.check_in(hood.users["event_staff"], event, arrival(**values), submissions.new_key())
    assert refused.value.field == field and words in refused.value.message
    assert db.session.scalar(select(func.count()).select_from(CheckIn)) == 0


def test_an_age_band_across_the_minimum_age_needs_a_date_of_birth(app, day):
    hood, round_, _p, event = day
    round_.eligibility_min_age = 17
    db.session.commit()
    staff = hood.users["event_staff"]
    with pytest.raises(desk.EventError) as refused:
        desk.check_in(staff, event, arrival(age_band="16-17"), submissions.new_key())
    assert refused.value.field == "born"
    sixteen = date(date.today().year - 17, 12, 31)  # 16 until the end of the year at least
    with pytest.raises(desk.EventError) as too_young:
        desk.check_in(staff, event, arrival(age_band="16-17", born=sixteen),
                      submissions.new_key())
    assert "17 or over" in too_young.value.message
    seventeen = date(date.today().year - 18, 1, 1) if date.today() < date(
        date.today().year, 1, 2) else date(date.today().year - 17, 1, 1)
    done = desk.check_in(staff, event, arrival(age_band="16-17", born=seventeen),
                         submissions.new_key())
    assert done.check_in.facts_hash  # a date of birth gives the voter's fingerprint


def test_a_wards_event_checks_in_that_wards_residents_only(app, day):
    hood, round_, _p, _event = day
    hurdsfield = hood.wards["Macclesfield Hurdsfield"]
    event = make_event(round_, hood.users["officer"], name="Hurdsfield Decision Day",
                       staff=[hood.users["event_staff"]], ward_id=hurdsfield.id)
    with pytest.raises(desk.EventError) as refused:
        desk.check_in(hood.users["event_staff"], event, arrival(postcode="SK11 7AB"),
                      submissions.new_key())
    assert "Hurdsfield" in refused.value.message
    done, _code = check_in_person(event, hood.users["event_staff"], postcode="SK10 2QQ")
    assert done.check_in.ward_id == hurdsfield.id


def test_a_new_code_is_printed_on_the_spot_and_a_resent_form_checks_in_once(app, day):
    hood, round_, _p, event = day
    key = submissions.new_key()
    first = desk.check_in(hood.users["event_staff"], event, arrival(), key)
    again = desk.check_in(hood.users["event_staff"], event, arrival(), key)
    assert re.fullmatch(r"[A-Z0-9]{4}(-[A-Z0-9]{4}){3}", first.new_code)
    assert again.repeated and again.new_code == first.new_code
    assert again.check_in.id == first.check_in.id
    assert desk.checked_in_count(event) == 1
    assert db.session.scalar(select(func.count()).select_from(VotingCodeBatch)) == 1


def test_a_pre_printed_card_is_handed_to_one_person_only(app, day):
    hood, round_, _p, event = day
    card, other_round_card = make_codes(round_, hood.users["officer"], 2)
    done, _ = check_in_person(event, hood.users["event_staff"], code=card)
    assert done.check_in.handed == "card"
    with pytest.raises(desk.EventError) as refused:
        check_in_person(event, hood.users["event_staff2"], first_name="Sanjay",
                        postcode="SK11 7AB", code=card)
    assert "already been handed" in refused.value.message
    with pytest.raises(desk.EventError) as wrong:
        check_in_person(event, hood.users["event_staff"], first_name="Jo",
                        code="K7QM-3XHD-PW9R-TB4C")
    assert wrong.value.field == "card_code"


def test_the_same_details_twice_are_warned_about_and_can_be_confirmed(app, day):
    hood, round_, _p, event = day
    check_in_person(event, hood.users["event_staff"], first_name="Maureen")
    with pytest.raises(desk.SameDetails) as warned:
        check_in_person(event, hood.users["event_staff2"], first_name=" maureen ")
    assert "same first name, postcode and age band" in warned.value.message
    assert desk.checked_in_count(event) == 1
    check_in_person(event, hood.users["event_staff2"], first_name="Maureen",
                    different_person=True)
    assert desk.checked_in_count(event) == 2


def test_no_name_is_kept_and_equality_answers_are_stored_apart(app, day):
    hood, round_, _p, event = day
    check_in_person(event, hood.users["event_staff"], first_name="Bernadette",
                    equality={"age_band": "65-74", "sex": "female"})
    row = db.session.scalar(select(CheckIn))
    assert "Bernadette" not in repr([getattr(row, c.key) for c in CheckIn.__table__.columns])
    answers = db.session.scalar(select(EqualityResponse))
    assert answers.context == "attendee" and answers.source_id == event.id
    assert not hasattr(answers, "check_in_id")


def test_only_staff_on_duty_check_people_in(app, day):
    hood, round_, _p, event = day
    for who in ("resident", "scrutiny", "grant_officer", "other_officer"):
        with pytest.raises(NotAllowed):
            desk.check_in(hood.users[who], event, arrival(), submissions.new_key())


def test_the_desk_page_checks_in_and_keeps_what_was_typed(app, client, sign_in, day):
    hood, round_, _p, event = day
    sign_in(hood.users["event_staff"])
    page = client.get(f"/events/{event.id}/desk").get_data(as_text=True)
    key = re.search(r'name="submission" type="hidden" value="([^"]+)"', page).group(1)
    form = {"first_name": "Arjun", "postcode": "CW12 4AB", "age_band": "35-44",
            "hand": "new", "submission": key}
    refused = client.post(f"/events/{event.id}/desk", data=form)
    assert refused.status_code == 400
    body = refused.get_data(as_text=True)
    assert "outside Macclesfield" in body and 'value="Arjun"' in body
    done = client.post(f"/events/{event.id}/desk", data={**form, "postcode": "SK10 1EE"})
    assert done.status_code == 200
    body = done.get_data(as_text=True)
    assert 'id="new-code"' in body and '<strong id="checked-in-count">1</strong>' in body
