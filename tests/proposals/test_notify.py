"""Emails: the proposer hears of each status change; officers get a daily digest."""

from __future__ import annotations

from datetime import timedelta

from pb.extensions import db
from pb.models.base import utcnow
from pb.proposals import notify, review
from tests.factories import BUDGET_LINES, proposal_with_lines, resident_proposal
from tests.web import mail_to


def test_daily_digest_command(runner, neighbourhood, outbox):
    resident_proposal(neighbourhood, title="Fresh Idea One")
    resident_proposal(neighbourhood, title="Fresh Idea Two")
    old = resident_proposal(neighbourhood, title="Last Month's Idea")
    old.submitted_at = utcnow() - timedelta(days=30)
    proposal_with_lines(neighbourhood.rounds["other"], "Congleton Idea", BUDGET_LINES)
    db.session.commit()
    result = runner.invoke(args=["proposals-digest"])
    assert result.exit_code == 0, result.output
    to_macc = {m["To"] for m in outbox}
    officer = neighbourhood.users["officer"]
    assert {officer.email, neighbourhood.users["officer2"].email} <= to_macc
    body = mail_to(outbox, officer.email).get_content()
    assert "Fresh Idea One" in body and "Fresh Idea Two" in body
    assert "Last Month's Idea" not in body and "Congleton Idea" not in body
    assert neighbourhood.users["resident"].email not in to_macc
    help_text = runner.invoke(args=["proposals-digest", "--help"]).output
    assert "cron" in help_text


def test_digest_with_nothing_new_sends_nothing(runner, neighbourhood, outbox):
    result = runner.invoke(args=["proposals-digest"])
    assert result.exit_code == 0 and "no email sent" in result.output
    assert outbox == []


def test_the_digest_links_each_proposal_when_the_site_address_is_known(app, neighbourhood,
                                                                       outbox):
    fresh = resident_proposal(neighbourhood, title="Fresh Idea One")
    notify.send_digest()
    body = mail_to(outbox, neighbourhood.users["officer"].email).get_content()
    assert f"http://pb.test/proposals/{fresh.id}" in body


def test_without_a_site_address_a_cron_digest_has_no_links(app, neighbourhood, outbox):
    app.config["SERVER_NAME"] = None  # a cron run cannot know the site's address then
    resident_proposal(neighbourhood, title="Fresh Idea One")
    notify.send_digest()
    body = mail_to(outbox, neighbourhood.users["officer"].email).get_content()
    line = next(line for line in body.splitlines() if "Fresh Idea One" in line)
    assert "http" not in body and line.endswith("from Maureen")


def test_the_proposer_hears_of_a_decision_with_its_reason(neighbourhood, outbox):
    proposal = resident_proposal(neighbourhood, status="under_review")
    review.review(proposal, neighbourhood.users["officer"], "needs_changes",
                  "Please cost the refreshments per session.")
    message = mail_to(outbox, neighbourhood.users["resident"].email)
    assert message["Subject"] == "Your proposal: Needs changes"
    body = message.get_content()
    assert "Comments: Please cost the refreshments per session." in body
    assert f"http://pb.test/proposals/{proposal.id}" in body
