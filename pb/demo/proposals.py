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

# Line descriptions by kind of project; amounts are split from the cost.
LINES = {
    "cafe": ["Hall hire (weekly, one year)", "Refreshments", "Trained facilitator",
             "Volunteer training (Dementia Friends)"],
    "shed": ["Workshop tools and safety kit", "Timber and materials", "Workshop rent",
             "First aid training"],
    "befriend": ["Volunteer coordinator (part-time)", "Volunteer DBS checks",
                 "Phone and travel costs", "Publicity leaflets"],
    "talk": ["Room hire", "Trained listeners' sessions", "Tea, coffee and cake"],
    "sport": ["Qualified coach", "Pitch or hall hire", "Equipment", "Insurance"],
    "food": ["Ingredients", "Kitchen hire", "Cookery tutor", "Recipe cards and printing"],
    "class": ["Instructor fees", "Venue hire", "Mats and equipment"],
    "care": ["Respite sitters", "Venue and activities", "Transport for carers"],
    "garden": ["Plot rent and tools", "Seeds, compost and plants", "Gardening therapist",
               "Accessible raised beds"],
    "youth": ["Peer mentor training", "Youth worker sessions", "Venue hire",
              "Wellbeing resources"],
    "travel": ["Minibus hire", "Volunteer drivers' expenses", "Booking line"],
    "digital": ["Tablets and data", "Tutor sessions", "Room hire"],
}
WEIGHTS = {2: (0.6, 0.4), 3: (0.5, 0.3, 0.2), 4: (0.4, 0.3, 0.2, 0.1),
           5: (0.35, 0.25, 0.2, 0.1, 0.1)}

