"""From result to grant: a draft grant for each funded project, and its grantee.

``create_draft_grants`` runs inside the certification's transaction (pb.results calls
it), so grants exist exactly when a certified result does: a re-count or an override
before certification leaves nothing behind, and a certification that fails makes no
grants. ``Grant.proposal_id`` is unique, so a project never gets two.
"""

from __future__ import annotations

import re

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from pb import audit
from pb.extensions import db
from pb.grants.common import (
    GrantError,
    check_version,
    commit,
    refuse_if_closed,
    require,
    touch,
    use_case,
)
from pb.models import (
    FundingLine,
    Grant,
    GrantBudgetLine,
    Organisation,
    Programme,
    Proposal,
    Role,
    RoleAssignment,
    User,
)
from pb.models.place import ORGANISATION_KINDS
from pb.models.programme import OUTCOME_FROM_PROPOSAL, programme_rounds
from pb.policy import can_manage_grant

CHARITY_RE = re.compile(r"^\d{6,8}(-\d{1,2})?$")
COMPANY_RE = re.compile(r"^([A-Z]{2}\d{6}|\d{8})$")


def programme_for_round(round_) -> Programme | None:
    """The programme a round feeds (the first one, if it feeds several)."""
    return db.session.scalar(
        select(Programme).join(programme_rounds, programme_rounds.c.programme_id == Programme.id)
        .where(programme_rounds.c.round_id == round_.id).order_by(Programme.id).limit(1))


def grant_reference(round_, proposal) -> str:
    year = round_.voting_close_at.year if round_.voting_close_at else round_.created_at.year
    return f"PB{year}-R{round_.id}-P{proposal.id}"


def create_draft_grants(round_, result, actor) -> list[Grant]:
    """A draft grant per funded project of ``result`` that has none yet. No commit: the
    caller's transaction (the certification) decides."""
    funded = [int(pid) for pid in result.selected]
    if not funded:
        return []
    costs = {int(pid): int(data["cost"]) for pid, data in result.outcome["projects"].items()}
    have = set(db.session.scalars(select(Grant.proposal_id).where(Grant.proposal_id.in_(funded))))
    proposals = {p.id: p for p in db.session.scalars(
        select(Proposal).where(Proposal.id.in_(funded)).options(
            selectinload(Proposal.budget_lines), selectinload(Proposal.wards),
            selectinload(Proposal.themes), selectinload(Proposal.outcome_links),
            selectinload(Proposal.organisation)))}
    programme = programme_for_round(round_)
    award_date = (result.certified_at or round_.voting_close_at).date()
    made = []
    for proposal_id in funded:
        proposal = proposals.get(proposal_id)
        if proposal is None or proposal_id in have:
            continue
        made.append(_grant_from(proposal, round_, programme, costs[proposal_id], award_date,
                                actor))
    db.session.flush()
    if made:
        audit.record("grants.created", result, actor=actor, after={
            "round_id": round_.id, "programme_id": programme.id if programme else None,
            "grants": [{"id": g.id, "proposal_id": g.proposal_id, "amount_pence": g.amount_pence}
                       for g in made]})
    return made


def _grant_from(proposal, round_, programme, amount, award_date, actor) -> Grant:
    organisation = proposal.organisation
    grant = Grant(
        reference=grant_reference(round_, proposal), title=proposal.title[:160],
        summary=proposal.summary, programme_id=programme.id if programme else None,
        partnership_id=round_.partnership_id, area_id=round_.area_id, round_id=round_.id,
        proposal_id=proposal.id, organisation_id=organisation.id if organisation else None,
        delivered_by=(proposal.delivered_by or (organisation.name if organisation else ""))[:200],
        amount_pence=amount, status="draft", award_date=award_date,
        created_by_id=getattr(actor, "id", None))
    grant.wards = list(proposal.wards)
    grant.themes = list(proposal.themes)
    grant.outcome_codes = [OUTCOME_FROM_PROPOSAL[c] for c in proposal.outcomes
                           if c in OUTCOME_FROM_PROPOSAL]
    lines = [GrantBudgetLine(position=i, description=line.description,
                             planned_pence=line.amount_pence)
             for i, line in enumerate(proposal.budget_lines)]
    if sum(line.planned_pence for line in lines) != amount:
        # The funded cost is what counts; a proposal without matching lines gets one line.
        lines = [GrantBudgetLine(position=0, description="Delivering the project",
                                 planned_pence=amount)]
    grant.budget_lines = lines
    grant.funding_lines = [FundingLine(position=0, route="pb", amount_pence=amount)]
    db.session.add(grant)
    return grant


