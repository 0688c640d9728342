"""Proposal use cases: submit, edit (versioned), review, merge, withdraw, support, browse.

Each use case checks who is asking and the state of the proposal and its round,
changes the models, records an audit entry, and commits once. Problems with what
was entered raise ``ProposalError`` (field name -> message) for the view to show
next to the field; asking for something the person may not do raises ``Forbidden``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app, has_request_context, url_for
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import Forbidden

from pb import audit, policy
from pb.errors import DomainError
from pb.extensions import db
from pb.mail import send_mail
from pb.models import (
    Organisation,
    OrganisationMember,
    Role,
    RoleAssignment,
    Round,
    Theme,
    User,
    Ward,
)
from pb.models.base import utcnow
from pb.models.proposal import (
    OUTCOMES,
    PROPOSAL_STATUSES,
    BudgetLine,
    Proposal,
    ProposalDocument,
    ProposalOutcome,
    ProposalStatusChange,
    ProposalSupport,
    ProposalVersion,
)
from pb.money import format_pence
from pb.proposals import markup, uploads

MAX_DOCUMENTS = 5
PROPOSER_EDITABLE = ("draft", "submitted", "needs_changes")
SUPPORTABLE = ("submitted", "under_review", "needs_changes", "eligible")
CLOSED = ("merged", "withdrawn")


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean(text: str | None) -> str:
    """Typed text without control characters (PostgreSQL refuses NUL) or outer spaces."""
    return _CONTROL.sub("", text or "").strip()


class ProposalError(DomainError):
    """A problem with what was entered or asked; ``field_errors`` says which field.

    Field errors named ``budget`` belong to the budget table rather than one field.
    """


@dataclass
class ProposalInput:
    """What a proposer typed, already parsed (money in pence)."""

    title: str
    summary: str
    description: str
    area_wide: bool
    ward_ids: list[int]
    theme_ids: list[int]
    outcomes: list[str]
    outcomes_other: str
    delivered_by: str
    organisation_id: int | None
    lines: list[tuple[str, int]]
    paper_name: str = ""
    paper_contact: str = ""
    image: object | None = None  # a werkzeug FileStorage
    document: object | None = None


# Money rules ---------------------------------------------------------------------------------

def budget_problem(round_: Round, lines: list[tuple[str, int]], ward_ids: list[int],
                   area_wide: bool) -> str | None:
    """Why these budget lines do not fit the round's rules, in pounds; None when they do."""
    if not lines:
        return "Add at least one budget line: what the money is for and how much it costs."
    total = sum(amount for _, amount in lines)
    said = f"Your budget lines add up to {format_pence(total)}"
    if round_.max_project_cost_pence is not None and total > round_.max_project_cost_pence:
        return (f"{said}, but the most a project can cost in this round is "
                f"{format_pence(round_.max_project_cost_pence, whole=True)}.")
    if round_.min_project_cost_pence is not None and total < round_.min_project_cost_pence:
        return (f"{said}, but the least a project can cost in this round is "
                f"{format_pence(round_.min_project_cost_pence, whole=True)}.")
    if total > round_.budget_pence:
        return (f"{said}, but the whole round's budget is "
                f"{format_pence(round_.budget_pence, whole=True)}.")
    if round_.has_ward_budgets:
        if area_wide:
            pot = round_.area_wide_budget_pence
            if total > pot:
                return (f"{said}, but the money for projects serving the whole area is "
                        f"{format_pence(pot, whole=True)}.")
        else:
            names = {w.id: w.name for w in round_.area.wards}
            for ward_id in ward_ids:
                pot = round_.ward_budget_for(ward_id)
                if pot is not None and total > pot:
                    return (f"{said}, but the budget for {names.get(ward_id, 'that ward')} "
                            f"in this round is {format_pence(pot, whole=True)}.")
    return None


# Reading ---------------------------------------------------------------------------------------

MAX_ID = 2**31 - 1  # PostgreSQL's integer: larger ids cannot exist (and would error)


def get_proposal(proposal_id: int) -> Proposal | None:
    if not 0 < (proposal_id or 0) <= MAX_ID:
        return None
    return db.session.get(Proposal, proposal_id)


def get_document(proposal: Proposal, document_id: int) -> ProposalDocument | None:
    if not 0 < (document_id or 0) <= MAX_ID:
        return None
    document = db.session.get(ProposalDocument, document_id)
    return document if document is not None and document.proposal_id == proposal.id else None


def support_count(proposal: Proposal) -> int:
    return db.session.scalar(select(func.count()).select_from(ProposalSupport).where(
        ProposalSupport.proposal_id == proposal.id)) or 0


