"""Proposal use cases for proposers: create (online or from paper), edit, submit.

Each use case takes the acting person (``actor``), checks ``pb.policy`` and the state
of the proposal and its round, changes the models, records one audit entry and
commits once. Problems with what was entered raise ``ProposalError`` with field
errors for the form; asking for something the person may not do raises
``NotAllowed``. Review, withdrawal and merging are in ``review``; supports in
``supports``; reads in ``queries``.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from pb import audit, policy
from pb.errors import DomainError, NotAllowed, refuse
from pb.extensions import db
from pb.i18n import words
from pb.models import Organisation, Round
from pb.models.base import utcnow
from pb.models.proposal import (
    OUTCOMES,
    BudgetLine,
    Proposal,
    ProposalOutcome,
    ProposalStatusChange,
)
from pb.proposals import markup, queries, uploads
from pb.proposals.history import FIRST_VERSION, add_status, add_version, diff, snapshot
from pb.proposals.markup import clean
from pb.proposals.notify import notify_status
from pb.proposals.validation import (
    ProposalInput,
    check_files,
    saved_budget_problem,
    validate_input,
)

PROPOSER_EDITABLE = ("draft", "submitted", "needs_changes")
CLOSED = ("merged", "withdrawn")


class ProposalError(DomainError):
    """A problem with what was entered or asked; ``field_errors`` says which field.

    Field errors named ``budget`` belong to the budget table rather than one field.
    """


# Creating --------------------------------------------------------------------------------------

def find_by_key(key: str | None) -> Proposal | None:
    if not key:
        return None
    return db.session.scalar(select(Proposal).where(Proposal.idempotency_key == key))


def create_proposal(round_: Round, actor, data: ProposalInput, *, idempotency_key: str,
                    submit: bool, paper: bool = False) -> tuple[Proposal, bool]:
    """A new proposal (draft, or submitted at once). Returns (proposal, created).

    The form's idempotency key makes a double click or a resent POST return the
    proposal the first request made instead of a second one.
    """
    existing = find_by_key(idempotency_key)
    if existing is not None:
        if not policy.is_proposer_of(actor, existing):
            raise NotAllowed(_("That form was already used for someone else's proposal."))
        return existing, False
    _check_may_create(round_, actor, submit=submit, paper=paper)
    errors = validate_input(round_, actor, data, paper=paper)
    file_errors, image, document = check_files(None, data)
    errors.update(file_errors)
    if errors:
        raise ProposalError(field_errors=errors)
    proposal = Proposal(round_id=round_.id, round=round_, status="draft",
                        idempotency_key=idempotency_key or None)
    stored: list[str] = []
    try:
        # No flush until everything is in place, so that the one INSERT meets the unique
        # idempotency key at a point where a lost race can be handled.
        with db.session.no_autoflush:
            db.session.add(proposal)
            stored, replaced = _fill_new(proposal, actor, data, image, document,
                                         submit=submit, paper=paper)
        db.session.flush()
    except IntegrityError as exc:
        return _lost_race(actor, idempotency_key, stored, exc), False
    audit.record("proposal.created", proposal, after={
        "round_id": round_.id, "title": proposal.title, "cost_pence": proposal.cost_pence,
        "status": proposal.status, "paper": paper})
    uploads.commit_with_files(stored, replaced)
    if submit:
        notify_status(proposal)
    return proposal, True


def _check_may_create(round_: Round, actor, *, submit: bool, paper: bool) -> None:
    if paper:
        if not policy.can_enter_paper_proposal(actor, round_):
            raise NotAllowed(_("Only the partnership's officers and event staff can enter "
                               "paper proposals."))
        if round_.status not in ("proposals", "review"):
            raise ProposalError(_("Paper proposals can be entered while the round takes "
                                  "proposals or is reviewing them."))
        return
    if not round_.accepting_proposals:
        raise ProposalError(_("This round is not taking proposals now."))
    if submit and not actor.is_verified:
        raise ProposalError(_("Confirm your email address before you submit a proposal "
                              "(you can save it as a draft now)."))


def _fill_new(proposal: Proposal, actor, data: ProposalInput, image, document, *,
              submit: bool, paper: bool) -> tuple[list[str], list[str]]:
    """Everything a new proposal starts with: its fields, files, first version and
    first status (or two, when submitted at once)."""
    now = utcnow()
    if paper:
        proposal.entered_on_behalf_by_id = actor.id
    else:
        proposal.proposer_id = actor.id
    _apply(proposal, proposal.round, data)
    files = uploads.attach(proposal, actor, image, document)
    role = "staff" if paper else "proposer"
    add_version(proposal, actor, role, "Handed in on paper" if paper else FIRST_VERSION,
                {"cost_pence": [None, proposal.cost_pence]})
    proposal.status_changes.append(ProposalStatusChange(
        from_status=None, to_status="draft", changed_at=now, changed_by_id=actor.id,
        changed_as=role))
    if submit:
        add_status(proposal, "submitted", actor, role)
        proposal.submitted_at = now
    return files


def _lost_race(actor, idempotency_key: str, stored: list[str],
               error: IntegrityError) -> Proposal:
    """Another request with the same key won the race: return its proposal."""
    db.session.rollback()
    for name in stored:
        uploads.remove(name)
    existing = find_by_key(idempotency_key)
    if existing is None or not policy.is_proposer_of(actor, existing):
        raise error
    return existing


def _apply(proposal: Proposal, round_: Round, data: ProposalInput) -> None:
    """Copy the checked input onto the proposal (collections replaced only if changed)."""
    proposal.title = clean(data.title)
    proposal.summary = clean(data.summary)
    proposal.description = clean(data.description)
    proposal.description_html = markup.render_markdown(proposal.description)
    proposal.is_area_wide = data.area_wide
    proposal.wards = [w for w in round_.area.wards if w.id in set(data.ward_ids)]
    proposal.themes = [t for t in queries.all_themes() if t.id in set(data.theme_ids)]
    wanted = [code for code in OUTCOMES if code in set(data.outcomes)]
    if wanted != proposal.outcomes:
        proposal.outcome_links.clear()
        if proposal.id is not None:
            db.session.flush()  # delete the old rows before the unique ones come back
        proposal.outcome_links.extend(ProposalOutcome(code=code) for code in wanted)
    proposal.outcomes_other = clean(data.outcomes_other)
    proposal.delivered_by = clean(data.delivered_by)
    proposal.organisation_id = data.organisation_id or None
    proposal.organisation = (db.session.get(Organisation, data.organisation_id)
                             if data.organisation_id else None)
    current = [(line.description, line.amount_pence) for line in proposal.budget_lines]
    wanted_lines = [(clean(d), a) for d, a in data.lines]
    if current != wanted_lines:
        proposal.budget_lines.clear()
        if proposal.id is not None:
            db.session.flush()
        proposal.budget_lines.extend(
            BudgetLine(position=i, description=d, amount_pence=a)
            for i, (d, a) in enumerate(wanted_lines))
    proposal.cost_pence = sum(a for _line, a in wanted_lines)
    if data.paper_name or data.paper_contact:
        proposal.paper_proposer_name = clean(data.paper_name)
        proposal.paper_proposer_contact = clean(data.paper_contact)


# Editing ---------------------------------------------------------------------------------------

def edit_mode(proposal: Proposal, actor) -> str:
    """'proposer' or 'officer' when ``actor`` may edit now; raises otherwise."""
    round_ = proposal.round
    is_officer = policy.can_review_proposals(actor, round_)
    is_proposer = policy.is_proposer_of(actor, proposal)
    if not (is_officer or is_proposer):
        raise NotAllowed(_("Only the proposer and the partnership's officers can change "
                           "this proposal."))
    if round_.voting_has_opened:
        raise ProposalError(_("Voting has opened, so the proposals on the ballot can no "
                              "longer change."))
    if proposal.status in CLOSED:
        raise ProposalError(_("This proposal is %(status)s, so it can no longer change.",
                              status=words(proposal.status_label).lower()))
    if is_proposer and proposer_may_edit(proposal):
        return "proposer"
    if is_officer:
        return "officer"
    raise ProposalError(proposer_closed_message(proposal))


def may_edit(proposal: Proposal, actor) -> bool:
    """Whether ``edit_mode`` would let ``actor`` edit (for showing the edit link)."""
    try:
        edit_mode(proposal, actor)
    except DomainError:
        return False
    return True


def proposer_may_edit(proposal: Proposal) -> bool:
    round_ = proposal.round
    if proposal.status not in PROPOSER_EDITABLE:
        return False
    deadline = round_.proposals_close_at
    # A proposal sent back for changes may be fixed until the review ends.
    if proposal.status == "needs_changes" and round_.review_close_at:
        deadline = max(deadline or round_.review_close_at, round_.review_close_at)
    return deadline is None or utcnow() < deadline


def proposer_closed_message(proposal: Proposal) -> str:
    if proposal.status not in PROPOSER_EDITABLE:
        return _("The partnership is reviewing this proposal, so only its officers can "
                 "change it now. Contact them if something needs correcting.")
    return _("The deadline for proposals has passed, so only the partnership's officers can "
             "change it now.")


def update_proposal(proposal: Proposal, actor, data: ProposalInput, *,
                    reason: str) -> Proposal:
    """Save an edit as a new version (what changed, who, when, why)."""
    mode = edit_mode(proposal, actor)
    reason = clean(reason)
    round_ = proposal.round
    paper = proposal.is_paper
    errors = validate_input(round_, proposal.proposer or actor, data, paper=paper)
    if mode == "officer" and not reason:
        errors["reason"] = _("Say why you are changing this proposal: the proposer and the "
                             "public see the reason.")
    file_errors, image, document = check_files(proposal, data)
    errors.update(file_errors)
    if errors:
        raise refuse(ProposalError(field_errors=errors))
    before = snapshot(proposal)
    _apply(proposal, round_, data)
    stored, replaced = uploads.attach(proposal, actor, image, document)
    db.session.flush()
    changes = diff(before, snapshot(proposal))
    if not changes:
        db.session.rollback()
        for name in stored:
            uploads.remove(name)
        return proposal
    role = "staff" if mode == "proposer" and paper else mode
    add_version(proposal, actor, role, reason, changes)
    audit.record("proposal.edited", proposal, before={k: v[0] for k, v in changes.items()},
                 after={**{k: v[1] for k, v in changes.items()}, "reason": reason,
                        "as": mode})
    uploads.commit_with_files(stored, replaced)
    return proposal


def remove_document(proposal: Proposal, document, actor, reason: str = "") -> None:
    """Remove an uploaded file; the removal is a new version like any other edit."""
    mode = edit_mode(proposal, actor)
    if mode == "officer" and not clean(reason):
        reason = "Removed a file"
    before = snapshot(proposal)
    name = document.stored_name
    proposal.documents.remove(document)
    db.session.flush()
    changes = diff(before, snapshot(proposal))
    add_version(proposal, actor, mode, clean(reason), changes)
    audit.record("proposal.file_removed", proposal, before={"file": document.original_name})
    uploads.commit_with_files([], [name])


# Submitting ------------------------------------------------------------------------------------

def submit_proposal(proposal: Proposal, actor) -> Proposal:
    """Send a draft (or a proposal sent back for changes) to the partnership."""
    if not policy.is_proposer_of(actor, proposal):
        raise NotAllowed(_("Only the person who put this proposal forward can submit it."))
    if proposal.status == "submitted":
        return proposal  # a second click changes nothing
    if proposal.status not in ("draft", "needs_changes"):
        raise ProposalError(_("This proposal has already been submitted."))
    if not proposer_may_edit(proposal):
        raise ProposalError(_("The deadline for proposals has passed."))
    if not proposal.is_paper and not actor.is_verified:
        raise ProposalError(_("Confirm your email address before you submit a proposal."))
    problem = saved_budget_problem(proposal)
    if problem:
        raise ProposalError(field_errors={"budget": problem})
    before = proposal.status
    add_status(proposal, "submitted", actor, "staff" if proposal.is_paper else "proposer")
    proposal.submitted_at = proposal.submitted_at or utcnow()
    if before == "needs_changes":
        proposal.submitted_at = utcnow()
    audit.record("proposal.submitted", proposal, before={"status": before},
                 after={"status": "submitted"})
    db.session.commit()
    notify_status(proposal)
    return proposal