# (title, summary, kind, organisation, wards (None = whole area), themes, outcomes, cost £)
DECISION_DAY = [
    ("Hurdsfield Dementia Café", "A weekly café where people living with dementia and their "
     "carers meet, chat and get advice.", "cafe", "Macclesfield Dementia Friends",
     ["Macclesfield Hurdsfield"], ["Dementia", "Older people"],
     ["social_isolation", "community_wellbeing"], 4800),
    ("Macclesfield Men's Shed", "Tools and a workshop so men can make, mend and talk "
     "shoulder to shoulder.", "shed", "Macclesfield Men's Shed", None,
     ["Social isolation", "Mental health"], ["social_isolation", "mental_health"], 7250),
    ("Silk Town Befriending Network", "Volunteers who visit or phone older people living "
     "alone every week.", "befriend", "Age UK Cheshire East (Macclesfield)", None,
     ["Social isolation", "Older people"], ["social_isolation", "hospital_admissions"], 6400),
    ("Time to Talk Drop-in", "A friendly drop-in with trained listeners for anyone who "
     "needs to talk.", "talk", "Talking Spaces Macclesfield", ["Macclesfield Central"],
     ["Mental health"], ["mental_health"], 3900),
    ("Walking Football for Over-50s", "Weekly walking football sessions at Moss Rose for "
     "older players.", "sport", "Macclesfield Town Football Community Trust", None,
     ["Physical activity", "Older people"], ["physical_activity", "social_isolation"], 3450),
    ("Cook and Eat Together", "Six-week courses cooking healthy meals on a budget, then "
     "eating together.", "food", "Moss Rose Community Kitchen", ["Macclesfield South"],
     ["Healthy eating"], ["healthy_eating", "community_wellbeing"], 5600),
    ("Parent and Toddler Yoga", "Gentle yoga for parents and toddlers at the Ivy Meadow "
     "hall.", "class", "Ivy Meadow Toddlers", ["Macclesfield West and Ivy"],
     ["Children and families", "Physical activity"], ["physical_activity", "mental_health"],
     2400),
    ("Carers' Respite Afternoons", "Monthly afternoons off for unpaid carers, with sitters "
     "for the people they look after.", "care", "East Cheshire Carers' Network", None,
     ["Carers"], ["mental_health", "community_wellbeing"], 8900),
    ("Bollin Valley Allotment Therapy", "Supported gardening sessions for people recovering "
     "from illness or low mood.", "garden", "Bollin Valley Allotment Society",
     ["Macclesfield Tytherington"], ["Mental health", "Physical activity"],
     ["mental_health", "physical_activity", "healthy_eating"], 6750),
    ("Chair-Based Exercise Classes", "Seated exercise classes in sheltered housing "
     "lounges.", "class", "Peaks and Plains Housing Trust Tenants' Forum", None,
     ["Older people", "Physical activity"], ["physical_activity", "hospital_admissions"],
     3200),
    ("Youth Mental Health Peer Support", "Young people trained to support each other, "
     "with youth workers on hand.", "youth", "Upton Priory Youth Club",
     ["Broken Cross and Upton"], ["Mental health", "Children and families"],
     ["mental_health"], 9500),
    ("Weston Community Fridge", "A shared fridge and weekly food swap on the Weston "
     "estate.", "food", "Weston Estate Residents' Association", ["Macclesfield West and Ivy"],
     ["Healthy eating"], ["healthy_eating", "community_wellbeing"], 5150),
    ("Silver Surfers Digital Help", "Help for older residents to book GP appointments and "
     "video-call family online.", "digital", "Hurdsfield Community Centre",
     ["Macclesfield Hurdsfield"], ["Older people", "Social isolation"],
     ["social_isolation"], 4300),
    ("Christ Church Bereavement Café", "A monthly café for people who have lost someone "
     "close.", "cafe", "Christ Church Macclesfield", ["Macclesfield Central"],
     ["Mental health"], ["mental_health", "social_isolation"], 3650),
    ("Tytherington Green Gym", "Volunteer conservation sessions that keep people fit "
     "outdoors.", "garden", "Tytherington Family Hub", ["Macclesfield Tytherington"],
     ["Physical activity"], ["physical_activity", "community_wellbeing"], 5900),
    ("Dance for Parkinson's", "Weekly dance classes for people with Parkinson's and their "
     "partners.", "class", "Christ Church Macclesfield", None,
     ["Physical activity", "Older people"], ["physical_activity", "mental_health"], 6200),
    ("Community Transport to Health Appointments", "Volunteer drivers taking people who "
     "cannot travel alone to clinics.", "travel", "Age UK Cheshire East (Macclesfield)",
     None, ["Older people"], ["hospital_admissions", "social_isolation"], 9800),
    # Not funded at the decision day.
    ("West Park Outdoor Gym", "Outdoor gym equipment beside the West Park play area.",
     "sport", None, ["Macclesfield West and Ivy"], ["Physical activity"],
     ["physical_activity"], 9950),
    ("Mental Health First Aid Training", "Training 40 residents as mental health first "
     "aiders.", "talk", "Talking Spaces Macclesfield", None, ["Mental health"],
     ["mental_health"], 4600),
    ("Upton Sensory Garden", "A sensory garden for children and adults with additional "
     "needs.", "garden", None, ["Broken Cross and Upton"], ["Children and families"],
     ["community_wellbeing", "mental_health"], 7800),
    ("Silk Town Cycle Library", "Free bike loans and cycle confidence rides.", "sport",
     "Silk Town Walkers", None, ["Physical activity"], ["physical_activity"], 5250),
    ("Junior Sports Kit Bank", "Pre-loved football boots and kit for children whose "
     "families cannot afford them.", "sport", None, ["Macclesfield South"],
     ["Children and families", "Physical activity"], ["physical_activity"], 4150),
]
DECISION_DAY_FUNDED = tuple(spec[0] for spec in DECISION_DAY[:17])