def support_counts(proposal_ids) -> dict[int, int]:
    ids = list(proposal_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(ProposalSupport.proposal_id, func.count()).where(
            ProposalSupport.proposal_id.in_(ids)).group_by(ProposalSupport.proposal_id))
    counts = dict.fromkeys(ids, 0)
    counts.update({pid: n for pid, n in rows})  # noqa: C416 (rows is a Result, not pairs)
    return counts


def has_supported(proposal: Proposal, user) -> bool:
    if not policy.is_signed_in(user):
        return False
    return db.session.scalar(select(ProposalSupport.id).where(
        ProposalSupport.proposal_id == proposal.id,
        ProposalSupport.user_id == user.id)) is not None


def organisations_for(user) -> list[Organisation]:
    """The organisations a resident may propose on behalf of."""
    return list(db.session.scalars(
        select(Organisation).join(OrganisationMember).where(
            OrganisationMember.user_id == user.id).order_by(Organisation.name)))


def all_organisations() -> list[Organisation]:
    return list(db.session.scalars(select(Organisation).order_by(Organisation.name)))


def all_themes() -> list[Theme]:
    return list(db.session.scalars(select(Theme).order_by(Theme.name)))


def proposals_of(user) -> list[Proposal]:
    return list(db.session.scalars(
        select(Proposal).where(or_(Proposal.proposer_id == user.id,
                                   Proposal.entered_on_behalf_by_id == user.id))
        .order_by(Proposal.created_at.desc())))


def has_proposals_in(user, round_: Round) -> bool:
    return db.session.scalar(select(Proposal.id).where(
        Proposal.round_id == round_.id,
        or_(Proposal.proposer_id == user.id, Proposal.entered_on_behalf_by_id == user.id))
        .limit(1)) is not None


def merged_into_this(proposal: Proposal) -> list[Proposal]:
    return list(db.session.scalars(select(Proposal).where(
        Proposal.merged_into_id == proposal.id).order_by(Proposal.id)))


def history(proposal: Proposal) -> list[dict]:
    """Status changes and edits, oldest first, including proposals merged into this one."""
    entries = []
    sources = [(proposal, None)] + [(p, p.title) for p in merged_into_this(proposal)]
    for item, merged_title in sources:
        for change in item.status_changes:
            entries.append({"kind": "status", "at": change.changed_at, "item": change,
                            "from_merged": merged_title})
        for version in item.versions:
            entries.append({"kind": "version", "at": version.changed_at, "item": version,
                            "from_merged": merged_title})
    entries.sort(key=lambda e: (e["at"], 0 if e["kind"] == "version" else 1))
    return entries


def cost_history(proposal: Proposal) -> list[ProposalVersion]:
    """The versions that set or changed the requested cost, oldest first."""
    return [v for v in proposal.versions if v.cost_change is not None]


# Snapshots for versions ------------------------------------------------------------------------

FIELD_LABELS = {
    "title": "Title", "summary": "Summary", "description": "Description",
    "cost_pence": "Cost", "area": "Where", "themes": "Themes", "outcomes": "Outcomes",
    "delivered_by": "Delivered by", "organisation": "On behalf of",
    "budget_lines": "Budget lines", "image": "Image", "documents": "Documents",
    "merged_from": "Merged in",
}


def snapshot(proposal: Proposal) -> dict:
    return {
        "title": proposal.title,
        "summary": proposal.summary,
        "description": proposal.description,
        "cost_pence": proposal.cost_pence,
        "area": "Whole area" if proposal.is_area_wide else ", ".join(
            w.name for w in proposal.wards),
        "themes": ", ".join(t.name for t in proposal.themes),
        "outcomes": ", ".join(proposal.outcome_labels),
        "delivered_by": proposal.delivered_by,
        "organisation": proposal.organisation.name if proposal.organisation else "",
        "budget_lines": [f"{line.description}: {format_pence(line.amount_pence)}"
                         for line in proposal.budget_lines],
        "image": proposal.image.original_name if proposal.image else "",
        "documents": [d.original_name for d in proposal.supporting_documents],
    }


def _diff(before: dict, after: dict) -> dict:
    return {key: [before.get(key), value] for key, value in after.items()
            if before.get(key) != value}


def _add_version(proposal: Proposal, user, changed_as: str, reason: str, changes: dict):
    number = (max((v.number for v in proposal.versions), default=0)) + 1
    version = ProposalVersion(number=number, changed_at=utcnow(),
                              changed_by_id=getattr(user, "id", None), changed_as=changed_as,
                              reason=reason, changes_json=json.dumps(changes, sort_keys=True))
    proposal.versions.append(version)
    return version


