"""Demo grants: the decision day's 17 funded projects as grants in varied states, last
year's online vote's 10 (``pb.demo.grants_past``), and the two programmes reproducing the
seed tables (``pb.demo.grants_tables``).

The decision day's certification made 17 draft grants (pb.results hands them over); this
step puts them in the "Macclesfield Community Health Grants" programme and plays out
their first year: agreements, payments, returns (accepted, sent back, late, missing),
a red grant, an overridden RAG, an offer awaiting acceptance and an untouched draft.
Dates are set back from today so the states hold whenever the demo runs. A second demo
grant officer (grants2@) set most of them up, so grants@ can release their payments.

Idempotent: a grant is played out only while it is still an untouched draft, and the
programmes are keyed on their names.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from pb.demo import grants_build as build
from pb.demo.grants_build import Plan
from pb.extensions import db
from pb.grants.common import today
from pb.grants.handover import create_draft_grants
from pb.models import (
    Grant,
    Programme,
    ProgrammeKpi,
    Role,
    RoleAssignment,
    SavingsEstimate,
    UnitCost,
    User,
)
from pb.models.base import utcnow
from pb.models.result import RoundResult
from pb.passwords import hash_password

DEMO_DOMAIN = "demo.pb.localhost"
SECOND_OFFICER = ("grants2", "Sam", "demo-grants2-silk-2026")
PROGRAMME = "Macclesfield Community Health Grants"

KPIS = [
    ("participants", "People taking part", "people", "sum", True,
     "Attendances at sessions in the period (a person coming twice counts twice)."),
    ("sessions", "Sessions delivered", "sessions", "sum", True,
     "Sessions, classes, cafés or trips that went ahead."),
    ("volunteers", "Volunteers recruited, trained and mentored", "people", "sum", True,
     "New volunteers who completed their induction."),
    ("volunteer_hours", "Volunteering hours completed", "hours", "sum", False,
     "Hours given by volunteers, from the sign-in sheets."),
]
UNIT_COSTS = [
    ("ae_attendance", "An avoided A&E attendance", 148_00, "NHS",
     "GMCA Unit Cost Database v2.0, A&E attendance (illustrative demo value)"),
    ("admission", "An avoided non-elective hospital admission", 1_863_00, "NHS",
     "GMCA Unit Cost Database v2.0, non-elective admission (illustrative demo value)"),
    ("gp_appointment", "An avoided GP appointment", 39_00, "NHS",
     "PSSRU Unit Costs of Health and Social Care, GP consultation (illustrative demo value)"),
]

# title -> scenario. 3 closed, 1 final return to review, 5 on track, 1 sent back, 2 late,
# 1 very late, 1 red on KPIs, 1 overridden, 1 offered, 1 draft.
SCENARIOS = {
    "Macclesfield Men's Shed": "closed",
    "Parent and Toddler Yoga": "closed",
    "Christ Church Bereavement Café": "closed",
    "Walking Football for Over-50s": "to_review",
    "Hurdsfield Dementia Café": "on_track",
    "Time to Talk Drop-in": "on_track",
    "Cook and Eat Together": "payment_due",
    "Chair-Based Exercise Classes": "on_track",
    "Tytherington Green Gym": "on_track",
    "Silver Surfers Digital Help": "sent_back",
    "Weston Community Fridge": "late",
    "Dance for Parkinson's": "late",
    "Community Transport to Health Appointments": "very_late",
    "Youth Mental Health Peer Support": "kpi_red",
    "Carers' Respite Afternoons": "overridden",
    "Bollin Valley Allotment Therapy": "offered",
    "Silk Town Befriending Network": "draft",
}
# (description, unit cost code, a year) for the grants that have estimated savings.
SAVINGS = {
    "Community Transport to Health Appointments": [
        ("Missed outpatient appointments turned into attended ones, avoiding A&E visits",
         "ae_attendance", 40)],
    "Chair-Based Exercise Classes": [("Falls avoided among regular attenders", "admission", 3)],
    "Hurdsfield Dementia Café": [("GP visits avoided by carers getting advice at the café",
                                  "gp_appointment", 60)],
    "Time to Talk Drop-in": [("GP visits for low mood avoided", "gp_appointment", 80),
                             ("Crisis A&E attendances avoided", "ae_attendance", 6)],
}


def _user(local: str) -> User | None:
    return User.by_email(f"{local}@{DEMO_DOMAIN}")


def _second_officer(partnership) -> User:
    local, name, password = SECOND_OFFICER
    user = _user(local)
    if user is None:
        user = User(email=f"{local}@{DEMO_DOMAIN}", display_name=name,
                    password_hash=hash_password(password), email_verified_at=utcnow(),
                    postcode="SK11 6DR")
        user.roles.append(RoleAssignment(role=Role.RESIDENT))
        db.session.add(user)
        db.session.flush()
    if not user.has_role(Role.GRANT_OFFICER, partnership_id=partnership.id):
        db.session.add(RoleAssignment(user_id=user.id, role=Role.GRANT_OFFICER,
                                      partnership_id=partnership.id))
        db.session.flush()
    return user


def programme_with_catalogue(name, partnership, kpis, unit_costs=(), **values) -> Programme:
    programme = db.session.scalar(select(Programme).where(Programme.name == name))
    if programme is not None:
        return programme
    outcomes = values.pop("outcomes", [])
    programme = Programme(name=name, partnership_id=partnership.id, **values)
    programme.outcome_codes = outcomes
    programme.kpis = [ProgrammeKpi(code=c, name=n, unit=u, aggregation=a, required=r,
                                   definition=d, position=i)
                      for i, (c, n, u, a, r, d) in enumerate(kpis)]
    programme.unit_costs = [UnitCost(code=c, name=n, cost_pence=p, beneficiary=b, source=s,
                                     position=i)
                            for i, (c, n, p, b, s) in enumerate(unit_costs)]
    db.session.add(programme)
    db.session.flush()
    return programme


def seed(area, partnership, rounds) -> None:
    from pb.demo import ROUND_DECISION_DAY, ROUND_OPEN_VOTE, ROUND_PAST
    from pb.demo.grants_past import seed_past_grants
    from pb.demo.grants_tables import seed_tables

    officer, officer2 = _user("grants"), _second_officer(partnership)
    programme = programme_with_catalogue(
        PROGRAMME, partnership, KPIS, UNIT_COSTS,
        funder="Cheshire East Council Public Health (Lifestyle Area Fund)",
        description="The money Macclesfield residents allocate at decision days and in online "
                    "votes, paid to the groups that deliver the winning projects.",
        budget_pence=200_000_00, start_year=2024, end_year=2027,
        savings_method="Savings to statutory services per year, estimated for each grant "
                       "as a count of avoided events (from attendance records and the "
                       "groups' returns) times the unit costs below. No deadweight or "
                       "attribution adjustment is applied, so the figures are upper "
                       "estimates. The ratio is total estimated savings divided by total "
                       "cost, over every grant in the programme.",
        outcomes=["reduced_isolation", "mental_health", "fewer_ae_attendances",
                  "fewer_admissions", "community_wellbeing", "physical_activity",
                  "healthy_eating"])
    decision = rounds[ROUND_DECISION_DAY]
    programme.rounds = sorted({rounds[ROUND_PAST], decision, rounds[ROUND_OPEN_VOTE],
                               *programme.rounds}, key=lambda r: r.id)
    seed_past_grants(rounds[ROUND_PAST], programme, officer=officer, officer2=officer2,
                     grantee_for=_grantee_for)
    result = db.session.scalar(select(RoundResult).where(RoundResult.round_id == decision.id))
    if result is not None and result.is_certified:
        create_draft_grants(decision, result, _user("officer2"))
    grants = db.session.scalars(select(Grant).where(Grant.round_id == decision.id)
                                .order_by(Grant.id)).all()
    for grant in grants:
        if grant.programme_id is None:
            grant.programme_id = programme.id
        scenario = SCENARIOS.get(grant.title, "draft")
        if grant.status == "draft" and grant.agreement_issued_at is None:
            # The demo backdates the certification (pb.demo.voting): award on that day.
            grant.award_date = result.certified_at.date()
            if scenario != "draft":
                play(grant, programme, scenario, officer=officer, officer2=officer2)
    db.session.flush()
    seed_tables(area, partnership, officer, officer2)


# Playing out a decision-day grant -----------------------------------------------------------

def _start(grant) -> date:
    """About 13 months ago, but never before the decision day's award."""
    return max(grant.award_date + timedelta(days=21), today() - timedelta(days=395))


