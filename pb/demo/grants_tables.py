"""The seed tables, reproduced through pb's own data.

- "Delivering Differently in Macclesfield": seven resident-led services whose grants,
  funding lines and savings estimates give the evaluation's Table A3 row by row (cost
  £25,703 a year, estimated savings £238,132, about £9.26 saved per £1, which the report
  rounded down to "£9 can be saved").
- "Healthy Neighbours": two sites whose four quarterly returns each add up to the seed's
  KPI table, site by site (volunteers 43/32, hours 1,070/1,046 ...).

Idempotent: each programme is made, with its grants, only when missing.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from pb.demo import grants_build as build
from pb.demo.grants import programme_with_catalogue
from pb.demo.grants_build import Plan, Report
from pb.extensions import db
from pb.models import (
    Area,
    FundingLine,
    Grant,
    GrantBudgetLine,
    Organisation,
    Partnership,
    Programme,
    Role,
    RoleAssignment,
    SavingsEstimate,
)

DDIM = "Delivering Differently in Macclesfield"
DDIM_METHOD = (
    "Savings to statutory services per year, estimated by the Delivering Differently in "
    "Macclesfield evaluation (March 2016 to March 2017) for each resident-led service from "
    "its estimated outcomes, and entered here as the evaluation published them (its Table "
    "A3). Costs are each service's cost to deliver per year, by funding route. The ratio is "
    "total estimated savings divided by total cost; it is an estimate, not cashable savings.")
DDIM_NOTE = (
    "The evaluation report quoted this as “for every £1 spent on resident led initiatives, "
    "£9 can be saved”: £238,132 ÷ £25,703 = £9.26, which the report rounded down to whole "
    "pounds. (The report's text calls the table “Table A4”; its appendix labels it A3.)")
# (activity, provider, outcome codes, cost £, funding lines [(route, source, £ or None)],
#  savings £)
DDIM_ROWS = [
    ("Smoking Cessation Resident Led Groups", "Local residents, supported by Healthbox",
     ["mental_health", "fewer_ae_attendances", "fewer_admissions",
      "individual_family_wellbeing"], 3_608,
     [("public_health_contract", "Public Health OneYou contract", 3_608)], 20_788),
    ("CBT Support Group", "Local residents",
     ["mental_health", "fewer_ae_attendances", "fewer_admissions",
      "individual_family_wellbeing"], 1_625, [("pb", "", 1_625)], 32_216),
    ("Tinytearaways (mums n tots, health theme)", "Local residents",
     ["community_wellbeing", "childrens_wellbeing", "reduced_isolation"], 850,
     [("pb", "", 850)], 9_272),
    ("Life Programme (addictive behaviours, isolation)",
     "Local volunteers, supported by Reach out and Recovery",
     ["reduced_crime", "reduced_dependency", "fewer_admissions",
      "individual_family_wellbeing"], 10_000, [("external", "", 10_000)], 117_105),
    ("Mental Health Awareness Training", "Local residents",
     ["health_in_work", "mental_health"], 2_520,
     [("council_programme", "DDiM support", 2_520)], 16_183),
    ("The Green in the Corner Dementia Cafe", "Local residents",
     ["health_in_work", "individual_family_wellbeing", "community_wellbeing"], 6_000,
     [("council_programme", "DDiM support", None), ("pb", "", None)], 29_551),
    ("Weston Memories (reminiscence group)", "Local residents",
     ["mental_health", "individual_family_wellbeing", "community_wellbeing"], 1_100,
     [("council_programme", "DDiM support", 1_100)], 13_017),
]

HEALTHY_NEIGHBOURS = "Healthy Neighbours"
HN_PARTNERSHIP = "Healthy Neighbours Partnership (Torus Foundation)"
# (code, name, unit, achieved at Granby Toxteth, achieved at Daneville)
HN_KPIS = [
    ("volunteers", "Volunteers recruited, trained and mentored", "people", 43, 32),
    ("volunteer_hours", "Volunteering hours completed", "hours", 1_070, 1_046),
    ("households", "Households meaningfully engaged", "households", 387, 272),
    ("contacts", "Contacts made to engage and promote", "contacts", 1_271, 1_243),
    ("campaigns", "Public health campaigns", "count", 6, 5),
    ("courses", "Health promotion courses/weekly activity", "count", 9, 9),
    ("consultation_events", "Large scale consultation events", "count", 7, 8),
]
HN_SITES = [("Granby Toxteth", "FFD Granby Toxteth", 3), ("Daneville", "FFD Daneville", 4)]
QUARTER_WEIGHTS = (20, 25, 27)  # percent in Q1-Q3; Q4 takes the rest


def seed_tables(area, partnership, officer, officer2) -> None:
    _ddim(area, partnership, officer, officer2)
    _healthy_neighbours(officer, officer2)


def _grant(reference, title, summary, programme, area, amount_pence, **values) -> Grant:
    grant = Grant(reference=reference, title=title, summary=summary,
                  programme_id=programme.id, partnership_id=programme.partnership_id,
                  area_id=area.id, amount_pence=amount_pence, status="draft", **values)
    db.session.add(grant)
    return grant


def _ddim(area, partnership, officer, officer2) -> None:
    if db.session.scalar(select(Programme.id).where(Programme.name == DDIM)):
        return
    programme = programme_with_catalogue(
        DDIM, partnership, [], funder="Cheshire East Council (Delivering Differently in "
        "Neighbourhoods pilot)", budget_pence=25_703_00, start_year=2016, end_year=2017,
        description="Resident-led services in Macclesfield, supported by the council's "
                    "Delivering Differently in Neighbourhoods pilot (DDiM), public health "
                    "contracts, participatory budgeting and external funding.",
        savings_method=DDIM_METHOD, ratio_note=DDIM_NOTE,
        outcomes=sorted({code for row in DDIM_ROWS for code in row[2]}))
    for index, (title, provider, codes, cost, lines, saving) in enumerate(DDIM_ROWS, 1):
        grant = _grant(f"DDIM-2016-{index:02d}", title, f"{title}, run by {provider.lower()}.",
                       programme, area, cost * 100, delivered_by=provider,
                       award_date=date(2016, 2, 15))
        grant.outcome_codes = codes
        grant.budget_lines = [GrantBudgetLine(position=0, description="Running the service "
                                              "for a year", planned_pence=cost * 100)]
        grant.funding_lines = [FundingLine(position=i, route=route, source_name=source,
                                           amount_pence=amount * 100 if amount else None)
                               for i, (route, source, amount) in enumerate(lines)]
        grant.savings = [SavingsEstimate(
            description="Savings to statutory services (the evaluation's estimate)",
            amount_pence=saving * 100, method=DDIM_METHOD, recorded_by_id=officer.id)]
        db.session.flush()
        build.agree(grant, programme, Plan(date(2016, 3, 1), 12, 0, ((100, "signing", None),)),
                    officer=officer2, grantee=None, targets={}, milestones=[])
        build.release(grant, grant.tranches[0], date(2016, 3, 3), officer)
        ret = grant.returns[0]
        build.fill(grant, ret, Report(kpis={}, spend_share=1.0, narrative=(
            f"{title} ran through the year. Outputs and outcomes are in the DDiM evaluation "
            "report (March 2016 to March 2017)."), public_update=f"{title} ran all year."),
            by=None, wards=[], evidence=False)
        build.accept(ret, date(2017, 4, 10), officer)
        grant.status = "closed"
        grant.closed_at, grant.closed_by_id = build.at(date(2017, 4, 20)), officer.id
        grant.close_note = "Year one complete; reported in the DDiM evaluation."
    db.session.flush()


def _hn_partnership(officer, officer2) -> tuple[Partnership, dict[str, Area]]:
    areas = {}
    for name, _org, _n in HN_SITES:
        areas[name] = db.session.scalar(select(Area).where(Area.name == name)) or Area(
            name=name, description=f"{name}, Liverpool: a Healthy Neighbours site.")
        db.session.add(areas[name])
    db.session.flush()
    partnership = db.session.scalar(select(Partnership).where(
        Partnership.name == HN_PARTNERSHIP))
    if partnership is None:
        partnership = Partnership(name=HN_PARTNERSHIP, area_id=areas["Granby Toxteth"].id,
                                  description="Torus Foundation's Healthy Neighbours sites.")
        db.session.add(partnership)
        db.session.flush()
    for user in (officer, officer2):
        if user is not None and not user.has_role(Role.GRANT_OFFICER,
                                                  partnership_id=partnership.id):
            db.session.add(RoleAssignment(user_id=user.id, role=Role.GRANT_OFFICER,
                                          partnership_id=partnership.id))
    db.session.flush()
    return partnership, areas


def quarters(total: int) -> list[int]:
    """A site's yearly figure split over four quarterly returns (adding up exactly)."""
    parts = [total * weight // 100 for weight in QUARTER_WEIGHTS]
    return parts + [total - sum(parts)]


def _healthy_neighbours(officer, officer2) -> None:
    if db.session.scalar(select(Programme.id).where(Programme.name == HEALTHY_NEIGHBOURS)):
        return
    partnership, areas = _hn_partnership(officer, officer2)
    kpis = [(code, name, unit, "sum", True, f"{name} in the quarter.")
            for code, name, unit, _g, _d in HN_KPIS]
    programme = programme_with_catalogue(
        HEALTHY_NEIGHBOURS, partnership, kpis, funder="Torus Foundation",
        budget_pence=60_000_00, start_year=2025, end_year=2026,
        description="Two neighbourhood sites recruiting volunteers to improve health where "
                    "they live: the same KPIs, compared site by site (demo figures for the "
                    "money; the KPI figures are the programme's published first year).",
        savings_method="", outcomes=["reduced_isolation", "community_wellbeing"])
    for column, (site, org_name, number) in enumerate(HN_SITES):
        organisation = db.session.scalar(select(Organisation).where(
            Organisation.name == org_name)) or Organisation(
            name=org_name, kind="community_group", description=f"{org_name}: a Healthy "
                                                                 "Neighbours site.")
        db.session.add(organisation)
        db.session.flush()
        grant = _grant(f"HN-2025-{number:02d}", f"Healthy Neighbours: {site}",
                       f"Volunteers improving health in {site}.", programme, areas[site],
                       30_000_00, organisation_id=organisation.id, delivered_by=org_name,
                       award_date=date(2025, 3, 10))
        grant.budget_lines = [
            GrantBudgetLine(position=0, description="Community organiser (part-time)",
                            planned_pence=18_000_00),
            GrantBudgetLine(position=1, description="Volunteer training and expenses",
                            planned_pence=7_000_00),
            GrantBudgetLine(position=2, description="Events, campaigns and materials",
                            planned_pence=5_000_00)]
        grant.funding_lines = [FundingLine(route="external", source_name="Torus Foundation",
                                           amount_pence=30_000_00)]
        db.session.flush()
        build.agree(grant, programme, Plan(date(2025, 4, 1), 12),
                    officer=officer2, grantee=None, milestones=[],
                    targets={code: None for code, *_rest in HN_KPIS})
        build.release(grant, grant.tranches[0], date(2025, 4, 3), officer)
        split = {row[0]: quarters(row[3 + column]) for row in HN_KPIS}
        _hn_returns(grant, split, officer)


def _hn_returns(grant, split: dict[str, list[int]], officer) -> None:
    for ret in grant.returns:
        figures = {code: values[ret.number - 1] for code, values in split.items()}
        build.fill(grant, ret, Report(
            kpis=figures, spend_share=0.25, narrative=(
                f"Quarter {ret.number}: {figures['volunteers']} new volunteers gave "
                f"{figures['volunteer_hours']} hours; we engaged "
                f"{figures['households']} households."),
            public_update=f"{figures['households']} households engaged this quarter."),
            by=None, wards=[])
        build.accept(ret, ret.due_date - timedelta(days=1), officer)
        for tranche in grant.tranches:
            if tranche.status == "planned" and tranche.condition_number == ret.number:
                build.release(grant, tranche, ret.due_date + timedelta(days=4), officer)
    final = grant.returns[-1]
    for line in grant.budget_lines:  # the last quarter brings spend exactly to plan
        spent = sum(s.amount_pence for r in grant.returns[:-1] for s in r.spend
                    if s.budget_line_id == line.id)
        row = next(s for s in final.spend if s.budget_line_id == line.id)
        row.amount_pence = line.planned_pence - spent
    grant.status = "closed"
    grant.closed_at = build.at(final.due_date + timedelta(days=10))
    grant.closed_by_id = officer.id
    grant.close_note = "First year complete: figures as published by the programme."
    db.session.flush()