def _add_status(proposal: Proposal, to_status: str, user, changed_as: str,
                reason: str = "") -> ProposalStatusChange:
    change = ProposalStatusChange(from_status=proposal.status, to_status=to_status,
                                  changed_at=utcnow(), changed_by_id=getattr(user, "id", None),
                                  changed_as=changed_as, reason=reason)
    proposal.status_changes.append(change)
    proposal.status = to_status
    proposal.status_reason = reason if to_status in ("ineligible", "needs_changes") else ""
    return change


# Validation and applying input -------------------------------------------------------------------

def _validate(round_: Round, user, data: ProposalInput, *, paper: bool) -> dict[str, str]:
    errors: dict[str, str] = {}
    wards = {w.id for w in round_.area.wards}
    if data.area_wide and data.ward_ids:
        errors["wards"] = "Choose either the whole area or particular wards, not both."
    elif not data.area_wide and not data.ward_ids:
        errors["wards"] = "Choose the ward or wards the project serves, or the whole area."
    elif any(w not in wards for w in data.ward_ids):
        errors["wards"] = f"Choose wards in {round_.area.name}."
    theme_ids = {t.id for t in all_themes()}
    if any(t not in theme_ids for t in data.theme_ids):
        errors["themes"] = "Choose themes from the list."
    if any(code not in OUTCOMES for code in data.outcomes):
        errors["outcomes"] = "Choose outcomes from the list."
    elif not data.outcomes and not data.outcomes_other.strip():
        errors["outcomes"] = ("Choose at least one outcome the project aims for, or describe "
                              "another one.")
    if data.organisation_id:
        allowed = all_organisations() if paper else organisations_for(user)
        if data.organisation_id not in {o.id for o in allowed}:
            errors["organisation_id"] = ("You can only put forward proposals for "
                                         "organisations you belong to.")
    if paper and not data.paper_name.strip():
        errors["paper_name"] = "Enter the name of the person who handed in the proposal."
    problem = budget_problem(round_, data.lines, data.ward_ids, data.area_wide)
    if problem:
        errors["budget"] = problem
    return errors


def validate_input(round_: Round, user, data: ProposalInput, *, paper: bool) -> dict[str, str]:
    """The problems the service would report (used to show every error at once)."""
    return _validate(round_, user, data, paper=paper)


def _check_files(proposal: Proposal | None, data: ProposalInput):
    """Check uploads before anything is saved; returns the checked files."""
    errors, image, document = {}, None, None
    if data.image is not None:
        try:
            image = uploads.check_image(data.image)
        except uploads.UploadError as exc:
            errors["image"] = str(exc)
    if data.document is not None:
        existing = len(proposal.supporting_documents) if proposal else 0
        if existing >= MAX_DOCUMENTS:
            errors["document"] = f"A proposal can have at most {MAX_DOCUMENTS} documents."
        else:
            try:
                document = uploads.check_document(data.document)
            except uploads.UploadError as exc:
                errors["document"] = str(exc)
    return errors, image, document


def _apply(proposal: Proposal, round_: Round, data: ProposalInput) -> None:
    proposal.title = clean(data.title)
    proposal.summary = clean(data.summary)
    proposal.description = clean(data.description)
    proposal.description_html = markup.render_markdown(proposal.description)
    proposal.is_area_wide = data.area_wide
    proposal.wards = [w for w in round_.area.wards if w.id in set(data.ward_ids)]
    proposal.themes = [t for t in all_themes() if t.id in set(data.theme_ids)]
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
    proposal.cost_pence = sum(a for _, a in wanted_lines)
    if data.paper_name or data.paper_contact:
        proposal.paper_proposer_name = clean(data.paper_name)
        proposal.paper_proposer_contact = clean(data.paper_contact)


def _attach_files(proposal: Proposal, user, image, document) -> tuple[list[str], list[str]]:
    """Store checked files; returns (new stored names, replaced stored names)."""
    stored, replaced = [], []
    if image is not None:
        old = proposal.image
        if old is not None:
            replaced.append(old.stored_name)
            proposal.documents.remove(old)
        name = uploads.store(image)
        stored.append(name)
        proposal.documents.append(ProposalDocument(
            kind="image", original_name=image.original_name, stored_name=name,
            content_type=image.content_type, size_bytes=len(image.data),
            uploaded_by_id=getattr(user, "id", None)))
    if document is not None:
        name = uploads.store(document)
        stored.append(name)
        proposal.documents.append(ProposalDocument(
            kind="document", original_name=document.original_name, stored_name=name,
            content_type=document.content_type, size_bytes=len(document.data),
            uploaded_by_id=getattr(user, "id", None)))
    return stored, replaced