# Last year's online vote: projects £500 to £6,000, £40,000 in all.
PAST = [
    ("Hurdsfield Chatty Café", "A Wednesday café where anyone can drop in for a cuppa and a "
     "chat.", "cafe", "Hurdsfield Community Centre", ["Macclesfield Hurdsfield"],
     ["Social isolation", "Older people"], ["social_isolation", "community_wellbeing"], 3200,
     "shortlisted", ""),
    ("Parkrun Buddies", "Volunteers who walk or jog the Saturday parkrun with people "
     "starting out.", "sport", "Silk Town Walkers", None, ["Physical activity"],
     ["physical_activity", "mental_health"], 1850, "shortlisted", ""),
    ("Weston Slow Cooker Club", "Slow cookers and a six-week course in cheap, healthy "
     "one-pot meals.", "food", "Weston Estate Residents' Association",
     ["Macclesfield West and Ivy"], ["Healthy eating"], ["healthy_eating",
     "community_wellbeing"], 2750, "shortlisted", ""),
    ("Carers' Wellbeing Walks", "Gentle fortnightly walks for unpaid carers, with a "
     "sitting service at home.", "care", "East Cheshire Carers' Network", None,
     ["Carers", "Physical activity"], ["mental_health", "physical_activity"], 2400,
     "shortlisted", ""),
    ("Tytherington Stay and Play", "Free weekly play sessions for under-fives and a "
     "cuppa for their grown-ups.", "class", "Tytherington Family Hub",
     ["Macclesfield Tytherington"], ["Children and families"], ["community_wellbeing",
     "mental_health"], 4600, "shortlisted", ""),
    ("Memory Lane Reminiscence Group", "Old photos, music and objects to spark memories "
     "and conversation.", "cafe", "Macclesfield Dementia Friends", ["Macclesfield Central"],
     ["Dementia", "Older people"], ["social_isolation", "mental_health"], 3900,
     "shortlisted", ""),
    ("Upton Holiday Activities and Food", "Sport, crafts and a hot lunch for children in "
     "the school holidays.", "youth", "Upton Priory Youth Club", ["Broken Cross and Upton"],
     ["Children and families", "Healthy eating"], ["healthy_eating", "physical_activity"],
     5800, "shortlisted", ""),
    ("Men's Health at Moss Rose", "Football sessions for men with a health check and a "
     "chat at half-time.", "sport", "Macclesfield Town Football Community Trust",
     ["Macclesfield South"], ["Physical activity", "Mental health"],
     ["physical_activity", "hospital_admissions"], 5400, "shortlisted", ""),
    ("Singing for Better Breathing", "A weekly singing group for people with COPD and "
     "other lung conditions.", "class", "Christ Church Macclesfield", None,
     ["Older people", "Physical activity"], ["hospital_admissions", "social_isolation"],
     2950, "shortlisted", ""),
    ("Tea and Tech in Sheltered Housing", "Help with phones and tablets over tea in the "
     "sheltered housing lounges.", "digital", "Peaks and Plains Housing Trust Tenants' Forum",
     ["Macclesfield West and Ivy"], ["Older people", "Social isolation"],
     ["social_isolation"], 3350, "shortlisted", ""),
    # Not funded in the vote.
    ("Broken Cross Outdoor Table Tennis", "Two all-weather table tennis tables in the "
     "park.", "sport", None, ["Broken Cross and Upton"], ["Physical activity"],
     ["physical_activity"], 4950, "shortlisted", ""),
    ("South Macclesfield Allotment Kitchen", "An outdoor kitchen at the allotments to cook "
     "what is grown.", "garden", None, ["Macclesfield South"], ["Healthy eating"],
     ["healthy_eating", "community_wellbeing"], 5600, "shortlisted", ""),
    ("Mindfulness for Beginners", "Eight-week mindfulness courses in the evenings.",
     "talk", "Talking Spaces Macclesfield", None, ["Mental health"], ["mental_health"],
     4400, "shortlisted", ""),
    ("Hurdsfield Bike Repair Workshop", "Volunteers teaching people to fix up donated "
     "bikes.", "shed", None, ["Macclesfield Hurdsfield"], ["Physical activity"],
     ["physical_activity", "community_wellbeing"], 4250, "shortlisted", ""),
    ("New Roof for the Scout Hut", "Replacing the leaking roof of the Upton scout hut.",
     "shed", None, ["Broken Cross and Upton"], ["Children and families"],
     ["community_wellbeing"], 5950, "ineligible", "Roof repairs are building works, which "
     "the fund cannot pay for; activities held in the hut would be eligible."),
]
PAST_FUNDED = tuple(spec[0] for spec in PAST[:10])

