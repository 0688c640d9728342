"""The demo neighbourhood: a town with wards, a health partnership, organisations,
four rounds (last year's online vote and a decision day, both counted and certified, a
round in its vote, a round taking proposals) and one account for every role.

Every step looks things up by their natural key before creating them, so running
``flask --app pb demo`` twice leaves the same data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from pb import audit
from pb.extensions import db
from pb.models import (
    Area,
    Organisation,
    OrganisationMember,
    Partnership,
    PostcodeCoverage,
    Role,
    RoleAssignment,
    Round,
    RoundWardBudget,
    Theme,
    User,
    Ward,
)
from pb.models.base import utcnow
from pb.passwords import hash_password

AREA = "Macclesfield"
PARTNERSHIP = "Macclesfield Community Health Partnership"
DEMO_DOMAIN = "demo.pb.localhost"

# (ward name, postcode sectors)
WARDS = [
    ("Macclesfield Central", ["SK11 6", "SK10 1"]),
    ("Macclesfield Hurdsfield", ["SK10 2"]),
    ("Macclesfield Tytherington", ["SK10 3"]),
    ("Macclesfield South", ["SK11 7"]),
    ("Macclesfield West and Ivy", ["SK11 8"]),
    ("Broken Cross and Upton", ["SK10 4"]),
]

THEMES = [
    ("Social isolation", "Helping people who are lonely or cut off to connect with others."),
    ("Mental health", "Support for emotional well-being and mental health."),
    ("Physical activity", "Getting people moving: walking, sport, dance, gardening."),
    ("Healthy eating", "Cooking, growing and sharing good food on a budget."),
    ("Older people", "Projects for and with older residents."),
    ("Children and families", "Projects for children, young people and their families."),
    ("Carers", "Support for unpaid carers."),
    ("Dementia", "Dementia-friendly activities and support."),
]

# (name, kind, charity number, company number, postcode)
ORGANISATIONS = [
    ("Hurdsfield Community Centre", "charity", "1093012", None, "SK10 2LH"),
    ("Macclesfield Men's Shed", "community_group", None, None, "SK11 6UX"),
    ("Age UK Cheshire East (Macclesfield)", "charity", "1103491", "05066232", "SK11 6DR"),
    ("Silk Town Walkers", "community_group", None, None, "SK10 1EE"),
    ("Weston Estate Residents' Association", "community_group", None, None, "SK11 8DL"),
    ("Tytherington Family Hub", "cic", None, "12473301", "SK10 2JR"),
    ("Moss Rose Community Kitchen", "cic", None, "13098544", "SK11 7BA"),
    ("East Cheshire Carers' Network", "charity", "1156722", None, "SK10 1DJ"),
    ("Christ Church Macclesfield", "faith_group", "1132405", None, "SK11 6HN"),
    ("Upton Priory Youth Club", "community_group", None, None, "SK10 3AB"),
    ("Macclesfield Dementia Friends", "community_group", None, None, "SK11 6PQ"),
    ("Bollin Valley Allotment Society", "community_group", None, None, "SK10 3DH"),
    ("Peaks and Plains Housing Trust Tenants' Forum", "community_group", None, None, "SK11 8BE"),
    ("Talking Spaces Macclesfield", "charity", "1170334", None, "SK11 6JA"),
    ("Macclesfield Town Football Community Trust", "charity", "1188201", "11705512", "SK11 7SP"),
    ("Ivy Meadow Toddlers", "community_group", None, None, "SK11 8QS"),
    ("Broken Cross Bowls Club", "community_group", None, None, "SK10 3HL"),
]


@dataclass(frozen=True)
class DemoAccount:
    role: str
    email: str
    password: str
    name: str


# One account per role. Passwords are demo-only and printed by the command.
ACCOUNTS = [
    DemoAccount("Administrator", f"admin@{DEMO_DOMAIN}", "demo-admin-silk-2026", "Alex"),
    DemoAccount("Partnership officer", f"officer@{DEMO_DOMAIN}", "demo-officer-silk-2026",
                "Priya"),
    DemoAccount("Partnership officer", f"officer2@{DEMO_DOMAIN}", "demo-officer2-silk-2026",
                "Tom"),
    DemoAccount("Event staff", f"events@{DEMO_DOMAIN}", "demo-events-silk-2026", "Grace"),
    DemoAccount("Council scrutiny", f"scrutiny@{DEMO_DOMAIN}", "demo-scrutiny-silk-2026",
                "Councillor Hughes"),
    DemoAccount("Grant officer", f"grants@{DEMO_DOMAIN}", "demo-grants-silk-2026", "Fatima"),
    DemoAccount("Grantee", f"grantee@{DEMO_DOMAIN}", "demo-grantee-silk-2026", "Dave"),
    DemoAccount("Resident", f"resident@{DEMO_DOMAIN}", "demo-resident-silk-2026", "Jo"),
]

ROLE_FOR_ACCOUNT = {
    "Administrator": Role.ADMIN,
    "Partnership officer": Role.OFFICER,
    "Event staff": Role.EVENT_STAFF,
    "Council scrutiny": Role.SCRUTINY,
    "Grant officer": Role.GRANT_OFFICER,
    "Grantee": Role.GRANTEE,
    "Resident": Role.RESIDENT,
}

ROUND_PAST = "Macclesfield Community Health Fund 2024-25"
ROUND_DECISION_DAY = "Macclesfield Health Decision Day 2025"
ROUND_OPEN_VOTE = "Macclesfield Community Health Fund 2026"
ROUND_PROPOSALS = "Healthy Neighbourhoods Small Grants 2027"


def _get_or_create(model, defaults: dict | None = None, **keys):
    obj = db.session.scalar(select(model).filter_by(**keys))
    if obj is None:
        obj = model(**keys, **(defaults or {}))
        db.session.add(obj)
        db.session.flush()
    return obj


def seed_place() -> tuple[Area, Partnership]:
    area = _get_or_create(Area, name=AREA, defaults={
        "description": "The market town of Macclesfield, Cheshire East: six wards."})
    for ward_name, sectors in WARDS:
        ward = _get_or_create(Ward, area_id=area.id, name=ward_name)
        for sector in sectors:
            _get_or_create(PostcodeCoverage, area_id=area.id, prefix=sector,
                           defaults={"ward_id": ward.id})
    partnership = _get_or_create(Partnership, name=PARTNERSHIP, defaults={
        "area_id": area.id, "contact_email": f"partnership@{DEMO_DOMAIN}",
        "description": "Residents, the NHS place team, Cheshire East Council and the voluntary "
                       "sector working together on community health."})
    for name, description in THEMES:
        slug = name.lower().replace(" ", "-")
        _get_or_create(Theme, slug=slug, defaults={"name": name, "description": description})
    for name, kind, charity, company, postcode in ORGANISATIONS:
        _get_or_create(Organisation, name=name, defaults={
            "kind": kind, "charity_number": charity, "company_number": company,
            "postcode": postcode,
            "description": f"{name} is based in Macclesfield ({postcode})."})
    db.session.refresh(area)
    return area, partnership


def seed_accounts(partnership: Partnership) -> list[DemoAccount]:
    grantee_org = db.session.scalar(select(Organisation).filter_by(
        name="Hurdsfield Community Centre"))
    for account in ACCOUNTS:
        user = User.by_email(account.email)
        if user is None:
            user = User(email=account.email, display_name=account.name,
                        password_hash=hash_password(account.password),
                        email_verified_at=utcnow(), postcode="SK10 2LH",
                        date_of_birth=date(1984, 5, 17))
            user.roles.append(RoleAssignment(role=Role.RESIDENT))
            db.session.add(user)
            db.session.flush()
        role = ROLE_FOR_ACCOUNT[account.role]
        keys = {"role": role, "partnership_id": None, "organisation_id": None}
        if role.scope == "partnership":
            keys["partnership_id"] = partnership.id
        elif role.scope == "organisation":
            keys["organisation_id"] = grantee_org.id
        if role != Role.RESIDENT:
            _get_or_create(RoleAssignment, user_id=user.id, **keys)
        if role in (Role.GRANTEE, Role.RESIDENT):
            _get_or_create(OrganisationMember, organisation_id=grantee_org.id, user_id=user.id)
    return ACCOUNTS


def _past_round() -> dict:
    """Last year's online vote: fixed dates in the winter of 2024-25."""
    return dict(
        description="£40,000 for community health projects, chosen in the partnership's "
                    "first online vote: residents ticked up to five projects, with a pb "
                    "account or a voting code from their GP surgery or library.",
        budget_pence=40_000_00, min_project_cost_pence=500_00,
        max_project_cost_pence=6_000_00,
        proposals_open_at=datetime(2024, 9, 2, 9, 0),
        proposals_close_at=datetime(2024, 10, 25, 17, 0),
        review_close_at=datetime(2024, 12, 6, 17, 0),
        voting_open_at=datetime(2025, 1, 13, 9, 0),
        voting_close_at=datetime(2025, 2, 9, 17, 0),
        ballot_design="approval", allocation_rule="greedy-approval", tie_break="id",
        ballot_min_choices=1, ballot_max_choices=5, eligibility_min_age=11,
        voter_verification="account_or_code", ward_ballot="own_ward_and_area",
        supports_required=3)


