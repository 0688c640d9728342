"""Factories for a realistic test neighbourhood (Macclesfield-like), not foo/bar."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from pb.extensions import db
from pb.models import (
    Area,
    Organisation,
    OrganisationMember,
    Partnership,
    PostcodeCoverage,
    Proposal,
    Role,
    RoleAssignment,
    Round,
    Theme,
    User,
    Ward,
)
from pb.models.base import utcnow
from pb.passwords import hash_password

PASSWORD = "kettle-on-the-hob-42"

WARDS = {
    "Macclesfield Central": ["SK11 6", "SK10 1"],
    "Macclesfield Hurdsfield": ["SK10 2"],
    "Macclesfield Tytherington": ["SK10 3"],
    "Macclesfield South": ["SK11 7"],
}


def make_user(email: str, name: str, *roles: tuple[Role, dict], verified: bool = True,
              postcode: str | None = "SK10 2LH", born: date | None = date(1980, 3, 14)) -> User:
    user = User(email=email, display_name=name, password_hash=hash_password(PASSWORD),
                email_verified_at=utcnow() if verified else None, postcode=postcode,
                date_of_birth=born)
    user.roles.append(RoleAssignment(role=Role.RESIDENT))
    for role, scope in roles:
        user.roles.append(RoleAssignment(role=role, **scope))
    db.session.add(user)
    db.session.flush()
    return user


def make_area(name: str = "Macclesfield", wards: dict[str, list[str]] = WARDS) -> Area:
    area = Area(name=name, description=f"{name} and its wards")
    db.session.add(area)
    db.session.flush()
    for ward_name, sectors in wards.items():
        ward = Ward(area=area, name=ward_name)
        db.session.add(ward)
        db.session.flush()
        for sector in sectors:
            db.session.add(PostcodeCoverage(area=area, ward=ward, prefix=sector))
    db.session.flush()
    db.session.refresh(area)
    return area


def make_round(partnership: Partnership, name: str, phase: str = "proposals", **values) -> Round:
    """A published round whose dates put it in ``phase`` now."""
    now = utcnow()
    day = timedelta(days=1)
    offsets = {
        # proposals_open, proposals_close, review_close, voting_open, voting_close
        "upcoming": (5, 20, 30, 40, 50),
        "proposals": (-10, 20, 30, 40, 50),
        "review": (-30, -5, 10, 20, 30),
        "voting": (-40, -20, -10, -1, 10),
        "closed": (-50, -40, -30, -20, -1),
    }[phase]
    dates = dict(zip(("proposals_open_at", "proposals_close_at", "review_close_at",
                      "voting_open_at", "voting_close_at"), (now + d * day for d in offsets)))
    defaults = dict(
        description=f"{name}: community health projects chosen by residents.",
        budget_pence=50_000_00, min_project_cost_pence=500_00, max_project_cost_pence=10_000_00,
        ballot_design="approval", allocation_rule="greedy-approval", tie_break="id",
        eligibility_postcode=True, eligibility_min_age=11, voter_verification="account_or_code",
        is_published=True,
    )
    defaults.update(dates)
    defaults.update(values)
    round_ = Round(name=name, partnership_id=partnership.id, area_id=partnership.area_id,
                   **defaults)
    db.session.add(round_)
    db.session.flush()
    return round_


def make_proposal(round_: Round, title: str, cost_pence: int, status: str = "shortlisted",
                  wards: list[Ward] | None = None, proposer: User | None = None,
                  **values) -> Proposal:
    proposal = Proposal(round_id=round_.id, title=title, cost_pence=cost_pence, status=status,
                        summary=values.pop("summary", f"{title} for local residents."),
                        description=values.pop("description", f"{title}: details."),
                        proposer_id=proposer.id if proposer else None,
                        is_area_wide=not wards, **values)
    proposal.wards = list(wards or [])
    if status != "draft":
        proposal.submitted_at = utcnow()
    db.session.add(proposal)
    db.session.flush()
    return proposal


@dataclass
class Neighbourhood:
    area: Area
    wards: dict[str, Ward]
    partnership: Partnership
    other_partnership: Partnership
    themes: dict[str, Theme]
    organisations: dict[str, Organisation]
    users: dict[str, User]
    rounds: dict[str, Round] = field(default_factory=dict)


def build_neighbourhood() -> Neighbourhood:
    area = make_area()
    other_area = make_area("Congleton", {"Congleton West": ["CW12 4"],
                                         "Congleton East": ["CW12 1"]})
    partnership = Partnership(name="Macclesfield Community Health Partnership", area=area,
                              contact_email="partnership@macc.example.org")
    other = Partnership(name="Congleton Wellbeing Partnership", area=other_area)
    db.session.add_all([partnership, other])
    themes = {name: Theme(slug=name.lower().replace(" ", "-"), name=name) for name in (
        "Social isolation", "Mental health", "Physical activity", "Healthy eating",
        "Older people", "Children and families")}
    db.session.add_all(themes.values())
    organisations = {name: Organisation(name=name, kind=kind, charity_number=number)
                     for name, kind, number in (
                         ("Hurdsfield Community Centre", "charity", "1093012"),
                         ("Macclesfield Men's Shed", "community_group", None),
                         ("Silk Town Walkers", "community_group", None))}
    db.session.add_all(organisations.values())
    db.session.flush()

    p_scope = {"partnership_id": partnership.id}
    users = {
        "resident": make_user("maureen.clarke@example.org", "Maureen"),
        "resident2": make_user("sanjay.patel@example.org", "Sanjay", postcode="SK11 7AB"),
        "officer": make_user("priya.shah@macc.example.org", "Priya", (Role.OFFICER, p_scope)),
        "officer2": make_user("tom.reid@macc.example.org", "Tom", (Role.OFFICER, p_scope)),
        "other_officer": make_user("lena.owen@congleton.example.org", "Lena",
                                   (Role.OFFICER, {"partnership_id": other.id})),
        "event_staff": make_user("grace.ofori@macc.example.org", "Grace",
                                 (Role.EVENT_STAFF, p_scope)),
        "scrutiny": make_user("cllr.hughes@cheshireeast.example.gov.uk", "Councillor Hughes",
                              (Role.SCRUTINY, {})),
        "grant_officer": make_user("fatima.begum@macc.example.org", "Fatima",
                                   (Role.GRANT_OFFICER, p_scope)),
        "grantee": make_user("dave.booth@hurdsfield.example.org", "Dave",
                             (Role.GRANTEE, {"organisation_id":
                                             organisations["Hurdsfield Community Centre"].id})),
        "admin": make_user("alex.admin@pb.example.org", "Alex", (Role.ADMIN, {})),
    }
    db.session.add(OrganisationMember(organisation=organisations["Hurdsfield Community Centre"],
                                      user=users["resident"]))
    hood = Neighbourhood(area=area, wards={w.name: w for w in area.wards},
                         partnership=partnership, other_partnership=other, themes=themes,
                         organisations=organisations, users=users)
    hood.rounds = {
        "proposals": make_round(partnership, "Healthy Neighbourhoods Small Grants 2027",
                                "proposals", supports_required=3),
        "voting": make_round(partnership, "Macclesfield Community Health Fund 2026", "voting"),
        "closed": make_round(partnership, "Macclesfield Health Decision Day 2025", "closed",
                             ballot_design="scores", allocation_rule="greedy-points"),
        "draft": make_round(partnership, "Winter Warmth Fund (draft)", "upcoming",
                            is_published=False),
        "other": make_round(other, "Congleton Wellbeing Fund 2026", "proposals"),
    }
    db.session.commit()
    return hood


# Voting and results (folded in from tests/voting/factories_voting.py) ----------------------------

# Macclesfield-like projects: (title, cost in pence)
PROJECTS = [
    ("Tytherington walking group", 4_500_00),
    ("Hurdsfield community cafe", 9_000_00),
    ("Men's Shed tool library", 3_000_00),
    ("Dementia-friendly cinema", 6_000_00),
    ("Weston estate cooking club", 7_500_00),
    ("Carers' respite mornings", 8_000_00),
]


def make_ballot_round(hood, name: str = "Macclesfield Wellbeing Vote 2026",
                      design: str = "approval",
                      rule: str | None = None, projects=PROJECTS, phase: str = "voting",
                      **settings) -> tuple[Round, list]:
    """A published round in its vote with shortlisted projects; returns (round, proposals)."""
    default_rule = {"points": "greedy-points", "scores": "greedy-points"}.get(design,
                                                                              "greedy-approval")
    round_ = make_round(hood.partnership, name, phase, ballot_design=design,
                        allocation_rule=rule or default_rule, **settings)
    proposals = [make_proposal(round_, title, cost) for title, cost in projects]
    db.session.commit()
    return round_, proposals


def add_ward_budgets(round_: Round, budgets: dict) -> None:
    from pb.models import RoundWardBudget

    for ward, pence in budgets.items():
        round_.ward_budgets.append(RoundWardBudget(ward_id=ward.id, budget_pence=pence))
    db.session.commit()


def close_voting(round_: Round) -> None:
    round_.voting_close_at = utcnow() - timedelta(minutes=1)
    db.session.commit()


def make_voter(n: int, postcode: str = "SK10 2LH") -> User:
    """Resident number ``n``, with a birthday of their own (one ballot counts per
    postcode and date of birth, so voters who shared both would replace each other)."""
    user = make_user(f"voter{n}@example.org", f"Voter {n}", postcode=postcode,
                     born=date(1940, 1, 1) + timedelta(days=397 * n))
    db.session.commit()
    return user


def cast_for(round_: Round, user, choices: dict, replaces=None):
    """Cast a ballot as ``user`` through the service (no HTTP); returns the ``Cast``."""
    from pb.voting import services

    identity = services.account_identity(round_, user)
    paper = services.build_paper(round_, identity)
    return services.cast_ballot(round_, identity, paper, choices, replaces)


def make_codes(round_: Round, officer: User, count: int = 1,
               label: str = "Hurdsfield library drop-in") -> list[str]:
    """A batch of voting codes made by ``officer``; returns the codes as printed."""
    from pb import submissions
    from pb.voting import codes, services

    key = submissions.new_key()
    batch, _made = services.generate_codes(officer, round_, label, count, key)
    return [codes.display_code(codes.sheet_code(key, i)) for i in range(batch.size)]


def cast_as_code(round_: Round, code: str, choices: dict, postcode: str = "SK10 2LH",
                 born=None, ip: str = "192.0.2.10"):
    """Enter a code (with postcode and date of birth) and cast with it; returns the ``Cast``."""
    from pb.voting import services

    claim = services.redeem_code(round_, code, postcode, born or date(1990, 1, 1), ip)
    identity = services.code_identity(round_, claim, None)
    paper = services.build_paper(round_, identity)
    return services.cast_ballot(round_, identity, paper, choices, None)