def play(grant, programme, scenario: str, *, officer, officer2) -> None:
    from pb.demo.grants_scenarios import plan_for, play_returns

    grantee = _grantee_for(grant)
    months = 9 if scenario == "closed" else 12 if scenario == "to_review" else 24
    plan = Plan(_start(grant), months, 3, plan_for(scenario))
    # grants2 set most grants up, so the demo grant officer (grants@) can release them;
    # the Dementia Café shows the two-person rule from grants@'s side.
    set_up_by = officer if grant.title == "Hurdsfield Dementia Café" else officer2
    yearly = grant.amount_pence // 100 // 50
    _agreement(grant, programme, plan, set_up_by, grantee, scenario, yearly, months)
    if scenario == "offered":
        return
    play_returns(grant, scenario, officer=officer, officer2=officer2, grantee=grantee)
    units = {u.code: u for u in programme.unit_costs}
    for description, code, count in SAVINGS.get(grant.title, []):
        unit = units[code]
        grant.savings.append(SavingsEstimate(
            description=description, unit_cost_id=unit.id, quantity=count,
            amount_pence=count * unit.cost_pence, recorded_by_id=officer.id,
            method=f"{count} × {unit.name} at £{unit.cost_pence // 100:,}. Source: {unit.source}"))


def _agreement(grant, programme, plan, set_up_by, grantee, scenario, yearly, months) -> None:
    quarters = months // 3
    per_quarter = {"participants": yearly * 2, "sessions": 10, "volunteers": max(1, yearly // 40),
                   "volunteer_hours": yearly * 3 // 4}
    targets = {code: value * quarters for code, value in per_quarter.items()}
    build.agree(grant, programme, plan, officer=set_up_by, grantee=grantee, targets=targets,
                milestones=[("Venue booked, volunteers inducted, first session held", 35),
                            ("Three months of regular sessions", 100),
                            ("Halfway: review with participants", months * 15),
                            ("Celebration event and final evaluation", months * 30 - 20)],
                accepted=scenario != "offered")


def _grantee_for(grant) -> User | None:
    if grant.organisation_id is None:
        return None
    return db.session.scalar(select(User).join(RoleAssignment, RoleAssignment.user_id == User.id).where(
        RoleAssignment.role == Role.GRANTEE,
        RoleAssignment.organisation_id == grant.organisation_id).order_by(User.id).limit(1))
