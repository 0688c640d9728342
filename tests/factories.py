"""The one factories module: a realistic test neighbourhood (Macclesfield-like), not
foo/bar, and the rounds, proposals, ballots and files tests build on it.

Sections: people and places; rounds; proposals (and the proposal form's POST body);
uploads; ballots. Everything takes the ``neighbourhood`` (see ``build_neighbourhood``)
or objects from it, and commits what it makes unless it says otherwise.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, timedelta

from PIL import Image
from werkzeug.datastructures import FileStorage

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
    RoundWardBudget,
    Theme,
    User,
    Ward,
)
from pb.models.base import utcnow
from pb.models.proposal import BudgetLine, ProposalDocument, ProposalOutcome
from pb.passwords import hash_password
from pb.proposals import uploads
from pb.voting import services

PASSWORD = "kettle-on-the-hob-42"

WARDS = {
    "Macclesfield Central": ["SK11 6", "SK10 1"],
    "Macclesfield Hurdsfield": ["SK10 2"],
    "Macclesfield Tytherington": ["SK10 3"],
    "Macclesfield South": ["SK11 7"],
}



def date_boxes(when: date | None, name: str = "date_of_birth") -> dict[str, str]:
    """A date as a form's three boxes post it (pb.forms.DateInputField): name-day,
    name-month and name-year; all empty for None."""
    parts = (when.day, when.month, when.year) if when else ("", "", "")
    return {f"{name}-{part}": str(value) for part, value in zip(("day", "month", "year"),
                                                                parts, strict=True)}


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
    neighbourhood = Neighbourhood(area=area, wards={w.name: w for w in area.wards},
                                  partnership=partnership, other_partnership=other,
                                  themes=themes, organisations=organisations, users=users)
    neighbourhood.rounds = {
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
    return neighbourhood


# Proposals -------------------------------------------------------------------------------------

def proposal_with_lines(round_: Round, title: str, lines: list[tuple[str, int]], *,
                        status: str = "submitted", wards: list[Ward] | None = None,
                        proposer: User | None = None, themes=(),
                        outcomes=("social_isolation",), **values) -> Proposal:
    """A proposal made directly in the database, with budget lines and outcomes."""
    proposal = make_proposal(round_, title, sum(a for _, a in lines), status=status,
                             wards=wards, proposer=proposer,
                             delivered_by=values.pop("delivered_by", "Local volunteers"),
                             **values)
    proposal.budget_lines = [BudgetLine(position=i, description=d, amount_pence=a)
                             for i, (d, a) in enumerate(lines)]
    proposal.outcome_links = [ProposalOutcome(code=c) for c in outcomes]
    proposal.themes = list(themes)
    db.session.commit()
    return proposal


# A small proposal's budget: £750.
BUDGET_LINES = [("Hall hire", 600_00), ("Refreshments", 150_00)]


def resident_proposal(neighbourhood: Neighbourhood, status: str = "submitted",
                      title: str = "Tytherington Walking Netball", **values) -> Proposal:
    """Maureen's proposal for Tytherington in the round taking proposals (£750)."""
    values.setdefault("proposer", neighbourhood.users["resident"])
    values.setdefault("wards", [neighbourhood.wards["Macclesfield Tytherington"]])
    return proposal_with_lines(neighbourhood.rounds["proposals"], title, BUDGET_LINES,
                               status=status, **values)


def proposal_form(neighbourhood: Neighbourhood, **override) -> dict:
    """A valid POST body for the proposal form (three budget lines: £1,450)."""
    data = {
        "title": "Hurdsfield Dementia Café",
        "summary": "A weekly café for people living with dementia and their carers.",
        "description": "We will meet **every Tuesday** at the community centre.",
        "organisation_id": "0",
        "where": "wards",
        "wards": [str(neighbourhood.wards["Macclesfield Hurdsfield"].id)],
        "themes": [str(neighbourhood.themes["Older people"].id)],
        "outcomes": ["social_isolation", "mental_health"],
        "outcomes_other": "",
        "delivered_by": "Hurdsfield Community Centre volunteers",
        "lines-0-description": "Hall hire, 40 sessions",
        "lines-0-amount": "800.00",
        "lines-1-description": "Refreshments",
        "lines-1-amount": "400",
        "lines-2-description": "Trained facilitator",
        "lines-2-amount": "250.00",
        "action": "submit",
        "idempotency_key": "k" + "1" * 31,
    }
    data.update(override)
    return data