def seed_rounds(area: Area, partnership: Partnership) -> dict[str, Round]:
    # Round times fall on the hour people would set (9am), not the minute the demo was built.
    now = utcnow().replace(hour=9, minute=0, second=0, microsecond=0)
    day = timedelta(days=1)
    decision_day = datetime(2025, 10, 11, 9, 0)  # a Saturday
    specs = {
        ROUND_PAST: _past_round(),
        ROUND_DECISION_DAY: dict(
            description="£100,000 for community health projects across Macclesfield, decided "
                        "by residents at a decision day at Macclesfield Town Hall.",
            budget_pence=100_000_00, min_project_cost_pence=1_000_00,
            max_project_cost_pence=10_000_00,
            proposals_open_at=datetime(2025, 6, 2, 9, 0),
            proposals_close_at=datetime(2025, 8, 1, 17, 0),
            review_close_at=datetime(2025, 9, 12, 17, 0),
            voting_open_at=decision_day, voting_close_at=decision_day + timedelta(hours=5),
            ballot_design="scores", allocation_rule="greedy-points", tie_break="votes",
            eligibility_min_age=11, voter_verification="code",
            ward_ballot="own_ward_and_area"),
        ROUND_OPEN_VOTE: dict(
            description="£60,000 for projects that help Macclesfield residents stay well: vote "
                        "online or at the community hubs.",
            budget_pence=60_000_00, min_project_cost_pence=500_00,
            max_project_cost_pence=8_000_00,
            proposals_open_at=now - 70 * day, proposals_close_at=now - 35 * day,
            review_close_at=now - 8 * day, voting_open_at=now - 7 * day,
            voting_close_at=now + 14 * day,
            ballot_design="budget", allocation_rule="mes-cost-add1", tie_break="id",
            ballot_min_choices=1, eligibility_min_age=11,
            voter_verification="account_or_code", ward_ballot="own_ward_and_area",
            supports_required=3, ward_leftover="pooled"),
        ROUND_PROPOSALS: dict(
            description="Small grants of £300 to £2,500 for street-level health ideas. Tell us "
                        "your idea by the deadline; residents vote in the spring.",
            budget_pence=25_000_00, min_project_cost_pence=300_00,
            max_project_cost_pence=2_500_00,
            proposals_open_at=now - 10 * day, proposals_close_at=now + 40 * day,
            review_close_at=now + 60 * day, voting_open_at=now + 75 * day,
            voting_close_at=now + 96 * day,
            ballot_design="approval", allocation_rule="mes-cost-add1", tie_break="id",
            ballot_max_choices=5, eligibility_min_age=11,
            voter_verification="account_or_code", supports_required=3),
    }
    rounds = {}
    for name, values in specs.items():
        round_ = db.session.scalar(select(Round).filter_by(name=name))
        if round_ is None:
            round_ = Round(name=name, partnership_id=partnership.id, area_id=area.id,
                           is_published=True, eligibility_postcode=True, **values)
            db.session.add(round_)
            db.session.flush()
        rounds[name] = round_
    _seed_ward_budgets(rounds[ROUND_OPEN_VOTE], area, 6_000_00)
    return rounds


