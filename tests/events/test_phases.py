"""Phase controls: open and close proposals, the review and voting "now", with a confirmation
step, audited, keeping the timetable true, shown in UK form; locked settings read-only."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from pb.admin import phases
from pb.errors import Conflict, NotAllowed
from pb.extensions import db
from pb.models import AuditEntry
from pb.models.base import utcnow
from tests.factories import make_ballot_round, make_proposal, make_round


def fields(page: str) -> dict:
    return dict(re.findall(r'name="(submission|seen)" type="hidden" value="([^"]*)"', page))


def test_close_voting_now_is_confirmed_audited_and_keeps_the_timetable(app, client, sign_in,
                                                                       neighbourhood):
    round_, _ = make_ballot_round(neighbourhood)
    sign_in(neighbourhood.users["officer"])
    page = client.get(f"/admin/rounds/{round_.id}/phases").get_data(as_text=True)
    assert "Close voting now…" in page and "Voting open" in page
    confirm = client.get(f"/admin/rounds/{round_.id}/phases/close-voting")
    body = confirm.get_data(as_text=True)
    assert "Close voting now?" in body and "Voting closes" in body
    before = round_.voting_close_at
    assert round_.status == "voting"  # nothing changes on the confirmation page
    done = client.post(f"/admin/rounds/{round_.id}/phases/close-voting", data=fields(body))
    assert done.status_code == 303
    db.session.refresh(round_)
    assert round_.status == "closed" and round_.voting_close_at < before
    entry = db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "round.phase_changed"))
    assert '"close-voting"' in entry.after_json
    # The same form again (a double click) does nothing more.
    client.post(f"/admin/rounds/{round_.id}/phases/close-voting", data=fields(body))
    assert db.session.scalar(select(db.func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "round.phase_changed")) == 1


def test_a_second_officer_pressing_close_after_the_first_is_told(app, neighbourhood):
    round_, _ = make_ballot_round(neighbourhood)
    phases.change_phase(neighbourhood.users["officer"], round_, "close-voting", seen="voting",
                        submission="a" * 20)
    with pytest.raises(Conflict) as told:
        phases.change_phase(neighbourhood.users["officer2"], round_, "close-voting",
                            seen="voting", submission="b" * 20)
    assert "Nothing was changed" in told.value.message


def test_opening_voting_early_moves_the_earlier_dates_and_asks_when_it_closes(app,
                                                                             neighbourhood):
    hood = neighbourhood
    round_ = hood.rounds["proposals"]
    make_proposal(round_, "Sutton Hall Walking Group", 900_00)
    round_.voting_close_at = None
    db.session.commit()
    with pytest.raises(phases.AdminError) as asked:
        phases.change_phase(hood.users["officer"], round_, "open-voting", seen="proposals",
                            submission="c" * 20)
    assert asked.value.field == "close_day"
    close = utcnow() + timedelta(days=14)
    phases.change_phase(hood.users["officer"], round_, "open-voting", seen="proposals",
                        submission="d" * 20, close_at=close)
    assert round_.status == "voting"
    dates = [round_.proposals_open_at, round_.proposals_close_at, round_.review_close_at,
             round_.voting_open_at, round_.voting_close_at]
    assert dates == sorted(dates)


def test_only_the_partnerships_officers_change_phases(app, client, sign_in, neighbourhood):
    round_, _ = make_ballot_round(neighbourhood)
    for who in ("event_staff", "other_officer", "scrutiny"):
        with pytest.raises(NotAllowed):
            phases.change_phase(neighbourhood.users[who], round_, "close-voting",
                                seen="voting", submission="e" * 20)
    other = make_round(neighbourhood.partnership, "Unshortlisted Round", "review")
    with pytest.raises(phases.AdminError):
        phases.change_phase(neighbourhood.users["officer"], other, "open-voting",
                            seen="review", submission="f" * 20,
                            close_at=utcnow() + timedelta(days=3))


def test_locked_settings_show_read_only_and_dates_in_uk_form(app, client, sign_in,
                                                            neighbourhood):
    round_, _ = make_ballot_round(neighbourhood)
    sign_in(neighbourhood.users["officer"])
    page = client.get(f"/admin/rounds/{round_.id}/phases").get_data(as_text=True)
    assert "these settings are locked and cannot change" in page
    assert "<dt>Budget</dt><dd>£50,000</dd>" in page
    assert "<input" not in page.split("Locked settings")[1]
    month = round_.voting_close_at.strftime("%B")
    assert re.search(rf"\d{{1,2}} {month} \d{{4}}, \d\d:\d\d", page)  # 9 March 2026, 14:03
    upcoming = neighbourhood.rounds["proposals"]
    page = client.get(f"/admin/rounds/{upcoming.id}/phases").get_data(as_text=True)
    assert "Nothing is locked yet" in page