def _commit_with_files(stored: list[str], replaced: list[str]) -> None:
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        for name in stored:
            uploads.remove(name)
        raise
    for name in replaced:
        uploads.remove(name)


# Submitting --------------------------------------------------------------------------------------

def find_by_key(key: str | None) -> Proposal | None:
    if not key:
        return None
    return db.session.scalar(select(Proposal).where(Proposal.idempotency_key == key))


def create_proposal(round_: Round, user, data: ProposalInput, *, idempotency_key: str,
                    submit: bool, paper: bool = False) -> tuple[Proposal, bool]:
    """A new proposal (draft, or submitted at once). Returns (proposal, created).

    The form's idempotency key makes a double click or a resent POST return the
    proposal the first request made instead of a second one.
    """
    existing = find_by_key(idempotency_key)
    if existing is not None:
        if not policy.is_proposer_of(user, existing):
            raise Forbidden()
        return existing, False
    now = utcnow()
    if paper:
        policy.require(policy.can_enter_paper_proposal(user, round_))
        if round_.status not in ("proposals", "review"):
            raise ProposalError("Paper proposals can be entered while the round takes "
                                "proposals or is reviewing them.")
    else:
        if not round_.accepting_proposals:
            raise ProposalError("This round is not taking proposals now.")
        if submit and not user.is_verified:
            raise ProposalError("Confirm your email address before you submit a proposal "
                                "(you can save it as a draft now).")
    errors = _validate(round_, user, data, paper=paper)
    file_errors, image, document = _check_files(None, data)
    errors.update(file_errors)
    if errors:
        raise ProposalError(field_errors=errors)

    proposal = Proposal(round_id=round_.id, round=round_, status="draft",
                        idempotency_key=idempotency_key or None)
    if paper:
        proposal.entered_on_behalf_by_id = user.id
    else:
        proposal.proposer_id = user.id
    stored: list[str] = []
    try:
        # No flush until everything is in place, so that the one INSERT meets the unique
        # idempotency key at a point where a lost race can be handled.
        with db.session.no_autoflush:
            db.session.add(proposal)
            _apply(proposal, round_, data)
            stored, replaced = _attach_files(proposal, user, image, document)
            role = "staff" if paper else "proposer"
            _add_version(proposal, user, role,
                         "Handed in on paper" if paper else "First version",
                         {"cost_pence": [None, proposal.cost_pence]})
            proposal.status_changes.append(ProposalStatusChange(
                from_status=None, to_status="draft", changed_at=now,
                changed_by_id=user.id, changed_as=role))
            if submit:
                _add_status(proposal, "submitted", user, role)
                proposal.submitted_at = now
        db.session.flush()
    except IntegrityError:
        # Another request with the same key won the race: return its proposal.
        db.session.rollback()
        for name in stored:
            uploads.remove(name)
        existing = find_by_key(idempotency_key)
        if existing is None or not policy.is_proposer_of(user, existing):
            raise
        return existing, False
    audit.record("proposal.created", proposal, after={
        "round_id": round_.id, "title": proposal.title, "cost_pence": proposal.cost_pence,
        "status": proposal.status, "paper": paper})
    _commit_with_files(stored, replaced)
    if submit:
        notify_status(proposal)
    return proposal, True


def edit_mode(proposal: Proposal, user) -> str:
    """'proposer' or 'officer' when ``user`` may edit now; raises otherwise."""
    round_ = proposal.round
    is_officer = policy.can_review_proposals(user, round_)
    is_proposer = policy.is_proposer_of(user, proposal)
    if not (is_officer or is_proposer):
        raise Forbidden()
    if round_.voting_has_opened:
        raise ProposalError("Voting has opened, so the proposals on the ballot can no "
                            "longer change.")
    if proposal.status in CLOSED:
        raise ProposalError(f"This proposal is {proposal.status_label.lower()}, so it can "
                            "no longer change.")
    if is_proposer and proposer_may_edit(proposal):
        return "proposer"
    if is_officer:
        return "officer"
    raise ProposalError(proposer_closed_message(proposal))


def proposer_may_edit(proposal: Proposal) -> bool:
    now = utcnow()
    round_ = proposal.round
    if proposal.status not in PROPOSER_EDITABLE:
        return False
    deadline = round_.proposals_close_at
    # A proposal sent back for changes may be fixed until the review ends.
    if proposal.status == "needs_changes" and round_.review_close_at:
        deadline = max(deadline or round_.review_close_at, round_.review_close_at)
    return deadline is None or now < deadline