# The round in its vote: ward budgets £6,000, projects £500 to £8,000.
OPEN_VOTE = [
    ("Hurdsfield Knit and Natter", "A weekly knitting circle with tea and company.", "cafe",
     "Hurdsfield Community Centre", ["Macclesfield Hurdsfield"], ["Social isolation"],
     ["social_isolation"], 1850, "shortlisted", ""),
    ("Hurdsfield Healthy Breakfast Club", "Free healthy breakfasts for children before "
     "school.", "food", None, ["Macclesfield Hurdsfield"], ["Children and families",
     "Healthy eating"], ["healthy_eating"], 3900, "shortlisted", ""),
    ("Central Lunch Club for Older People", "A hot two-course lunch and company every "
     "Thursday.", "food", "Christ Church Macclesfield", ["Macclesfield Central"],
     ["Older people", "Healthy eating"], ["social_isolation", "healthy_eating"], 4500,
     "shortlisted", ""),
    ("Central Library Reading Friends", "Volunteers reading with isolated older people.",
     "befriend", None, ["Macclesfield Central"], ["Social isolation"], ["social_isolation"],
     1200, "shortlisted", ""),
    ("Tytherington Buggy Walks", "Led walks for new parents with buggies.", "sport",
     "Tytherington Family Hub", ["Macclesfield Tytherington"], ["Children and families",
     "Physical activity"], ["physical_activity", "mental_health"], 950, "shortlisted", ""),
    ("Tytherington Forest School Saturdays", "Outdoor learning for families at the "
     "woods.", "garden", "Tytherington Family Hub", ["Macclesfield Tytherington"],
     ["Children and families"], ["physical_activity", "community_wellbeing"], 5200,
     "shortlisted", ""),
    ("South Macclesfield Boxing Fitness", "Non-contact boxing fitness for teenagers.",
     "sport", None, ["Macclesfield South"], ["Physical activity", "Mental health"],
     ["physical_activity", "mental_health"], 3300, "shortlisted", ""),
    ("Weston Estate Community Garden", "Raised beds and a polytunnel for residents to "
     "grow food.", "garden", "Weston Estate Residents' Association",
     ["Macclesfield West and Ivy"], ["Healthy eating"], ["healthy_eating",
     "community_wellbeing"], 5800, "shortlisted", ""),
    ("Upton Priory Youth Wellbeing Nights", "Friday youth nights with a wellbeing "
     "worker.", "youth", "Upton Priory Youth Club", ["Broken Cross and Upton"],
     ["Mental health", "Children and families"], ["mental_health"], 4750, "shortlisted",
     ""),
    ("Broken Cross Bowls Taster Days", "Free bowls sessions for people new to the "
     "sport.", "sport", "Broken Cross Bowls Club", ["Broken Cross and Upton"],
     ["Physical activity", "Older people"], ["physical_activity", "social_isolation"], 800,
     "shortlisted", ""),
    ("Macclesfield Carers' Cafés", "Monthly cafés in three venues for unpaid carers.",
     "cafe", "East Cheshire Carers' Network", None, ["Carers"],
     ["mental_health", "social_isolation"], 7600, "shortlisted", ""),
    ("Men's Mental Health Walk and Talk", "Fortnightly walks for men to talk things "
     "through.", "talk", "Silk Town Walkers", None, ["Mental health", "Physical activity"],
     ["mental_health", "physical_activity"], 2100, "shortlisted", ""),
    ("Dementia-Friendly Cinema", "Monthly relaxed film screenings with tea.", "cafe",
     "Macclesfield Dementia Friends", None, ["Dementia"], ["social_isolation",
     "community_wellbeing"], 3450, "shortlisted", ""),
    ("Falls Prevention Strength Classes", "Strength and balance classes to prevent "
     "falls.", "class", "Age UK Cheshire East (Macclesfield)", None, ["Older people"],
     ["hospital_admissions", "physical_activity"], 6900, "shortlisted", ""),
    ("New Car Park for the Leisure Centre", "Resurfacing the leisure centre car park.",
     "sport", None, ["Macclesfield Central"], ["Physical activity"], ["physical_activity"],
     5900, "ineligible", "Car park works are capital maintenance for the council, not a "
     "community health project, so the fund cannot pay for them."),
    ("Private Gym Memberships", "Paying for a year of gym membership for 20 residents.",
     "sport", None, None, ["Physical activity"], ["physical_activity"], 7800, "ineligible",
     "The fund cannot pay for individual memberships of a private business; a group "
     "activity open to everyone would be eligible."),
    ("South Macclesfield Walking Group", "A weekly walking group from the South "
     "Macclesfield library.", "sport", None, ["Macclesfield South"], ["Physical activity"],
     ["physical_activity"], 700, "withdrawn", "The group found funding from the parish "
     "council instead."),
    ("Knitting Group for Hurdsfield", "A knitting and chat group at the community "
     "centre.", "cafe", None, ["Macclesfield Hurdsfield"], ["Social isolation"],
     ["social_isolation"], 1400, "merged", "Same idea as Hurdsfield Knit and Natter; the "
     "two groups will run it together."),
]

