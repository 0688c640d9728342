"""What a proposal must satisfy: the input record, the round's money rules, and the
checks run before anything is saved.

Checks return ``{field name: message}`` so that a form can show every problem at
once; the use cases in ``services`` turn them into one ``ProposalError``.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from pb.models import Round
from pb.models.proposal import OUTCOMES, Proposal
from pb.money import format_pence
from pb.proposals import queries, uploads

MAX_DOCUMENTS = 5


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
                   area_wide: bool, *, theirs: bool = False) -> str | None:
    """Why these budget lines do not fit the round's rules, in pounds; None when they do.

    ``theirs``: said to an officer about someone else's proposal ("Its budget lines").
    """
    if not lines:
        return _("Add at least one budget line: what the money is for and how much it costs.")
    total = sum(amount for _line, amount in lines)
    said = (_("Its budget lines add up to %(total)s", total=format_pence(total)) if theirs
            else _("Your budget lines add up to %(total)s", total=format_pence(total)))
    if round_.max_project_cost_pence is not None and total > round_.max_project_cost_pence:
        return _("%(said)s, but the most a project can cost in this round is %(limit)s.",
                 said=said, limit=format_pence(round_.max_project_cost_pence, whole=True))
    if round_.min_project_cost_pence is not None and total < round_.min_project_cost_pence:
        return _("%(said)s, but the least a project can cost in this round is %(limit)s.",
                 said=said, limit=format_pence(round_.min_project_cost_pence, whole=True))
    if total > round_.budget_pence:
        return _("%(said)s, but the whole round's budget is %(budget)s.",
                 said=said, budget=format_pence(round_.budget_pence, whole=True))
    if round_.has_ward_budgets:
        return _pot_problem(round_, total, ward_ids, area_wide, said)
    return None


def _pot_problem(round_: Round, total: int, ward_ids: list[int], area_wide: bool,
                 said: str) -> str | None:
    """Why ``total`` does not fit the ward (or whole-area) pot it would come from."""
    if area_wide:
        pot = round_.area_wide_budget_pence
        if total > pot:
            return _("%(said)s, but the money for projects serving the whole area is "
                     "%(pot)s.", said=said, pot=format_pence(pot, whole=True))
        return None
    names = {w.id: w.name for w in round_.area.wards}
    for ward_id in ward_ids:
        pot = round_.ward_budget_for(ward_id)
        if pot is not None and total > pot:
            if ward_id in names:
                return _("%(said)s, but the budget for %(ward)s in this round is %(pot)s.",
                         said=said, ward=names[ward_id], pot=format_pence(pot, whole=True))
            return _("%(said)s, but the budget for that ward in this round is %(pot)s.",
                     said=said, pot=format_pence(pot, whole=True))
    return None


def saved_budget_problem(proposal: Proposal, *, theirs: bool = False) -> str | None:
    """``budget_problem`` for a proposal as saved (before it is submitted or shortlisted)."""
    return budget_problem(proposal.round, [(line.description, line.amount_pence)
                                           for line in proposal.budget_lines],
                          [w.id for w in proposal.wards], proposal.is_area_wide, theirs=theirs)


# Input checks ----------------------------------------------------------------------------------

def validate_input(round_: Round, user, data: ProposalInput, *, paper: bool) -> dict[str, str]:
    """Every problem with ``data`` for a proposal in ``round_`` by ``user`` (field -> message).

    ``paper``: typed in by staff from a paper form, for any organisation and with the
    name of the person who handed it in.
    """
    errors: dict[str, str] = {}
    wards = {w.id for w in round_.area.wards}
    if data.area_wide and data.ward_ids:
        errors["wards"] = _("Choose either the whole area or particular wards, not both.")
    elif not data.area_wide and not data.ward_ids:
        errors["wards"] = _("Choose the ward or wards the project serves, or the whole area.")
    elif any(w not in wards for w in data.ward_ids):
        errors["wards"] = _("Choose wards in %(area)s.", area=round_.area.name)
    theme_ids = {t.id for t in queries.all_themes()}
    if any(t not in theme_ids for t in data.theme_ids):
        errors["themes"] = _("Choose themes from the list.")
    if any(code not in OUTCOMES for code in data.outcomes):
        errors["outcomes"] = _("Choose outcomes from the list.")
    elif not data.outcomes and not data.outcomes_other.strip():
        errors["outcomes"] = _("Choose at least one outcome the project aims for, or "
                               "describe another one.")
    if data.organisation_id:
        allowed = queries.all_organisations() if paper else queries.organisations_for(user)
        if data.organisation_id not in {o.id for o in allowed}:
            errors["organisation_id"] = _("You can only put forward proposals for "
                                          "organisations you belong to.")
    if paper and not data.paper_name.strip():
        errors["paper_name"] = _("Enter the name of the person who handed in the proposal.")
    problem = budget_problem(round_, data.lines, data.ward_ids, data.area_wide)
    if problem:
        errors["budget"] = problem
    return errors


def check_files(proposal: Proposal | None, data: ProposalInput):
    """Check uploads before anything is saved; returns (errors, image, document), the
    files as ``uploads.CheckedFile`` or None."""
    errors, image, document = {}, None, None
    if data.image is not None:
        try:
            image = uploads.check_image(data.image)
        except uploads.UploadError as exc:
            errors["image"] = str(exc)
    if data.document is not None:
        existing = len(proposal.supporting_documents) if proposal else 0
        if existing >= MAX_DOCUMENTS:
            errors["document"] = _("A proposal can have at most %(most)s documents.",
                                          most=MAX_DOCUMENTS)
        else:
            try:
                document = uploads.check_document(data.document)
            except uploads.UploadError as exc:
                errors["document"] = str(exc)
    return errors, image, document
