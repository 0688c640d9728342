"""The review: officers move proposals through their statuses, merge duplicates, and
proposers or officers withdraw them.

The state machine is ``REVIEW_ACTIONS``: each action names the statuses it starts
from and the one it leads to. Nothing changes once voting has opened, because the
ballot must stay as voters saw it. Each use case follows ``services``' contract:
``actor`` explicit, ``NotAllowed`` when policy says no, one audit entry, one commit.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from pb import audit, policy
from pb.errors import NotAllowed, refuse
from pb.extensions import db
from pb.i18n import words
from pb.models.proposal import Proposal, ProposalSupport
from pb.proposals.history import add_status, add_version
from pb.proposals.markup import clean
from pb.proposals.notify import notify_status
from pb.proposals.queries import support_count
from pb.proposals.services import CLOSED, ProposalError
from pb.proposals.validation import saved_budget_problem

REASON_MAX = 2000


def _ballot_fixed() -> str:
    return _("Voting has opened, so the ballot can no longer change.")


@dataclass(frozen=True)
class ReviewAction:
    label: str  # lazy: read in the reader's language
    from_statuses: tuple[str, ...]
    to_status: str
    needs_reason: bool = False
    reason_prompt: str = ""


REVIEW_ACTIONS = {
    "start_review": ReviewAction(_l("Start review"), ("submitted",), "under_review"),
    "eligible": ReviewAction(_l("Mark eligible"), ("submitted", "under_review"), "eligible"),
    "ineligible": ReviewAction(
        _l("Mark not eligible"), ("submitted", "under_review", "needs_changes", "eligible"),
        "ineligible", True, _l("Give the reason it is not eligible: the proposer and the "
                               "public see it.")),
    "needs_changes": ReviewAction(
        _l("Ask for changes"), ("submitted", "under_review"), "needs_changes", True,
        _l("Say what needs to change: the proposer sees your comments.")),
    "shortlist": ReviewAction(_l("Put on the ballot"), ("eligible",), "shortlisted"),
    "reconsider": ReviewAction(
        _l("Back to review"), ("eligible", "ineligible", "shortlisted", "needs_changes"),
        "under_review", True, _l("Say why it goes back to review.")),
}


def actions_for(proposal: Proposal) -> list[tuple[str, ReviewAction]]:
    """The review actions open to a proposal in its present status."""
    return [(key, action) for key, action in REVIEW_ACTIONS.items()
            if proposal.status in action.from_statuses]


def _require_reviewer(actor, round_) -> None:
    if not policy.can_review_proposals(actor, round_):
        raise refuse(NotAllowed(_("Only the partnership's officers can review proposals.")))


def review(proposal: Proposal, actor, action_key: str, reason: str = "") -> Proposal:
    """An officer moves a proposal through the review (one transition)."""
    round_ = proposal.round
    _require_reviewer(actor, round_)
    action = REVIEW_ACTIONS.get(action_key)
    if action is None:
        raise refuse(ProposalError(field_errors={
            "action": _("Choose what to do with this proposal.")}))
    reason = clean(reason)
    problem = _review_problem(proposal, action, reason)
    if problem:
        raise refuse(problem)
    before = proposal.status
    add_status(proposal, action.to_status, actor, "officer", reason)
    audit.record("proposal.reviewed", proposal, before={"status": before},
                 after={"status": action.to_status, "reason": reason})
    db.session.commit()
    notify_status(proposal)
    return proposal


def _review_problem(proposal: Proposal, action: ReviewAction,
                    reason: str) -> ProposalError | None:
    """Why ``action`` cannot be taken on ``proposal`` now, or None."""
    round_ = proposal.round
    if round_.voting_has_opened:
        return ProposalError(_ballot_fixed())
    if proposal.status not in action.from_statuses:
        return ProposalError(_("A proposal that is %(status)s cannot be changed with "
                               "“%(action)s”.", status=words(proposal.status_label).lower(),
                               action=action.label))
    if action.needs_reason and not reason:
        return ProposalError(field_errors={"reason": str(action.reason_prompt)})
    if len(reason) > REASON_MAX:
        return ProposalError(field_errors={
            "reason": _("Keep the reason under 2,000 characters.")})
    if action.to_status != "shortlisted":
        return None
    supports = support_count(proposal)
    if supports < (round_.supports_required or 0):
        return ProposalError(_("This round needs %(needed)s supports before a proposal can "
                               "go on the ballot; this one has %(supports)s.",
                               needed=round_.supports_required, supports=supports))
    problem = saved_budget_problem(proposal, theirs=True)
    if problem and proposal.budget_lines:
        return ProposalError(problem)
    return None


def withdraw(proposal: Proposal, actor, reason: str = "") -> Proposal:
    """The proposer (or an officer, with a reason) withdraws a proposal."""
    round_ = proposal.round
    is_officer = policy.can_review_proposals(actor, round_)
    is_proposer = policy.is_proposer_of(actor, proposal)
    if not (is_officer or is_proposer):
        raise refuse(NotAllowed(_("Only the proposer and the partnership's officers can "
                                  "withdraw this proposal.")))
    reason = clean(reason)
    if proposal.status in CLOSED:
        raise refuse(ProposalError(
            _("This proposal is already %(status)s.", status=words(proposal.status_label).lower())))
    if round_.voting_has_opened:
        raise refuse(ProposalError(_ballot_fixed()))
    as_ = "proposer" if is_proposer else "officer"
    if as_ == "officer" and not reason:
        raise refuse(ProposalError(field_errors={
            "reason": _("Say why you are withdrawing this proposal.")}))
    before = proposal.status
    add_status(proposal, "withdrawn", actor, as_, reason)
    audit.record("proposal.withdrawn", proposal, before={"status": before},
                 after={"status": "withdrawn", "reason": reason, "as": as_})
    db.session.commit()
    notify_status(proposal)
    return proposal


def merge(proposal: Proposal, target: Proposal | None, actor, reason: str) -> Proposal:
    """Merge ``proposal`` into ``target``: its supports and history carry over."""
    _require_reviewer(actor, proposal.round)
    reason = clean(reason)
    problem = _merge_problem(proposal, target, reason)
    if problem:
        raise refuse(problem)
    moved = _move_supports(proposal, target)
    before = proposal.status
    proposal.merged_into_id = target.id
    add_status(proposal, "merged", actor, "officer", f"Merged into “{target.title}”: {reason}")
    add_version(target, actor, "officer", reason,
                {"merged_from": [None, f"{proposal.title} (#{proposal.id})"]})
    audit.record("proposal.merged", proposal, before={"status": before},
                 after={"status": "merged", "merged_into_id": target.id, "reason": reason,
                        "supports_moved": moved})
    db.session.commit()
    notify_status(proposal)
    return proposal


def _merge_problem(proposal: Proposal, target: Proposal | None,
                   reason: str) -> ProposalError | None:
    errors = {}
    if target is None or target.round_id != proposal.round_id or target.id == proposal.id:
        errors["target_id"] = _("Choose another proposal in the same round.")
    elif target.status in CLOSED + ("draft", "ineligible"):
        errors["target_id"] = _("You cannot merge into a proposal that is %(status)s.",
                                status=words(target.status_label).lower())
    if not reason:
        errors["reason"] = _("Say why these proposals are being merged.")
    if errors:
        return ProposalError(field_errors=errors)
    if proposal.status in CLOSED + ("draft",):
        return ProposalError(_("A proposal that is %(status)s cannot be merged.",
                               status=words(proposal.status_label).lower()))
    if proposal.round.voting_has_opened:
        return ProposalError(_ballot_fixed())
    return None


def _move_supports(proposal: Proposal, target: Proposal) -> int:
    """Supports move to the merged proposal; someone who supported both keeps one.
    Returns how many of ``proposal``'s supports there were."""
    already = set(db.session.scalars(select(ProposalSupport.user_id).where(
        ProposalSupport.proposal_id == target.id)))
    moving = list(db.session.scalars(select(ProposalSupport).where(
        ProposalSupport.proposal_id == proposal.id)))
    for support in moving:
        if support.user_id in already:
            db.session.delete(support)
    db.session.flush()
    for support in moving:
        if support.user_id not in already:
            support.proposal_id = target.id
    return len(moving)