# Uploads ---------------------------------------------------------------------------------------

def png_bytes(size=(8, 8), colour=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return out.getvalue()


def pdf_bytes(*objects: bytes) -> bytes:
    """A PDF whose numbered objects are ``objects`` (object 1 the catalog), with a correct
    cross-reference table, so a real parser (pypdf, as uploads use) reads it."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj" % number + body + b"endobj\n"
    start = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1,
                                                                            start)
    return bytes(out)


MINIMAL_PDF = pdf_bytes(b"<</Type/Catalog/Pages 2 0 R>>", b"<</Type/Pages/Kids[]/Count 0>>")


def add_document(proposal: Proposal, name: str = "quote-from-the-hall.pdf",
                 content: bytes = MINIMAL_PDF) -> ProposalDocument:
    """A supporting PDF stored as the upload form would store it (needs an app context)."""
    checked = uploads.check_document(FileStorage(io.BytesIO(content), filename=name))
    document = ProposalDocument(kind="document", original_name=checked.original_name,
                                stored_name=uploads.store(checked),
                                content_type=checked.content_type,
                                size_bytes=len(checked.data),
                                uploaded_by_id=proposal.proposer_id)
    proposal.documents.append(document)
    db.session.commit()
    return document


# Ballots ---------------------------------------------------------------------------------------
# The same names and arguments as tests/voting/factories_voting.py, which these replace
# once the voting and results tests import them from here.

# Macclesfield-like projects: (title, cost in pence)
BALLOT_PROJECTS = [
    ("Tytherington walking group", 4_500_00),
    ("Hurdsfield community cafe", 9_000_00),
    ("Men's Shed tool library", 3_000_00),
    ("Dementia-friendly cinema", 6_000_00),
    ("Weston estate cooking club", 7_500_00),
    ("Carers' respite mornings", 8_000_00),
]


def make_ballot_round(neighbourhood: Neighbourhood,
                      name: str = "Macclesfield Wellbeing Vote 2026", design: str = "approval",
                      rule: str | None = None, projects=BALLOT_PROJECTS, phase: str = "voting",
                      **settings) -> tuple[Round, list[Proposal]]:
    """A published round in its vote with shortlisted projects; returns (round, proposals)."""
    default_rule = {"points": "greedy-points", "scores": "greedy-points"}.get(
        design, "greedy-approval")
    round_ = make_round(neighbourhood.partnership, name, phase, ballot_design=design,
                        allocation_rule=rule or default_rule, **settings)
    proposals = [make_proposal(round_, title, cost) for title, cost in projects]
    db.session.commit()
    return round_, proposals


def add_ward_budgets(round_: Round, budgets: dict[Ward, int]) -> None:
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


def cast_for(round_: Round, user: User, choices: dict, replaces=None):
    """Cast a ballot as ``user`` through the service (no HTTP); returns the ``Cast``."""
    identity = services.account_identity(round_, user)
    paper = services.build_paper(round_, identity)
    return services.cast_ballot(round_, identity, paper, choices, replaces)


def make_codes(round_: Round, officer: User, count: int = 1,
               label: str = "Hurdsfield library drop-in") -> list[str]:
    """A batch of voting codes made by ``officer``; returns the codes as printed."""
    from pb import submissions
    from pb.voting import codes

    key = submissions.new_key()
    batch, _made = services.generate_codes(officer, round_, label, count, key)
    return [codes.display_code(codes.sheet_code(key, i)) for i in range(batch.size)]


def cast_as_code(round_: Round, code: str, choices: dict, postcode: str = "SK10 2LH",
                 born=None, ip: str = "192.0.2.10"):
    """Enter a code (with postcode and date of birth) and cast with it; returns the ``Cast``."""
    claim = services.redeem_code(round_, code, postcode, born or date(1990, 1, 1), ip)
    identity = services.code_identity(round_, claim, None)
    paper = services.build_paper(round_, identity)
    return services.cast_ballot(round_, identity, paper, choices, None)


# Grants (appended by the grants area) ------------------------------------------------------

HEALTH_KPIS = [
    # (code, name, unit, aggregation, required)
    ("volunteers", "Volunteers recruited, trained and mentored", "people", "sum", True),
    ("volunteer_hours", "Volunteering hours completed", "hours", "sum", True),
    ("households", "Households meaningfully engaged", "households", "sum", False),
]


def add_grant_people(neighbourhood: Neighbourhood) -> dict[str, User]:
    """A second grant officer (two-person rule), a grant officer of the other partnership,
    and a grantee of another organisation, added to ``neighbourhood.users``."""
    p_scope = {"partnership_id": neighbourhood.partnership.id}
    shed = neighbourhood.organisations["Macclesfield Men's Shed"]
    people = {
        "grant_officer2": make_user("sam.okoro@macc.example.org", "Sam",
                                    (Role.GRANT_OFFICER, p_scope)),
        "other_grant_officer": make_user("rhys.evans@congleton.example.org", "Rhys",
                                         (Role.GRANT_OFFICER,
                                          {"partnership_id": neighbourhood.other_partnership.id})),
        "other_grantee": make_user("ken.walsh@mensshed.example.org", "Ken",
                                   (Role.GRANTEE, {"organisation_id": shed.id})),
    }
    neighbourhood.users.update(people)
    db.session.commit()
    return people


def make_programme(neighbourhood: Neighbourhood, name: str = "Macclesfield Community Health Grants",
                   rounds=(), kpis=HEALTH_KPIS, partnership=None, **values):
    from pb.models import Programme, ProgrammeKpi, UnitCost

    programme = Programme(
        name=name, funder=values.pop("funder", "Cheshire East Council Public Health"),
        partnership_id=(partnership or neighbourhood.partnership).id,
        budget_pence=values.pop("budget_pence", 100_000_00), start_year=2025, end_year=2027,
        savings_method=values.pop("savings_method", "Counts of avoided events times the unit "
                                  "costs below (GMCA unit cost database figures)."), **values)
    programme.rounds = list(rounds)
    programme.outcome_codes = ["reduced_isolation", "mental_health", "fewer_ae_attendances"]
    programme.kpis = [ProgrammeKpi(code=c, name=n, unit=u, aggregation=a, required=r,
                                   position=i, definition=f"{n} in the period.")
                      for i, (c, n, u, a, r) in enumerate(kpis)]
    programme.unit_costs = [
        UnitCost(code="ae_attendance", name="An avoided A&E attendance", cost_pence=148_00,
                 beneficiary="NHS", source="GMCA unit cost database (test figure)", position=0),
        UnitCost(code="admission", name="An avoided non-elective admission",
                 cost_pence=1_863_00, beneficiary="NHS",
                 source="GMCA unit cost database (test figure)", position=1)]
    db.session.add(programme)
    db.session.commit()
    return programme


def make_grant(neighbourhood: Neighbourhood, title: str = "Hurdsfield Dementia Cafe",
               amount_pence: int = 4_800_00, organisation: str | None =
               "Hurdsfield Community Centre", programme=None, lines=None, **values):
    """A draft grant made as certification would make it (without a round)."""
    from pb.models import FundingLine, Grant, GrantBudgetLine

    lines = lines or [("Hall hire (weekly, one year)", amount_pence * 6 // 10),
                      ("Refreshments and materials", amount_pence - amount_pence * 6 // 10)]
    grant = Grant(reference=values.pop("reference", f"T-{title[:12].replace(' ', '')}"),
                  title=title, summary=f"{title} for Hurdsfield residents.",
                  programme_id=programme.id if programme else None,
                  partnership_id=(programme.partnership_id if programme
                                  else neighbourhood.partnership.id),
                  area_id=values.pop("area_id", neighbourhood.area.id),
                  organisation_id=neighbourhood.organisations[organisation].id if organisation else None,
                  delivered_by=organisation or "Local residents", amount_pence=amount_pence,
                  award_date=date(2025, 10, 13), **values)
    grant.budget_lines = [GrantBudgetLine(position=i, description=d, planned_pence=a)
                          for i, (d, a) in enumerate(lines)]
    grant.funding_lines = [FundingLine(route="pb", amount_pence=amount_pence)]
    grant.wards = [neighbourhood.wards["Macclesfield Hurdsfield"]]
    db.session.add(grant)
    db.session.commit()
    return grant


def agreement_form(grant, programme, *, start: date, end: date, every: int = 3,
                   tranches=((50, "signing", None), (30, "return", 2), (20, "return", 4)),
                   targets=None, milestones=None) -> dict:
    """The agreement form as an officer would fill it in (tranches as % of the award)."""
    form = {"programme_id": str(programme.id), "start_date": start.isoformat(),
            "end_date": end.isoformat(), "report_every_months": str(every),
            "conditions": "Acknowledge the partnership's funding on publicity.",
            "version": str(grant.version)}
    for i, line in enumerate(grant.budget_lines):
        form[f"line-{i}-description"] = line.description
        form[f"line-{i}-amount"] = f"{line.planned_pence // 100}.{line.planned_pence % 100:02d}"
    for i, (title, due) in enumerate(milestones or [("Venue booked and first session held",
                                                     start + timedelta(days=30)),
                                                    ("Six months of weekly sessions",
                                                     start + timedelta(days=180))]):
        form[f"milestone-{i}-title"] = title
        form[f"milestone-{i}-due"] = due.isoformat()
    targets = targets or {"volunteers": 12, "volunteer_hours": 400}
    for kpi in programme.kpis:
        if kpi.code in targets:
            form[f"target-{kpi.id}"] = str(targets[kpi.code])
    paid = 0
    for i, (percent, condition, number) in enumerate(tranches):
        amount = (grant.amount_pence * percent // 100 if i < len(tranches) - 1
                  else grant.amount_pence - paid)
        paid += amount
        form[f"tranche-{i}-amount"] = f"{amount // 100}.{amount % 100:02d}"
        form[f"tranche-{i}-condition"] = condition
        form[f"tranche-{i}-number"] = str(number or "")
    return form


def active_grant(neighbourhood: Neighbourhood, programme=None, *, start: date | None = None,
                 months: int = 12, targets: dict | None = None, tranches=None, **values):
    """A grant whose agreement the grant officer issued and the grantee accepted."""
    from werkzeug.datastructures import MultiDict

    from pb.grants import agreements
    from pb.grants.returns import add_months

    programme = programme or make_programme(neighbourhood)
    grant = make_grant(neighbourhood, programme=programme, **values)
    start = start or date(2025, 11, 3)
    end = add_months(start, months) - timedelta(days=1)
    agreements.save(grant, neighbourhood.users["grant_officer"],
                    MultiDict(agreement_form(grant, programme, start=start, end=end,
                                             targets=targets, **(
                                                 {"tranches": tranches} if tranches else {}))),
                    issue=True)
    agreements.accept(grant, neighbourhood.users["grantee"], name="Dave Booth", confirmed=True)
    return grant


# Decision days (appended by the events area) ------------------------------------------------

def make_event(round_: Round, officer: User, name: str = "Macclesfield Decision Day",
               staff=(), **values):
    """A decision day of ``round_`` today (10:00 to 15:00 UK time), set up by ``officer``,
    with ``staff`` on duty."""
    from datetime import datetime as _datetime
    from datetime import time as _time

    from pb.events import setup
    from pb.events.forms import local_to_utc

    day = values.pop("day", date.today())
    details = setup.EventDetails(
        name=name, venue="Macclesfield Town Hall, Market Place, SK10 1EA",
        starts_at=local_to_utc(day, _time(10, 0)), ends_at=local_to_utc(day, _time(15, 0)),
        accessibility="Step-free entrance on Market Place; hearing loop in the main hall.",
        contact="01625 500 500", **values)
    event = setup.create_event(officer, round_, details)
    for person in staff:
        setup.add_staff(officer, event, person.id)
    assert isinstance(event.starts_at, _datetime)
    return event


def check_in_person(event, staff: User, first_name: str = "Maureen", postcode: str = "SK10 2LH",
                    age_band: str = "65-74", code: str | None = None, **values):
    """Check someone in at ``event``'s desk; returns ``(CheckedIn, code as printed)``.
    Without ``code`` a new card is printed on the spot."""
    from pb import submissions
    from pb.events import desk

    arrival = desk.Arrival(first_name=first_name, postcode=postcode, age_band=age_band,
                           hand="card" if code else "new", card_code=code or "", **values)
    done = desk.check_in(staff, event, arrival, submissions.new_key())
    return done, code or done.new_code


# Scrutiny (appended by the scrutiny area) ---------------------------------------------------

# Equality answers of the scrutiny world: (context, age band) -> how many. Small numbers on
# purpose, so that suppression has work to do.
SCRUTINY_AGES = {("voter", "25-34"): 7, ("voter", "35-44"): 9, ("voter", "45-54"): 3,
                 ("voter", "65-74"): 12, ("attendee", "25-34"): 2, ("attendee", "65-74"): 8,
                 ("beneficiary", "65-74"): 6, ("beneficiary", "75-plus"): 1}


def scrutiny_world(neighbourhood: Neighbourhood) -> dict:
    """Two rounds (one certified and published, one still voting), five grants (one
    withdrawn, one from a programme without a round), their tranches, adjustments,
    returns, KPIs, outcomes and savings, counted ballots, ward populations, an age
    profile and equality answers. Made directly in the database (no use cases), so the
    dashboard's figures can be checked against independent queries."""
    import json

    from pb.models import (
        Adjustment,
        AreaProfile,
        Ballot,
        EqualityResponse,
        Grant,
        GrantBudgetLine,
        KpiTarget,
        MonitoringReturn,
        ReturnKpiActual,
        ReturnOutcome,
        ReturnSpend,
        RoundResult,
        SavingsEstimate,
        Tranche,
        Voter,
    )

    wards, themes, orgs = neighbourhood.wards, neighbourhood.themes, neighbourhood.organisations
    for name, people in (("Macclesfield Central", 12_000), ("Macclesfield Hurdsfield", 5_000),
                         ("Macclesfield Tytherington", 6_000)):
        wards[name].population = people
    programme = make_programme(neighbourhood)
    decided, voting = neighbourhood.rounds["closed"], neighbourhood.rounds["voting"]
    decided.results_published_at = utcnow() - timedelta(days=2)
    projects = [
        make_proposal(decided, "Hurdsfield dementia cafe", 9_000_00,
                      wards=[wards["Macclesfield Hurdsfield"]],
                      organisation_id=orgs["Hurdsfield Community Centre"].id),
        make_proposal(decided, "Tytherington walking group", 4_500_00,
                      wards=[wards["Macclesfield Tytherington"]]),
        make_proposal(decided, "Men's Shed tool library", 3_000_00,
                      wards=[wards["Macclesfield Central"]],
                      organisation_id=orgs["Macclesfield Men's Shed"].id),
        make_proposal(decided, "Carers' respite mornings", 8_000_00),
    ]
    for project, theme in zip(projects, ("Older people", "Physical activity",
                                         "Social isolation", "Older people")):
        project.themes = [themes[theme]]
    outcome = {"selected": [p.pb_id for p in projects[:3]],
               "projects": {p.pb_id: {"cost": p.cost_pence} for p in projects}}
    db.session.add(RoundResult(round_id=decided.id, rule="greedy-approval", tie_break="id",
                               inputs_hash="0" * 64, ballots_counted=23,
                               budget_pence=decided.budget_pence,
                               outcome_json=json.dumps(outcome),
                               certified_at=utcnow() - timedelta(days=3)))

    def grant(ref, project, amount, ward, theme, org, *, status="active", round_=decided,
              award=date(2025, 10, 13)):
        made = Grant(reference=ref, title=project.title if project else ref,
                     programme_id=programme.id, partnership_id=neighbourhood.partnership.id,
                     area_id=neighbourhood.area.id, round_id=round_.id if round_ else None,
                     proposal_id=project.id if project else None,
                     organisation_id=orgs[org].id if org else None, amount_pence=amount,
                     status=status, award_date=award)
        made.wards = [wards[ward]] if ward else []
        made.themes = [themes[theme]] if theme else []
        made.budget_lines = [GrantBudgetLine(position=0, description="Delivery",
                                             planned_pence=amount)]
        db.session.add(made)
        db.session.flush()
        return made

    cafe = grant("MCH-001", projects[0], 9_000_00, "Macclesfield Hurdsfield", "Older people",
                 "Hurdsfield Community Centre")
    walk = grant("MCH-002", projects[1], 4_500_00, "Macclesfield Tytherington",
                 "Physical activity", None)
    shed = grant("MCH-003", projects[2], 3_000_00, "Macclesfield Central", "Social isolation",
                 "Macclesfield Men's Shed")
    gone = grant("MCH-004", projects[3], 8_000_00, "Macclesfield Central", "Older people",
                 None, status="withdrawn")
    extra = grant("MCH-005", None, 2_000_00, None, None, "Silk Town Walkers", round_=None,
                  award=date(2026, 3, 1))
    db.session.add_all([
        Tranche(grant_id=cafe.id, position=0, amount_pence=4_500_00, status="released",
                paid_pence=4_500_00, released_on=date(2025, 11, 3)),
        Tranche(grant_id=cafe.id, position=1, amount_pence=4_500_00, status="planned"),
        Tranche(grant_id=walk.id, position=0, amount_pence=4_500_00, status="released",
                paid_pence=4_500_00, released_on=date(2025, 11, 20)),
        Tranche(grant_id=shed.id, position=0, amount_pence=3_000_00, status="released",
                paid_pence=2_000_00, released_on=date(2026, 1, 15)),
        Tranche(grant_id=gone.id, position=0, amount_pence=8_000_00, status="released",
                paid_pence=1_000_00, released_on=date(2025, 11, 3)),
        Tranche(grant_id=extra.id, position=0, amount_pence=2_000_00, status="released",
                paid_pence=2_000_00, released_on=date(2026, 3, 2)),
        Adjustment(grant_id=walk.id, kind="clawed_back", amount_pence=500_00,
                   reason="Sessions stopped for the winter.", on_date=date(2026, 2, 1)),
        Adjustment(grant_id=shed.id, kind="withheld", amount_pence=1_000_00,
                   reason="Tools bought second-hand for less.", on_date=date(2026, 1, 15)),
        SavingsEstimate(grant_id=cafe.id, description="Avoided A&E attendances",
                        quantity=100, amount_pence=14_800_00,
                        method="100 x an avoided A&E attendance at £148."),
    ])
    kpis = {k.code: k for k in programme.kpis}
    cafe.kpi_targets = [KpiTarget(kpi_id=kpis["volunteers"].id, target=12),
                        KpiTarget(kpi_id=kpis["volunteer_hours"].id, target=400)]
    walk.kpi_targets = [KpiTarget(kpi_id=kpis["volunteers"].id, target=6)]

    def monitoring(made, number, status, spend, actuals, outcomes=()):
        ret = MonitoringReturn(grant_id=made.id, number=number, status=status,
                               period_start=date(2025, 11, 1), period_end=date(2026, 1, 31),
                               due_date=date(2026, 2, 28))
        ret.spend = [ReturnSpend(budget_line_id=made.budget_lines[0].id, amount_pence=spend)]
        ret.kpi_actuals = [ReturnKpiActual(kpi_id=kpis[c].id, value=v)
                           for c, v in actuals.items()]
        ret.outcomes = [ReturnOutcome(code=c, status=s) for c, s in outcomes]
        db.session.add(ret)

    monitoring(cafe, 1, "accepted", 3_000_00, {"volunteers": 5, "volunteer_hours": 100},
               [("reduced_isolation", "verified"), ("mental_health", "claimed")])
    monitoring(walk, 1, "accepted", 1_000_00, {"volunteers": 2},
               [("mental_health", "evidenced")])
    monitoring(walk, 2, "accepted", 500_00, {"volunteers": 3})
    monitoring(walk, 3, "submitted", 999_00, {"volunteers": 50})  # not yet accepted
    monitoring(gone, 1, "accepted", 700_00, {"volunteers": 9})  # withdrawn grant

    def ballots(round_, ward, channel, count):
        for _ in range(count):
            n = len(ballots.made)
            voter = Voter(round_id=round_.id, voter_key=f"code:{round_.id}-{n}",
                          channel=channel, ward_id=wards[ward].id if ward else None)
            db.session.add(voter)
            db.session.flush()
            db.session.add(Ballot(round_id=round_.id, voter_id=voter.id, channel=channel,
                                  receipt_hash=f"{round_.id:04d}{n:060d}",
                                  cast_at=utcnow() - timedelta(days=5)))
            ballots.made.append(voter)
    ballots.made = []
    for ward, channel, count in (("Macclesfield Central", "account", 6),
                                 ("Macclesfield Central", "paper", 4),
                                 ("Macclesfield Hurdsfield", "code", 7),
                                 ("Macclesfield Tytherington", "account", 4),
                                 ("Macclesfield South", "account", 1), (None, "account", 1)):
        ballots(decided, ward, channel, count)
    ballots(voting, "Macclesfield Hurdsfield", "account", 6)
    superseded = Ballot(round_id=decided.id, voter_id=ballots.made[0].id, channel="account",
                        receipt_hash="f" * 64, status="superseded")
    db.session.add(superseded)
    for (context, band), count in SCRUTINY_AGES.items():
        for _ in range(count):
            db.session.add(EqualityResponse(context=context, round_id=decided.id,
                                            ward_id=wards["Macclesfield Central"].id,
                                            age_band=band, sex="female",
                                            recorded_on=date(2025, 10, 13)))
    for band, people in (("under-16", 9_000), ("16-24", 5_000), ("25-34", 6_000),
                         ("35-44", 6_000), ("45-54", 7_000), ("55-64", 6_500),
                         ("65-74", 5_500), ("75-plus", 4_000)):
        db.session.add(AreaProfile(area_id=neighbourhood.area.id, field="age_band", category=band,
                                   population=people, source="Census 2021 (test figures)"))
    db.session.commit()
    return {"programme": programme, "decided": decided, "voting": voting,
            "projects": projects, "grants": [cafe, walk, shed, gone, extra]}


# A counted round (results, grants hand-over) ------------------------------------------------

@dataclass
class CountedRound:
    round: object
    projects: list
    voters: list


# Approval ballots: project index -> supporters. Costs (see PROJECTS): 4,500 9,000 3,000
# 6,000 7,500 8,000 against a £20,000 budget.
APPROVALS = [
    [0, 1], [0, 1], [0, 1], [0, 3], [0, 3], [1, 2], [1, 2], [2, 4], [4, 5], [5], [3, 5],
    [0, 2], [1],
]


def build_counted_round(neighbourhood, design="approval", rule="greedy-approval", ballots=APPROVALS,
                        close=True, **settings):
    round_, projects = make_ballot_round(neighbourhood, name=f"Macclesfield {design} vote", design=design,
                                         rule=rule, budget_pence=20_000_00,
                                         max_project_cost_pence=10_000_00, **settings)
    voters = []
    for n, ballot in enumerate(ballots):
        user = make_voter(n)
        if isinstance(ballot, dict):
            choices = {projects[i].id: v for i, v in ballot.items()}
        else:
            choices = {projects[i].id: 1 for i in ballot}
        cast_for(round_, user, choices)
        voters.append(user)
    if close:
        close_voting(round_)
    return CountedRound(round_, projects, voters)