def proposer_closed_message(proposal: Proposal) -> str:
    if proposal.status not in PROPOSER_EDITABLE:
        return ("The partnership is reviewing this proposal, so only its officers can change "
                "it now. Contact them if something needs correcting.")
    return ("The deadline for proposals has passed, so only the partnership's officers can "
            "change it now.")


def update_proposal(proposal: Proposal, user, data: ProposalInput, *, reason: str) -> Proposal:
    """Save an edit as a new version (what changed, who, when, why)."""
    mode = edit_mode(proposal, user)
    reason = clean(reason)
    round_ = proposal.round
    paper = proposal.is_paper
    errors = _validate(round_, proposal.proposer or user, data, paper=paper)
    if mode == "officer" and not reason:
        errors["reason"] = ("Say why you are changing this proposal: the proposer and the "
                            "public see the reason.")
    file_errors, image, document = _check_files(proposal, data)
    errors.update(file_errors)
    if errors:
        raise ProposalError(field_errors=errors)
    before = snapshot(proposal)
    _apply(proposal, round_, data)
    stored, replaced = _attach_files(proposal, user, image, document)
    db.session.flush()
    changes = _diff(before, snapshot(proposal))
    if not changes:
        db.session.rollback()
        for name in stored:
            uploads.remove(name)
        return proposal
    role = "staff" if mode == "proposer" and paper else mode
    _add_version(proposal, user, role, reason, changes)
    audit.record("proposal.edited", proposal, before={k: v[0] for k, v in changes.items()},
                 after={**{k: v[1] for k, v in changes.items()}, "reason": reason,
                        "as": mode})
    _commit_with_files(stored, replaced)
    return proposal


def remove_document(proposal: Proposal, document: ProposalDocument, user, reason: str = ""):
    mode = edit_mode(proposal, user)
    if mode == "officer" and not clean(reason):
        reason = "Removed a file"
    before = snapshot(proposal)
    name = document.stored_name
    proposal.documents.remove(document)
    db.session.flush()
    changes = _diff(before, snapshot(proposal))
    _add_version(proposal, user, mode, clean(reason), changes)
    audit.record("proposal.file_removed", proposal, before={"file": document.original_name})
    _commit_with_files([], [name])


def submit_proposal(proposal: Proposal, user) -> Proposal:
    """Send a draft (or a proposal sent back for changes) to the partnership."""
    if not policy.is_proposer_of(user, proposal):
        raise Forbidden()
    if proposal.status == "submitted":
        return proposal  # a second click changes nothing
    if proposal.status not in ("draft", "needs_changes"):
        raise ProposalError("This proposal has already been submitted.")
    if not proposer_may_edit(proposal):
        raise ProposalError("The deadline for proposals has passed.")
    if not proposal.is_paper and not user.is_verified:
        raise ProposalError("Confirm your email address before you submit a proposal.")
    problem = budget_problem(proposal.round, [(line.description, line.amount_pence)
                                              for line in proposal.budget_lines],
                             [w.id for w in proposal.wards], proposal.is_area_wide)
    if problem:
        raise ProposalError(field_errors={"budget": problem})
    before = proposal.status
    _add_status(proposal, "submitted", user, "staff" if proposal.is_paper else "proposer")
    proposal.submitted_at = proposal.submitted_at or utcnow()
    if before == "needs_changes":
        proposal.submitted_at = utcnow()
    audit.record("proposal.submitted", proposal, before={"status": before},
                 after={"status": "submitted"})
    db.session.commit()
    notify_status(proposal)
    return proposal


# Review ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ReviewAction:
    label: str
    from_statuses: tuple[str, ...]
    to_status: str
    needs_reason: bool = False
    reason_prompt: str = ""


REVIEW_ACTIONS = {
    "start_review": ReviewAction("Start review", ("submitted",), "under_review"),
    "eligible": ReviewAction("Mark eligible", ("submitted", "under_review"), "eligible"),
    "ineligible": ReviewAction(
        "Mark not eligible", ("submitted", "under_review", "needs_changes", "eligible"),
        "ineligible", True, "Give the reason it is not eligible: the proposer and the public "
                            "see it."),
    "needs_changes": ReviewAction(
        "Ask for changes", ("submitted", "under_review"), "needs_changes", True,
        "Say what needs to change: the proposer sees your comments."),
    "shortlist": ReviewAction("Put on the ballot", ("eligible",), "shortlisted"),
    "reconsider": ReviewAction(
        "Back to review", ("eligible", "ineligible", "shortlisted", "needs_changes"),
        "under_review", True, "Say why it goes back to review."),
}