def _seed_ward_budgets(round_: Round, area: Area, per_ward_pence: int) -> None:
    for ward in area.wards:
        _get_or_create(RoundWardBudget, round_id=round_.id, ward_id=ward.id,
                       defaults={"budget_pence": per_ward_pence})


def seed_demo() -> list[DemoAccount]:
    """Create whatever part of the demo is missing; return the demo accounts."""
    first_run = User.by_email(ACCOUNTS[0].email) is None
    area, partnership = seed_place()
    accounts = seed_accounts(partnership)
    rounds = seed_rounds(area, partnership)
    for step in _feature_steps():
        step(area=area, partnership=partnership, rounds=rounds)
    if first_run:
        audit.record("demo.seeded", object_type="system",
                     after={"rounds": sorted(r.name for r in rounds.values())})
    db.session.commit()
    return accounts


def _feature_steps():
    """Seed steps of the features built on the foundation, in dependency order."""
    steps = []
    for module in FEATURE_SEEDERS:
        steps.append(__import__(module, fromlist=["seed"]).seed)
    return steps


# Each later feature adds its module here; each exposes seed(area, partnership, rounds).
FEATURE_SEEDERS: list[str] = ["pb.demo.proposals", "pb.demo.voting", "pb.demo.events",
                               "pb.demo.grants", "pb.demo.scrutiny", "pb.demo.pages"]
