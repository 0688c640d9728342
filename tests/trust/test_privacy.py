"""Personal data (UK GDPR): a resident downloads their data and deletes their account, and
their counted ballot stays, anonymised, so results never change; `flask --app pb purge`
blanks check-in details and deletes equality answers after the retention period; the
privacy notice says what is kept, why, for how long and who to ask."""

from __future__ import annotations

import json
from datetime import date, timedelta

from sqlalchemy import func, select

from pb.extensions import db
from pb.models import AuditEntry, User
from pb.models.base import utcnow
from pb.models.equality import EqualityResponse
from pb.models.event import CheckIn
from pb.models.voting import Ballot, Voter
from pb.results.services import ballots_pb
from pb.voting import keys
from tests.factories import (
    PASSWORD,
    cast_for,
    check_in_person,
    make_ballot_round,
    make_event,
    make_voter,
)


def test_resident_downloads_data_then_deletes_account_and_results_do_not_change(
        app, client, neighbourhood, sign_in, figure):
    round_, projects = make_ballot_round(neighbourhood)
    voters = [make_voter(n) for n in range(1, 6)]
    for n, voter in enumerate(voters):
        cast_for(round_, voter, {projects[n % 3].id: 1, projects[3].id: 1})
    leaving = voters[0]
    leaving_id, email = leaving.id, leaving.email
    before = ballots_pb(round_)
    counted_before = db.session.scalar(select(func.count()).select_from(Ballot).where(
        Ballot.status == "counted"))

    sign_in(leaving)
    page = client.get("/account/data")
    assert page.status_code == 200 and "Delete my account" in page.get_data(as_text=True)
    download = client.get("/account/data.json")
    assert download.status_code == 200
    assert download.headers["Content-Disposition"].startswith("attachment")
    data = json.loads(download.data)
    assert data["account"]["email"] == email and data["account"]["postcode"] == "SK10 2LH"
    assert [b["round_id"] for b in data["ballots"]] == [round_.id]
    # Never how they voted: a ballot is its round, status, channel and time only.
    assert set(data["ballots"][0]) == {"round_id", "status", "channel", "cast_at"}

    wrong = client.post("/account/delete", data={"password": "not my password at all"})
    assert wrong.status_code == 400
    gone = client.post("/account/delete", data={"password": PASSWORD})
    assert gone.status_code == 303

    db.session.expire_all()
    user = db.session.get(User, leaving_id)
    assert user.email != email and user.postcode is None and user.date_of_birth is None
    assert not user.is_active and user.display_name == "Deleted account"
    leaving_key = keys.account_key(round_.id, leaving_id)
    assert db.session.scalar(select(func.count()).select_from(Voter).where(
        Voter.account_key == leaving_key)) == 0
    assert db.session.scalar(select(func.count()).select_from(Voter).where(
        Voter.voter_key == leaving_key)) == 0
    assert leaving_id not in {keys.account_of(v.round_id, v.voter_key, v.account_ref)
                              for v in db.session.scalars(select(Voter))}
    after = ballots_pb(round_)
    counted_after = db.session.scalar(select(func.count()).select_from(Ballot).where(
        Ballot.status == "counted"))
    assert client.get("/account/").status_code == 302
    sign_in(email, expect=400)
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "account.deleted")) == 1
    figure("account deletion", ballots_counted_before=counted_before,
           ballots_counted_after=counted_after, results_file_identical=int(before == after),
           links_to_person_left=0)
    assert counted_before == counted_after == 5 and before == after


def test_staff_cannot_delete_their_own_account_here(app, client, neighbourhood, sign_in):
    sign_in(neighbourhood.users["officer"])
    assert "Ask an administrator" in client.get("/account/data").get_data(as_text=True)
    assert client.post("/account/delete", data={"password": PASSWORD}).status_code == 403
    assert db.session.get(User, neighbourhood.users["officer"].id).is_active


def test_purge_removes_old_check_in_details_and_equality_answers(app, runner, neighbourhood,
                                                                  figure):
    round_, _projects = make_ballot_round(neighbourhood)
    staff = neighbourhood.users["event_staff"]
    event = make_event(round_, neighbourhood.users["officer"], staff=[staff])
    check_in_person(event, staff, first_name="Maureen")
    check_in_person(event, staff, first_name="Derek", postcode="SK11 7AB")
    old = db.session.scalars(select(CheckIn).order_by(CheckIn.id)).first()
    old.checked_in_at = utcnow() - timedelta(days=91)
    today = date.today()
    for days in (10, 800, 900):
        db.session.add(EqualityResponse(context="voter", round_id=round_.id, age_band="65-74",
                                        recorded_on=today - timedelta(days=days)))
    db.session.commit()
    app.config["RETENTION_DAYS_CHECK_IN"] = 90

    result = runner.invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    check_ins = db.session.scalars(select(CheckIn).order_by(CheckIn.id)).all()
    answers = db.session.scalar(select(func.count()).select_from(EqualityResponse))
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "privacy.purged"))
    figure("purge", check_ins_blanked=sum(c.details_hash == "purged" for c in check_ins),
           check_ins_kept=sum(c.details_hash != "purged" for c in check_ins),
           equality_deleted=3 - answers, equality_kept=answers)
    assert [c.details_hash == "purged" for c in check_ins] == [True, False]
    assert check_ins[0].facts_hash is None and len(check_ins) == 2  # counts unchanged
    assert answers == 1
    assert "Purged 1 check-in record(s)" in result.output
    assert entry is not None and '"equality_answers": 2' in json.dumps(entry.after)
    again = runner.invoke(args=["purge"])
    assert "Purged 0 check-in record(s)" in again.output


def test_privacy_notice_is_linked_from_every_page_and_says_what_why_how_long_who(app, client):
    home = client.get("/").get_data(as_text=True)
    assert 'href="/privacy"' in home
    notice = client.get("/privacy")
    text = notice.get_data(as_text=True)
    assert notice.status_code == 200
    for words in ("What we keep, why, and for how long", "Who to ask", "90 days", "730 days",
                  "Information Commissioner"):
        assert words in text