def actions_for(proposal: Proposal) -> list[tuple[str, ReviewAction]]:
    return [(key, action) for key, action in REVIEW_ACTIONS.items()
            if proposal.status in action.from_statuses]


def review(proposal: Proposal, user, action_key: str, reason: str = "") -> Proposal:
    """An officer moves a proposal through the review (one transition)."""
    round_ = proposal.round
    policy.require(policy.can_review_proposals(user, round_))
    action = REVIEW_ACTIONS.get(action_key)
    if action is None:
        raise ProposalError(field_errors={"action": "Choose what to do with this proposal."})
    reason = clean(reason)
    if round_.voting_has_opened:
        raise ProposalError("Voting has opened, so the ballot can no longer change.")
    if proposal.status not in action.from_statuses:
        raise ProposalError(f"A proposal that is {proposal.status_label.lower()} cannot be "
                            f"changed with “{action.label}”.")
    if action.needs_reason and not reason:
        raise ProposalError(field_errors={"reason": action.reason_prompt})
    if len(reason) > 2000:
        raise ProposalError(field_errors={"reason": "Keep the reason under 2,000 characters."})
    if action.to_status == "shortlisted":
        supports = support_count(proposal)
        if supports < (round_.supports_required or 0):
            raise ProposalError(
                f"This round needs {round_.supports_required} supports before a proposal "
                f"can go on the ballot; this one has {supports}.")
        problem = budget_problem(round_, [(line.description, line.amount_pence)
                                          for line in proposal.budget_lines],
                                 [w.id for w in proposal.wards], proposal.is_area_wide)
        if problem and proposal.budget_lines:
            raise ProposalError(problem.replace("Your budget lines", "Its budget lines"))
    before = proposal.status
    _add_status(proposal, action.to_status, user, "officer", reason)
    audit.record("proposal.reviewed", proposal, before={"status": before},
                 after={"status": action.to_status, "reason": reason})
    db.session.commit()
    notify_status(proposal)
    return proposal


def withdraw(proposal: Proposal, user, reason: str = "") -> Proposal:
    """The proposer (or an officer, with a reason) withdraws a proposal."""
    round_ = proposal.round
    is_officer = policy.can_review_proposals(user, round_)
    is_proposer = policy.is_proposer_of(user, proposal)
    if not (is_officer or is_proposer):
        raise Forbidden()
    reason = clean(reason)
    if proposal.status in CLOSED:
        raise ProposalError(f"This proposal is already {proposal.status_label.lower()}.")
    if round_.voting_has_opened:
        raise ProposalError("Voting has opened, so the ballot can no longer change.")
    as_ = "proposer" if is_proposer else "officer"
    if as_ == "officer" and not reason:
        raise ProposalError(field_errors={"reason": "Say why you are withdrawing this proposal."})
    before = proposal.status
    _add_status(proposal, "withdrawn", user, as_, reason)
    audit.record("proposal.withdrawn", proposal, before={"status": before},
                 after={"status": "withdrawn", "reason": reason, "as": as_})
    db.session.commit()
    notify_status(proposal)
    return proposal


def merge_targets(proposal: Proposal) -> list[Proposal]:
    return list(db.session.scalars(select(Proposal).where(
        Proposal.round_id == proposal.round_id, Proposal.id != proposal.id,
        Proposal.status.in_(("submitted", "under_review", "needs_changes", "eligible",
                             "shortlisted"))).order_by(Proposal.title)))


def merge(proposal: Proposal, target: Proposal | None, user, reason: str) -> Proposal:
    """Merge ``proposal`` into ``target``: its supports and history carry over."""
    round_ = proposal.round
    policy.require(policy.can_review_proposals(user, round_))
    reason = clean(reason)
    errors = {}
    if target is None or target.round_id != proposal.round_id or target.id == proposal.id:
        errors["target_id"] = "Choose another proposal in the same round."
    elif target.status in CLOSED + ("draft", "ineligible"):
        errors["target_id"] = f"You cannot merge into a proposal that is " \
                              f"{target.status_label.lower()}."
    if not reason:
        errors["reason"] = "Say why these proposals are being merged."
    if errors:
        raise ProposalError(field_errors=errors)
    if proposal.status in CLOSED + ("draft",):
        raise ProposalError(f"A proposal that is {proposal.status_label.lower()} cannot be "
                            "merged.")
    if round_.voting_has_opened:
        raise ProposalError("Voting has opened, so the ballot can no longer change.")
    # Supports move to the merged proposal; someone who supported both keeps one.
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
    before = proposal.status
    proposal.merged_into_id = target.id
    _add_status(proposal, "merged", user, "officer",
                f"Merged into “{target.title}”: {reason}")
    _add_version(target, user, "officer", reason,
                 {"merged_from": [None, f"{proposal.title} (#{proposal.id})"]})
    audit.record("proposal.merged", proposal, before={"status": before},
                 after={"status": "merged", "merged_into_id": target.id, "reason": reason,
                        "supports_moved": len(moving)})
    db.session.commit()
    notify_status(proposal)
    return proposal


