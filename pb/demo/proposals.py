"""Demo proposals: Macclesfield community-health ideas in every state, across the rounds.

- last year's online vote (£40,000, approval ballots): 14 on the ballot (the 10 in
  ``PAST_FUNDED`` are the ones the voting seeder makes win) and one ruled ineligible;
- the completed decision day: 22 shortlisted proposals (17 of them, ``DECISION_DAY_FUNDED``,
  are the ones the voting seeder makes win);
- the round in its vote (ward budgets of £6,000): 14 on the ballot, plus ineligible,
  withdrawn and merged ones;
- the round taking proposals: drafts, submitted, under review, needs changes, eligible,
  with supports from demo residents, and one handed in on paper.

Idempotent: each proposal is keyed on (round, title) and made only when missing.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

from sqlalchemy import func, select

from pb.demo.proposal_specs import (  # noqa: F401  (re-exported: the voting seeder uses them)
    DECISION_DAY,
    DECISION_DAY_FUNDED,
    LINES,
    OPEN_VOTE,
    PAPER,
    PAST,
    PAST_FUNDED,
    TAKING,
    WEIGHTS,
)
from pb.extensions import db
from pb.models import Organisation, OrganisationMember, Role, RoleAssignment, Theme, User
from pb.models.base import utcnow
from pb.models.proposal import (
    ON_BALLOT,
    BudgetLine,
    Proposal,
    ProposalOutcome,
    ProposalStatusChange,
    ProposalSupport,
    ProposalVersion,
)
from pb.passwords import hash_password
from pb.proposals.markup import render_markdown

DEMO_DOMAIN = "demo.pb.localhost"
# Waiver for bandit B105: the demo accounts' password, published in the README on purpose.
SUPPORTER_PASSWORD = "demo-resident-silk-2026"  # nosec B105
SUPPORTERS = [("bev.hollins", "Bev"), ("arjun.mehta", "Arjun"), ("carol.whitehead", "Carol"),
              ("dan.okafor", "Dan"), ("eileen.pryce", "Eileen"), ("femi.adeyemi", "Femi"),
              ("gwen.talbot", "Gwen"), ("harry.nolan", "Harry")]


def _split(cost_pounds: int, kind: str, count: int) -> list[tuple[str, int]]:
    names = LINES[kind][:count]
    weights = WEIGHTS[len(names)]
    pence = cost_pounds * 100
    amounts = [max(int(pence * w) // 1000 * 1000, 1000) for w in weights[:-1]]
    amounts.append(pence - sum(amounts))
    return list(zip(names, amounts))


def _description(title: str, organisation: str | None) -> str:
    who = organisation or "a group of local residents"
    # The page shows the summary above the description, so the description does not repeat it.
    return (f"## What will happen\n\n{title} will be run by {who}. Sessions are "
            "free, open to everyone, and held in accessible venues close to public "
            "transport.\n\n## Who will benefit\n\n- people who are lonely or cut off\n"
            "- their families and carers\n- neighbours who want to help\n\n"
            "We will count who comes each time and ask people how they feel at the start "
            "and after three months.")


def _supporters() -> list[User]:
    users = []
    for index, (local, name) in enumerate(SUPPORTERS):
        email = f"{local}@{DEMO_DOMAIN}"
        user = User.by_email(email)
        if user is None:
            user = User(email=email, display_name=name,
                        password_hash=hash_password(SUPPORTER_PASSWORD),
                        email_verified_at=utcnow(), postcode="SK10 2LH",
                        date_of_birth=date(1950 + index * 6, 4, 2))
            user.roles.append(RoleAssignment(role=Role.RESIDENT))
            db.session.add(user)
            db.session.flush()
        users.append(user)
    return users


def _demo_user(local: str) -> User | None:
    return User.by_email(f"{local}@{DEMO_DOMAIN}")


def _existing(round_, title) -> Proposal | None:
    return db.session.scalar(select(Proposal).where(Proposal.round_id == round_.id,
                                                    Proposal.title == title))


PATHS = {
    "draft": ["draft"],
    "submitted": ["draft", "submitted"],
    "under_review": ["draft", "submitted", "under_review"],
    "needs_changes": ["draft", "submitted", "under_review", "needs_changes"],
    "eligible": ["draft", "submitted", "under_review", "eligible"],
    "ineligible": ["draft", "submitted", "under_review", "ineligible"],
    "shortlisted": ["draft", "submitted", "under_review", "eligible", "shortlisted"],
    "withdrawn": ["draft", "submitted", "withdrawn"],
    "merged": ["draft", "submitted", "under_review", "merged"],
}


def _make(round_, spec, *, status, reason, proposer, officer, area, themes, orgs,
          submitted_at, paper_name=None) -> Proposal:
    title, summary, kind, org, wards, theme_names, outcomes, cost = spec[:8]
    existing = _existing(round_, title)
    if existing is not None:
        return existing
    count = 2 + (len(title) % 4)  # 2 to 5 lines
    lines = _split(cost, kind, min(count, len(LINES[kind])))
    description = _description(title, org)
    by_ward = {w.name: w for w in area.wards}
    proposal = Proposal(
        round_id=round_.id, title=title, summary=summary, description=description,
        description_html=render_markdown(description), cost_pence=cost * 100, status=status,
        is_area_wide=wards is None, organisation_id=orgs[org].id if org else None,
        proposer_id=None if paper_name else proposer.id,
        entered_on_behalf_by_id=officer.id if paper_name else None,
        paper_proposer_name=paper_name or "",
        paper_proposer_contact="Phone 01625 000 111 (demo)" if paper_name else "",
        delivered_by=org or "Local volunteers",
        submitted_at=None if status == "draft" else submitted_at,
        status_reason=reason if status in ("ineligible", "needs_changes") else "",
        created_at=submitted_at - timedelta(days=2))
    proposal.wards = [by_ward[n] for n in (wards or [])]
    proposal.themes = [themes[n] for n in theme_names]
    proposal.budget_lines = [BudgetLine(position=i, description=d, amount_pence=a)
                             for i, (d, a) in enumerate(lines)]
    proposal.outcome_links = [ProposalOutcome(code=c) for c in outcomes]
    db.session.add(proposal)
    when = submitted_at - timedelta(days=2)
    proposal.versions.append(ProposalVersion(
        number=1, changed_at=when, changed_by_id=(officer if paper_name else proposer).id,
        changed_as="staff" if paper_name else "proposer",
        reason="Handed in on paper" if paper_name else "First version",
        changes_json=json.dumps({"cost_pence": [None, cost * 100]})))
    previous = None
    for step, state in enumerate(PATHS[status]):
        # Submitted exactly when the proposal says it was, then a step every three days.
        at = min(submitted_at + timedelta(days=3 * (step - 1)), utcnow()) if step else when
        by_officer = state not in ("draft", "submitted") and state != "withdrawn"
        proposal.status_changes.append(ProposalStatusChange(
            from_status=previous, to_status=state, changed_at=at,
            changed_by_id=(officer if by_officer or paper_name else proposer).id,
            changed_as="officer" if by_officer else ("staff" if paper_name else "proposer"),
            reason=reason if state in ("ineligible", "needs_changes", "withdrawn",
                                       "merged") else ""))
        previous = state
    db.session.flush()
    return proposal


def _support(proposal: Proposal, users: list[User], how_many: int) -> None:
    have = db.session.scalar(select(func.count()).select_from(ProposalSupport).where(
        ProposalSupport.proposal_id == proposal.id)) or 0
    if have:
        return
    for user in users[:how_many]:
        if user.id in (proposal.proposer_id, proposal.entered_on_behalf_by_id):
            continue
        db.session.add(ProposalSupport(proposal_id=proposal.id, user_id=user.id))


def seed(area, partnership, rounds) -> None:
    from pb.demo import ROUND_DECISION_DAY, ROUND_OPEN_VOTE, ROUND_PAST, ROUND_PROPOSALS

    themes = {t.name: t for t in db.session.scalars(select(Theme))}
    orgs = {o.name: o for o in db.session.scalars(select(Organisation))}
    officer = _demo_user("officer")
    resident = _demo_user("resident")
    supporters = _supporters()
    # The demo resident may propose for the community centre (seeded by the foundation).
    centre = orgs["Hurdsfield Community Centre"]
    if resident and db.session.scalar(select(OrganisationMember).filter_by(
            organisation_id=centre.id, user_id=resident.id)) is None:
        db.session.add(OrganisationMember(organisation_id=centre.id, user_id=resident.id))
    common = dict(officer=officer, area=area, themes=themes, orgs=orgs)

    _seed_past(rounds[ROUND_PAST], supporters, common)
    decision = rounds[ROUND_DECISION_DAY]
    for index, spec in enumerate(DECISION_DAY):
        proposer = supporters[index % len(supporters)]
        proposal = _make(decision, spec, status="shortlisted", reason="", proposer=proposer,
                         submitted_at=decision.proposals_open_at + timedelta(days=3 + index),
                         **common)
        _support(proposal, supporters, 3 + index % 5)

    vote = rounds[ROUND_OPEN_VOTE]
    made = {}
    for index, spec in enumerate(OPEN_VOTE):
        status, reason = spec[8], spec[9]
        proposer = supporters[(index + 3) % len(supporters)]
        made[spec[0]] = _make(vote, spec, status=status, reason=reason, proposer=proposer,
                              submitted_at=vote.proposals_open_at + timedelta(days=2 + index),
                              **common)
        if status == "shortlisted":
            _support(made[spec[0]], supporters, 3 + index % 4)
    merged = made["Knitting Group for Hurdsfield"]
    if merged.merged_into_id is None:
        merged.merged_into_id = made["Hurdsfield Knit and Natter"].id

    taking = rounds[ROUND_PROPOSALS]
    for index, spec in enumerate(TAKING):
        status, reason, who = spec[8], spec[9], spec[10]
        proposer = resident if who == "resident" else supporters[index % len(supporters)]
        proposal = _make(taking, spec, status=status, reason=reason, proposer=proposer,
                         submitted_at=min(utcnow(), taking.proposals_open_at
                                          + timedelta(days=1 + index // 2)),
                         **common)
        if status != "draft":
            _support(proposal, supporters, index % 5)
    _make(taking, PAPER, status="submitted", reason="", proposer=officer,
          submitted_at=min(utcnow(), taking.proposals_open_at + timedelta(days=4)),
          paper_name=PAPER[10], **common)
    db.session.flush()


def _seed_past(past, supporters: list[User], common: dict) -> None:
    for index, spec in enumerate(PAST):
        status, reason = spec[8], spec[9]
        proposal = _make(past, spec, status=status, reason=reason,
                         proposer=supporters[(index + 5) % len(supporters)],
                         submitted_at=past.proposals_open_at + timedelta(days=4 + 2 * index),
                         **common)
        if status == "shortlisted":
            _support(proposal, supporters, 3 + index % 3)


def shortlisted(round_) -> list[Proposal]:
    """The proposals on a round's ballot, by id (for the voting seeder)."""
    return list(db.session.scalars(select(Proposal).where(
        Proposal.round_id == round_.id, Proposal.status.in_(ON_BALLOT)).order_by(Proposal.id)))
