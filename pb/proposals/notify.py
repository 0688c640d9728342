"""Emails about proposals: a status change to its proposer, and the officers' daily digest.

Mail goes out after the change is committed; a mail failure is logged, never undoes
the change.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app, has_request_context, url_for
from sqlalchemy import select

from pb.extensions import db
from pb.mail import send_mail
from pb.models import Role, RoleAssignment, User
from pb.models.base import utcnow
from pb.models.proposal import PROPOSAL_STATUSES, Proposal
from pb.money import format_pence
from pb.proposals import queries

STATUS_MESSAGES = {
    "submitted": "We have received your proposal. The partnership will review it after the "
                 "deadline.",
    "under_review": "The partnership has started reviewing your proposal.",
    "eligible": "Good news: your proposal is eligible.",
    "ineligible": "Your proposal is not eligible.",
    "needs_changes": "The partnership has asked for some changes to your proposal. Please "
                     "edit it and submit it again.",
    "shortlisted": "Your proposal will be on the ballot.",
    "merged": "Your proposal has been merged with a similar one.",
    "withdrawn": "Your proposal has been withdrawn.",
}


def link_to(proposal: Proposal) -> str:
    """The proposal's absolute address, or "" outside a request when no SERVER_NAME is
    configured (a cron run cannot know the site's address then)."""
    if has_request_context() or current_app.config.get("SERVER_NAME"):
        return url_for("proposals.detail", proposal_id=proposal.id, _external=True)
    return ""


def notify_status(proposal: Proposal) -> None:
    """Email the proposer (or the staff member who typed in a paper proposal)."""
    recipient = proposal.proposer or proposal.entered_on_behalf_by
    if recipient is None or not recipient.email:
        return
    label = PROPOSAL_STATUSES.get(proposal.status, proposal.status)
    lines = [f"Hello {recipient.display_name},", ""]
    if proposal.is_paper and proposal.proposer is None:
        lines += [f"This is about the paper proposal you entered for "
                  f"{proposal.paper_proposer_name}. Please pass this on.", ""]
    lines += [f"“{proposal.title}” ({proposal.round.name}) is now: {label}.", "",
              STATUS_MESSAGES.get(proposal.status, "")]
    if proposal.status_reason:
        heading = "Comments" if proposal.status == "needs_changes" else "Reason"
        lines += ["", f"{heading}: {proposal.status_reason}"]
    link = link_to(proposal)
    if link:
        lines += ["", f"See it here: {link}"]
    lines += ["", "pb, on behalf of " + proposal.round.partnership.name]
    try:
        send_mail(recipient.email, f"Your proposal: {label}", "\n".join(lines))
    except Exception:  # noqa: BLE001 - the change is saved; a mail failure must not undo it
        current_app.logger.exception("Could not email %s about proposal %s",
                                     recipient.email, proposal.id)


def send_digest(hours: int = 24, now: datetime | None = None) -> list[tuple[str, int]]:
    """Email each officer the proposals submitted to their partnership's rounds in the
    last ``hours``. Returns (email, number of proposals) for each message sent."""
    now = now or utcnow()
    fresh = queries.new_submissions(now - timedelta(hours=hours), now)
    by_partnership: dict[int, list[Proposal]] = {}
    for proposal in fresh:
        by_partnership.setdefault(proposal.round.partnership_id, []).append(proposal)
    sent = []
    for partnership_id, items in by_partnership.items():
        body = _digest_body(items, hours)
        for officer in _officers_of(partnership_id):
            send_mail(officer.email, f"New proposals: {len(items)} in the last {hours} hours",
                      "\n".join([f"Hello {officer.display_name},", ""] + body))
            sent.append((officer.email, len(items)))
    return sent


def _officers_of(partnership_id: int) -> list[User]:
    return list(db.session.scalars(
        select(User).join(RoleAssignment, RoleAssignment.user_id == User.id).where(
            RoleAssignment.role == Role.OFFICER,
            RoleAssignment.partnership_id == partnership_id,
            User.is_active_account.is_(True)).distinct().order_by(User.id)))


def _digest_body(items: list[Proposal], hours: int) -> list[str]:
    """One line per proposal, under a heading per round."""
    body = [f"{len(items)} new proposal{'s' if len(items) != 1 else ''} in the last "
            f"{hours} hours:", ""]
    current_round = None
    for proposal in items:
        if proposal.round_id != current_round:
            current_round = proposal.round_id
            body += ["", proposal.round.name]
        paper = " (handed in on paper)" if proposal.is_paper else ""
        body.append(f"- {proposal.title}: {format_pence(proposal.cost_pence)}, "
                    f"from {proposal.public_proposer}{paper} {link_to(proposal)}".rstrip())
    return body