# The round taking proposals: projects £300 to £2,500.
TAKING = [
    ("Hurdsfield Street Games", "Play streets twice a month so children can play out "
     "safely.", "sport", "Hurdsfield Community Centre", ["Macclesfield Hurdsfield"],
     ["Children and families", "Physical activity"], ["physical_activity",
     "community_wellbeing"], 1450, "submitted", "", "resident"),
    ("Moss Rose Soup and Chat", "A Tuesday soup lunch where neighbours get to know each "
     "other.", "food", "Moss Rose Community Kitchen", ["Macclesfield South"],
     ["Healthy eating", "Social isolation"], ["healthy_eating", "social_isolation"], 980,
     "submitted", "", None),
    ("Ivy Meadow Baby Massage", "Baby massage classes for new parents.", "class",
     "Ivy Meadow Toddlers", ["Macclesfield West and Ivy"], ["Children and families"],
     ["mental_health", "community_wellbeing"], 620, "submitted", "", None),
    ("Central Singing for the Brain", "A singing group for people with memory loss.",
     "cafe", "Macclesfield Dementia Friends", ["Macclesfield Central"], ["Dementia"],
     ["social_isolation", "mental_health"], 1800, "under_review", "", None),
    ("Tytherington Bat Walk and Nature Club", "Evening nature walks for families.", "garden",
     None, ["Macclesfield Tytherington"], ["Physical activity", "Children and families"],
     ["physical_activity"], 450, "under_review", "", None),
    ("Upton Repair Café", "Monthly repair café where volunteers fix things and people "
     "chat.", "shed", None, ["Broken Cross and Upton"], ["Social isolation"],
     ["social_isolation", "community_wellbeing"], 2300, "needs_changes",
     "Please split the tools line into what you will buy and say who will keep the tools "
     "safe between sessions.", None),
    ("West and Ivy Seated Tai Chi", "Seated tai chi in the sheltered housing lounge.",
     "class", "Peaks and Plains Housing Trust Tenants' Forum", ["Macclesfield West and Ivy"],
     ["Older people", "Physical activity"], ["physical_activity", "hospital_admissions"],
     1100, "eligible", "", None),
    ("Macclesfield Men's Cooking Club", "Men learning to cook simple healthy meals "
     "together.", "food", "Macclesfield Men's Shed", None, ["Healthy eating",
     "Social isolation"], ["healthy_eating", "social_isolation"], 2150, "eligible", "",
     None),
    ("Hurdsfield Community Noticeboard", "A weatherproof noticeboard for local health "
     "events.", "digital", None, ["Macclesfield Hurdsfield"], ["Social isolation"],
     ["community_wellbeing"], 520, "draft", "", "resident"),
    ("Bollin Valley Litter Pick and Picnic", "Monthly litter picks followed by a shared "
     "picnic.", "garden", None, ["Macclesfield Tytherington"], ["Physical activity"],
     ["physical_activity", "community_wellbeing"], 380, "draft", "", "supporter"),
]
# Handed in on paper at the Hurdsfield drop-in and typed in by an officer.
PAPER = ("Hurdsfield Pensioners' Tea Dance", "A monthly tea dance with a live pianist.",
         "cafe", None, ["Macclesfield Hurdsfield"], ["Older people", "Social isolation"],
         ["social_isolation", "physical_activity"], 900, "submitted", "", "Edna Pollitt")


def _split(cost_pounds: int, kind: str, count: int) -> list[tuple[str, int]]:
    names = LINES[kind][:count]
    weights = WEIGHTS[len(names)]
    pence = cost_pounds * 100
    amounts = [max(int(pence * w) // 1000 * 1000, 1000) for w in weights[:-1]]
    amounts.append(pence - sum(amounts))
    return list(zip(names, amounts))


def _description(title: str, summary: str, organisation: str | None) -> str:
    who = organisation or "a group of local residents"
    return (f"{summary}\n\n## What will happen\n\n{title} will be run by {who}. Sessions are "
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
    description = _description(title, summary, org)
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
        at = min(when + timedelta(days=2 + 3 * step), utcnow()) if step else when
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
