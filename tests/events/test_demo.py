"""The demo's decision days: the completed £100,000 day with 200+ attendees and votes by
channel adding up to the round's ballots, and an upcoming event ready to run; idempotent."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from pb.events import queries, reconciliation
from pb.extensions import db
from pb.models import Ballot, CheckIn, Event, KioskDevice, Round
from pb.results import services as results


@pytest.mark.slow
def test_the_demo_has_a_completed_and_an_upcoming_decision_day(app, runner, client):
    from pb.demo import ROUND_DECISION_DAY, ROUND_OPEN_VOTE
    from pb.demo.events import COMPLETED, UPCOMING

    assert runner.invoke(args=["demo"]).exit_code == 0
    counts = lambda: tuple(db.session.scalar(select(func.count()).select_from(m))  # noqa: E731
                           for m in (Event, CheckIn, KioskDevice, Ballot))
    first = counts()
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert counts() == first

    decision = db.session.scalar(select(Round).where(Round.name == ROUND_DECISION_DAY))
    day = db.session.scalar(select(Event).where(Event.name == COMPLETED))
    summary = queries.summary(day)
    assert summary["checked_in"] >= 200
    assert sum(summary["votes_by_channel"].values()) == results.result_for(
        decision).ballots_counted == db.session.scalar(
        select(func.count()).select_from(Ballot).where(Ballot.round_id == decision.id,
                                                       Ballot.status == "counted"))
    assert all(summary["votes_by_channel"].values())
    figures = reconciliation.figures(day)
    assert figures["matched"] == summary["votes_by_channel"]["paper"]
    assert figures["spoilt"] == 3 and figures["received"] == figures["entered"]
    assert decision.budget_pence == 100_000_00 and decision.status == "results"
    report = client.get(f"/events/{day.id}/report")  # public once the result is published
    assert report.status_code == 200 and "The result" in report.get_data(as_text=True)

    upcoming = db.session.scalar(select(Event).where(Event.name == UPCOMING))
    open_vote = db.session.scalar(select(Round).where(Round.name == ROUND_OPEN_VOTE))
    assert upcoming.round_id == open_vote.id and upcoming.staff and len(upcoming.devices) == 2
    assert all(d.state == "enrolled" for d in upcoming.devices)
    assert upcoming.projects