# The grantee ---------------------------------------------------------------------------------

@use_case
def choose_organisation(grant, actor, organisation_id: int, version=None) -> Grant:
    """Name an organisation already known to pb as the grantee."""
    _check_can_set_grantee(grant, actor, version)
    organisation = db.session.get(Organisation, organisation_id or 0)
    if organisation is None:
        raise GrantError(_("Choose the organisation that will deliver the project."),
                         field="organisation_id")
    before = grant.organisation_id
    grant.organisation_id = organisation.id
    touch(grant)
    audit.record("grant.grantee_chosen", grant, actor=actor,
                 before={"organisation_id": before},
                 after={"organisation_id": organisation.id, "name": organisation.name})
    commit()
    return grant


@use_case
def register_organisation(grant, actor, data: dict, version=None) -> Organisation:
    """Register the delivering organisation on the spot, with its charity or company
    number, and optionally give its lead (an existing account) the grantee role."""
    _check_can_set_grantee(grant, actor, version)
    values, lead = _organisation_values(data)
    organisation = Organisation(**values)
    db.session.add(organisation)
    db.session.flush()
    if lead is not None:
        db.session.add(RoleAssignment(user_id=lead.id, role=Role.GRANTEE,
                                      organisation_id=organisation.id, granted_by_id=actor.id))
    grant.organisation_id = organisation.id
    touch(grant)
    audit.record("grant.grantee_registered", grant, actor=actor, after={
        "organisation_id": organisation.id, **values,
        "lead_user_id": lead.id if lead else None})
    commit()
    return organisation


def _check_can_set_grantee(grant, actor, version) -> None:
    require(can_manage_grant(actor, grant), _("Only the grant's grant officers can set its grantee."))
    refuse_if_closed(grant)
    if grant.status != "draft":
        raise GrantError(_("The agreement has been offered, so the grantee can no longer change."))
    check_version(grant, version)


def _organisation_values(data: dict) -> tuple[dict, User | None]:
    errors = {}
    name = " ".join((data.get("name") or "").split())
    kind = data.get("kind") or ""
    charity = (data.get("charity_number") or "").strip().replace(" ", "")
    company = (data.get("company_number") or "").strip().replace(" ", "").upper()
    if len(name) < 3:
        errors["name"] = _("Enter the organisation's name.")
    elif db.session.scalar(select(Organisation.id).where(Organisation.name == name)):
        errors["name"] = _("An organisation of that name is already registered: choose it above.")
    if kind not in ORGANISATION_KINDS:
        errors["kind"] = _("Choose what kind of organisation it is.")
    if charity and not CHARITY_RE.match(charity):
        errors["charity_number"] = _("A charity number is 6 to 8 digits, for example 1093012.")
    if company and not COMPANY_RE.match(company):
        errors["company_number"] = (_("A company number is 8 characters, keeping any leading "
                                    "zeros, for example 05066232 or SC123456."))
    if kind == "charity" and not charity:
        errors["charity_number"] = _("Enter the charity's registered number.")
    if kind == "cic" and not company:
        errors["company_number"] = _("Enter the community interest company's company number.")
    lead = None
    email = (data.get("lead_email") or "").strip()
    if email:
        lead = User.by_email(email)
        if lead is None:
            errors["lead_email"] = (_("No pb account uses that email. Ask the lead to register "
                                    "first, or leave this blank and add them later."))
    if errors:
        raise GrantError(field_errors=errors)
    return {"name": name, "kind": kind, "charity_number": charity or None,
            "company_number": company or None,
            "postcode": (data.get("postcode") or "").strip().upper()[:10] or None,
            "description": f"{name}: registered as a grantee."}, lead