# Supports --------------------------------------------------------------------------------------

def support(proposal: Proposal, user) -> bool:
    """Record one support from ``user``; False when they had already supported it."""
    if not policy.is_signed_in(user):
        raise Forbidden()
    if not policy.can_view_proposal(user, proposal):
        raise Forbidden()
    if not proposal.round.accepting_proposals:
        raise ProposalError("Supports are collected only while the round is taking proposals.")
    if proposal.status not in SUPPORTABLE:
        raise ProposalError(f"You cannot support a proposal that is "
                            f"{proposal.status_label.lower()}.")
    if policy.is_proposer_of(user, proposal):
        raise ProposalError("You cannot support your own proposal.")
    if not user.is_verified:
        raise ProposalError("Confirm your email address before you support proposals.")
    if has_supported(proposal, user):
        return False
    try:
        db.session.add(ProposalSupport(proposal_id=proposal.id, user_id=user.id,
                                       created_at=utcnow()))
        db.session.flush()
    except IntegrityError:
        # A parallel request recorded it first: the database keeps one per person.
        db.session.rollback()
        return False
    audit.record("proposal.supported", proposal, after={"user_id": user.id})
    db.session.commit()
    return True


def unsupport(proposal: Proposal, user) -> bool:
    if not policy.is_signed_in(user):
        raise Forbidden()
    if not proposal.round.accepting_proposals:
        raise ProposalError("Supports can change only while the round is taking proposals.")
    existing = db.session.scalar(select(ProposalSupport).where(
        ProposalSupport.proposal_id == proposal.id, ProposalSupport.user_id == user.id))
    if existing is None:
        return False
    db.session.delete(existing)
    audit.record("proposal.unsupported", proposal, after={"user_id": user.id})
    db.session.commit()
    return True


# Browsing --------------------------------------------------------------------------------------

SORTS = {
    "newest": "Newest first",
    "oldest": "Oldest first",
    "cost_low": "Cost: lowest first",
    "cost_high": "Cost: highest first",
    "supports": "Most supported",
    "title": "Title A to Z",
}
# The public list hides these unless asked for by status.
HIDDEN_BY_DEFAULT = ("merged", "withdrawn")


@dataclass
class Filters:
    ward_id: int | None = None
    theme_id: int | None = None
    min_text: str = ""
    max_text: str = ""
    min_pence: int | None = None
    max_pence: int | None = None
    status: str = ""
    q: str = ""
    sort: str = "newest"
    page: int = 1
    errors: dict[str, str] = field(default_factory=dict)

    def as_args(self, **override) -> dict:
        args = {"ward": self.ward_id or "", "theme": self.theme_id or "",
                "min": self.min_text, "max": self.max_text, "status": self.status,
                "q": self.q, "sort": self.sort, "page": self.page}
        args.update(override)
        return {k: v for k, v in args.items() if v not in ("", None) and
                not (k == "page" and v == 1) and not (k == "sort" and v == "newest")}


