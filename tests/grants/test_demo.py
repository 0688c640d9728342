"""The demo reproduces the seed tables from pb's own data, and stays idempotent."""

from __future__ import annotations

import html

import pytest
from sqlalchemy import func, select

from pb.extensions import db
from pb.grants import rag
from pb.models import Grant, Programme, Round

# Table A3 of "Delivering Differently in Macclesfield" (cost and savings per year, £).
TABLE_A3 = [
    ("Smoking Cessation Resident Led Groups", "Local residents, supported by Healthbox",
     3_608, "Public Health OneYou contract", 20_788),
    ("CBT Support Group", "Local residents", 1_625, "Participatory Budgeting", 32_216),
    ("Tinytearaways (mums n tots, health theme)", "Local residents", 850,
     "Participatory Budgeting", 9_272),
    ("Life Programme (addictive behaviours, isolation)",
     "Local volunteers, supported by Reach out and Recovery", 10_000, "External funding",
     117_105),
    ("Mental Health Awareness Training", "Local residents", 2_520, "DDiM support", 16_183),
    ("The Green in the Corner Dementia Cafe", "Local residents", 6_000,
     "DDiM support and Participatory Budgeting", 29_551),
    ("Weston Memories (reminiscence group)", "Local residents", 1_100, "DDiM support",
     13_017),
]
# The Healthy Neighbours KPI table: (code, Granby Toxteth, Daneville).
KPI_TABLE = [("volunteers", 43, 32), ("volunteer_hours", 1_070, 1_046),
             ("households", 387, 272), ("contacts", 1_271, 1_243), ("campaigns", 6, 5),
             ("courses", 9, 9), ("consultation_events", 7, 8)]

GRANT_TABLES = ("programmes", "programme_kpis", "programme_unit_costs", "programme_rounds",
                "grants", "grant_budget_lines", "grant_milestones", "grant_kpi_targets",
                "grant_tranches", "grant_adjustments", "grant_funding_lines", "grant_savings",
                "grant_returns", "return_kpi_actuals", "return_spend", "return_outcomes",
                "return_people", "return_reviews", "grant_documents")


def _counts():
    from sqlalchemy import table

    return {name: db.session.scalar(select(func.count()).select_from(table(name)))
            for name in GRANT_TABLES}


def _last_years_grants():
    """Last year's 10 grants: nine closed with every tranche paid, one still running."""
    from pb.demo import ROUND_PAST

    past = db.session.scalar(select(Round).where(Round.name == ROUND_PAST))
    grants = db.session.scalars(select(Grant).where(Grant.round_id == past.id)).all()
    assert len(grants) == 10 and len({g.programme_id for g in grants}) == 1
    closed = [g for g in grants if g.status == "closed"]
    assert len(closed) == 9 and [g.status for g in grants if g not in closed] == ["active"]
    assert all(t.status == "released" for g in closed for t in g.tranches)
    assert all(r.status == "accepted" for g in closed for r in g.returns)
    assert any(a.kind == "underspend_returned" for g in closed for a in g.adjustments)


@pytest.mark.slow
def test_the_demo_grants(app, client):
    from pb.demo import ROUND_DECISION_DAY, seed_demo
    from pb.demo.grants_tables import DDIM, HEALTHY_NEIGHBOURS

    seed_demo()
    first = _counts()
    seed_demo()
    db.session.expire_all()
    assert _counts() == first  # idempotent

    decision = db.session.scalar(select(Round).where(Round.name == ROUND_DECISION_DAY))
    grants = db.session.scalars(select(Grant).where(Grant.round_id == decision.id)).all()
    assert len(grants) == 17
    statuses = {g.status for g in grants}
    assert statuses == {"draft", "offered", "active", "closed"}
    rags = {rag.assess(g).value for g in grants if g.status == "active"}
    assert rags == {"green", "amber", "red"}
    assert any(r.is_overdue(rag.today()) for g in grants for r in g.returns
               if g.status == "active")
    assert any(t.status == "released" for g in grants for t in g.tranches)
    assert any(r.status == "accepted" for g in grants for r in g.returns)
    assert any(g.rag_override for g in grants)
    _last_years_grants()

    ddim = db.session.scalar(select(Programme).where(Programme.name == DDIM))
    cb = client.get(f"/api/v1/programmes/{ddim.id}/cost-benefit").get_json()
    assert [(r["activity"], r["provider"], r["cost_pence"], r["funding_route"],
             r["savings_pence"]) for r in cb["rows"]] == [
        (a, p, c * 100, f, s * 100) for a, p, c, f, s in TABLE_A3]
    assert cb["cost_pence"] == 25_703_00 and cb["savings_pence"] == 238_132_00
    assert cb["ratio"] == 9.26 and cb["method"]
    assert cb["rows"][5]["outcomes"] == ["Better health for people in work",
                                         "Individual and family well-being",
                                         "Community well-being"]
    page = html.unescape(client.get(f"/programmes/{ddim.id}").get_data(as_text=True))
    assert "£9.26" in page and "£9 can be saved" in page and "rounded down" in page

    hn = db.session.scalar(select(Programme).where(Programme.name == HEALTHY_NEIGHBOURS))
    kpis = client.get(f"/api/v1/programmes/{hn.id}/kpis").get_json()["kpis"]
    assert {k["code"]: (k["by_area"]["Granby Toxteth"]["achieved"],
                        k["by_area"]["Daneville"]["achieved"]) for k in kpis} == {
        code: (granby, daneville) for code, granby, daneville in KPI_TABLE}
