"""Supports: residents back proposals while the round takes them (one each, enforced by
a unique constraint), and a round may require a number of them before shortlisting.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from pb import audit, policy
from pb.errors import NotAllowed
from pb.extensions import db
from pb.i18n import words
from pb.models.base import utcnow
from pb.models.proposal import Proposal, ProposalSupport
from pb.proposals.queries import has_supported
from pb.proposals.services import ProposalError

SUPPORTABLE = ("submitted", "under_review", "needs_changes", "eligible")


def support(proposal: Proposal, actor) -> bool:
    """Record one support from ``actor``; False when they had already supported it."""
    if not policy.is_signed_in(actor):
        raise NotAllowed(_("Sign in to support proposals."))
    if not policy.can_view_proposal(actor, proposal):
        raise NotAllowed(_("You cannot support a proposal you cannot see."))
    if not proposal.round.accepting_proposals:
        raise ProposalError(_("Supports are collected only while the round is taking "
                              "proposals."))
    if proposal.status not in SUPPORTABLE:
        raise ProposalError(_("You cannot support a proposal that is %(status)s.",
                              status=words(proposal.status_label).lower()))
    if policy.is_proposer_of(actor, proposal):
        raise ProposalError(_("You cannot support your own proposal."))
    if not actor.is_verified:
        raise ProposalError(_("Confirm your email address before you support proposals."))
    if has_supported(proposal, actor):
        return False
    try:
        db.session.add(ProposalSupport(proposal_id=proposal.id, user_id=actor.id,
                                       created_at=utcnow()))
        db.session.flush()
    except IntegrityError:
        # A parallel request recorded it first: the database keeps one per person.
        db.session.rollback()
        return False
    audit.record("proposal.supported", proposal, after={"user_id": actor.id})
    db.session.commit()
    return True


def unsupport(proposal: Proposal, actor) -> bool:
    """Take back ``actor``'s support; False when there was none."""
    if not policy.is_signed_in(actor):
        raise NotAllowed(_("Sign in to change your support."))
    if not proposal.round.accepting_proposals:
        raise ProposalError(_("Supports can change only while the round is taking proposals."))
    existing = db.session.scalar(select(ProposalSupport).where(
        ProposalSupport.proposal_id == proposal.id, ProposalSupport.user_id == actor.id))
    if existing is None:
        return False
    db.session.delete(existing)
    audit.record("proposal.unsupported", proposal, after={"user_id": actor.id})
    db.session.commit()
    return True