def _int_arg(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= MAX_ID else None


def parse_filters(args, statuses) -> Filters:
    """Read the browse filters from a query string, ignoring anything not on the lists."""
    from pb.money import MoneyError, parse_pounds

    filters = Filters(ward_id=_int_arg(args.get("ward")), theme_id=_int_arg(args.get("theme")),
                      q=clean(args.get("q"))[:100],
                      status=args.get("status") if args.get("status") in statuses else "",
                      sort=args.get("sort") if args.get("sort") in SORTS else "newest",
                      page=min(_int_arg(args.get("page")) or 1, 10_000))
    for name, attr in (("min", "min_pence"), ("max", "max_pence")):
        text = clean(args.get(name))[:20]
        setattr(filters, f"{name}_text", text)
        if text:
            try:
                setattr(filters, attr, min(max(parse_pounds(text), 0), MAX_ID))
            except MoneyError:
                filters.errors[name] = "Enter an amount in pounds, for example 2,500."
    return filters


def _support_count_expr():
    return (select(func.count(ProposalSupport.id))
            .where(ProposalSupport.proposal_id == Proposal.id)
            .correlate(Proposal).scalar_subquery())


def browse_query(round_: Round, filters: Filters, statuses=None):
    query = select(Proposal).where(Proposal.round_id == round_.id)
    if filters.status:
        query = query.where(Proposal.status == filters.status)
    else:
        allowed = [s for s in (statuses or PROPOSAL_STATUSES)
                   if s != "draft" and s not in HIDDEN_BY_DEFAULT]
        query = query.where(Proposal.status.in_(allowed))
    if filters.ward_id:
        query = query.where(or_(Proposal.wards.any(Ward.id == filters.ward_id),
                                Proposal.is_area_wide.is_(True)))
    if filters.theme_id:
        query = query.where(Proposal.themes.any(Theme.id == filters.theme_id))
    if filters.min_pence is not None:
        query = query.where(Proposal.cost_pence >= filters.min_pence)
    if filters.max_pence is not None:
        query = query.where(Proposal.cost_pence <= filters.max_pence)
    if filters.q:
        query = query.where(or_(Proposal.title.icontains(filters.q, autoescape=True),
                                Proposal.summary.icontains(filters.q, autoescape=True)))
    order = {
        "newest": (Proposal.submitted_at.desc(), Proposal.id.desc()),
        "oldest": (Proposal.submitted_at.asc(), Proposal.id.asc()),
        "cost_low": (Proposal.cost_pence.asc(), Proposal.id.asc()),
        "cost_high": (Proposal.cost_pence.desc(), Proposal.id.asc()),
        "supports": (_support_count_expr().desc(), Proposal.id.asc()),
        "title": (func.lower(Proposal.title).asc(), Proposal.id.asc()),
    }[filters.sort]
    return query.order_by(*order)


def status_counts(round_: Round, include_drafts: bool = False) -> dict[str, int]:
    rows = dict(db.session.execute(
        select(Proposal.status, func.count()).where(Proposal.round_id == round_.id)
        .group_by(Proposal.status)).all())
    return {s: rows.get(s, 0) for s in PROPOSAL_STATUSES
            if include_drafts or s != "draft"}


# Notifications ---------------------------------------------------------------------------------

def _link(endpoint: str, **values) -> str:
    if has_request_context() or current_app.config.get("SERVER_NAME"):
        return url_for(endpoint, _external=True, **values)
    return url_for(endpoint, **values) if has_request_context() else ""


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
    link = _link("proposals.detail", proposal_id=proposal.id)
    if link:
        lines += ["", f"See it here: {link}"]
    lines += ["", "pb, on behalf of " + proposal.round.partnership.name]
    try:
        send_mail(recipient.email, f"Your proposal: {label}", "\n".join(lines))
    except Exception:  # noqa: BLE001 - the change is saved; a mail failure must not undo it
        current_app.logger.exception("Could not email %s about proposal %s",
                                     recipient.email, proposal.id)


def new_submissions(since: datetime, until: datetime) -> list[Proposal]:
    return list(db.session.scalars(
        select(Proposal).where(Proposal.submitted_at >= since, Proposal.submitted_at < until,
                               Proposal.status != "draft")
        .order_by(Proposal.round_id, Proposal.submitted_at)))


def send_digest(hours: int = 24, now: datetime | None = None) -> list[tuple[str, int]]:
    """Email each officer the proposals submitted to their partnership's rounds in the
    last ``hours``. Returns (email, number of proposals) for each message sent."""
    now = now or utcnow()
    fresh = new_submissions(now - timedelta(hours=hours), now)
    by_partnership: dict[int, list[Proposal]] = {}
    for proposal in fresh:
        by_partnership.setdefault(proposal.round.partnership_id, []).append(proposal)
    sent = []
    for partnership_id, items in by_partnership.items():
        officers = db.session.scalars(
            select(User).join(RoleAssignment, RoleAssignment.user_id == User.id).where(
                RoleAssignment.role == Role.OFFICER,
                RoleAssignment.partnership_id == partnership_id,
                User.is_active_account.is_(True)).distinct().order_by(User.id)).all()
        body = [f"{len(items)} new proposal{'s' if len(items) != 1 else ''} in the last "
                f"{hours} hours:", ""]
        current_round = None
        for proposal in items:
            if proposal.round_id != current_round:
                current_round = proposal.round_id
                body += ["", proposal.round.name]
            paper = " (handed in on paper)" if proposal.is_paper else ""
            link = _link("proposals.detail", proposal_id=proposal.id)
            body.append(f"- {proposal.title}: {format_pence(proposal.cost_pence)}, "
                        f"from {proposal.public_proposer}{paper} {link}".rstrip())
        for officer in officers:
            send_mail(officer.email, f"New proposals: {len(items)} in the last {hours} hours",
                      "\n".join([f"Hello {officer.display_name},", ""] + body))
            sent.append((officer.email, len(items)))
    return sent
