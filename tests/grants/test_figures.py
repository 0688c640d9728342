"""KPI and cost-benefit figures, checked against an independent computation: plain SQL over
the same rows, not the code under test. And the open-data shapes, exactly."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest
from sqlalchemy import text

from pb.extensions import db
from pb.grants import costbenefit, tranches
from pb.grants.queries import kpis_by_area
from pb.models import Area, Correction, ProgrammeKpi, SavingsEstimate
from tests.factories import active_grant, make_programme
from tests.grants.helpers import accept_return, submit_return


def independent_kpis(programme_id: int) -> dict[str, dict[str, dict]]:
    """code -> area -> {"target", "achieved"} straight from the tables."""
    rows = db.session.execute(text("""
        SELECT k.code, k.aggregation, a.name, g.id, r.number, x.value
        FROM return_kpi_actuals x
        JOIN grant_returns r ON r.id = x.return_id AND r.status = 'accepted'
        JOIN grants g ON g.id = r.grant_id AND g.status <> 'withdrawn'
        JOIN areas a ON a.id = g.area_id
        JOIN programme_kpis k ON k.id = x.kpi_id
        WHERE g.programme_id = :p ORDER BY r.number"""), {"p": programme_id}).all()
    per_grant: dict = defaultdict(list)
    aggregation = {}
    for code, how, area, grant_id, _number, value in rows:
        per_grant[(code, area, grant_id)].append(value)
        aggregation[code] = how
    achieved: dict = defaultdict(int)
    for (code, area, _grant), values in per_grant.items():
        how = aggregation[code]
        achieved[(code, area)] += (max(values) if how == "max" else values[-1]
                                   if how == "latest" else sum(values))
    for code, area, delta in db.session.execute(text("""
            SELECT k.code, a.name, c.delta FROM grant_corrections c
            JOIN grants g ON g.id = c.grant_id JOIN areas a ON a.id = g.area_id
            JOIN programme_kpis k ON k.id = c.kpi_id
            WHERE c.kind = 'kpi' AND g.programme_id = :p"""), {"p": programme_id}):
        achieved[(code, area)] += delta
    targets: dict = {}
    for code, area, target in db.session.execute(text("""
            SELECT k.code, a.name, t.target FROM grant_kpi_targets t
            JOIN grants g ON g.id = t.grant_id AND g.status <> 'withdrawn'
            JOIN areas a ON a.id = g.area_id JOIN programme_kpis k ON k.id = t.kpi_id
            WHERE g.programme_id = :p AND t.target IS NOT NULL"""), {"p": programme_id}):
        targets[(code, area)] = targets.get((code, area), 0) + target
    areas = [name for (name,) in db.session.execute(text("""
        SELECT DISTINCT a.name FROM grants g JOIN areas a ON a.id = g.area_id
        WHERE g.programme_id = :p AND g.status <> 'withdrawn'"""), {"p": programme_id})]
    codes = [code for (code,) in db.session.execute(text(
        "SELECT code FROM programme_kpis WHERE programme_id = :p"), {"p": programme_id})]
    return {code: {area: {"target": targets.get((code, area)),
                          "achieved": achieved.get((code, area), 0)} for area in areas}
            for code in codes}


def independent_cost_benefit(programme_id: int) -> tuple[int, int, Decimal | None]:
    cost = db.session.execute(text("""
        SELECT COALESCE(SUM(g.amount_pence), 0) - COALESCE((
            SELECT SUM(a.amount_pence) FROM grant_adjustments a JOIN grants h ON h.id = a.grant_id
            WHERE h.programme_id = :p AND h.status <> 'withdrawn'), 0)
        FROM grants g WHERE g.programme_id = :p AND g.status <> 'withdrawn'"""),
        {"p": programme_id}).scalar()
    savings = db.session.execute(text("""
        SELECT COALESCE(SUM(s.amount_pence), 0) FROM grant_savings s
        JOIN grants g ON g.id = s.grant_id
        WHERE g.programme_id = :p AND g.status <> 'withdrawn'"""), {"p": programme_id}).scalar()
    ratio = (Decimal(savings) / Decimal(cost)).quantize(Decimal("0.01"), ROUND_HALF_UP) \
        if cost and savings else None
    return int(cost), int(savings), ratio


@pytest.fixture
def two_areas(neighbourhood, clock):
    """A programme with grants in two areas (Macclesfield and Congleton), a "max" KPI, KPI
    returns accepted and submitted, a correction, savings and a withheld payment."""
    kpis = [("volunteers", "Volunteers recruited", "people", "sum", True),
            ("peak_attendance", "Highest weekly attendance", "people", "max", False),
            ("households", "Households engaged", "households", "sum", False)]
    programme = make_programme(neighbourhood, kpis=kpis)
    clock(date(2026, 5, 20))
    congleton = db.session.query(Area).filter_by(name="Congleton").one()
    targets = {"volunteers": 12, "peak_attendance": 20, "households": 40}
    grants = [active_grant(neighbourhood, programme, title="Hurdsfield Dementia Cafe", targets=targets),
              active_grant(neighbourhood, programme, title="Hurdsfield Knit and Natter",
                           reference="T-KNIT", amount_pence=1_850_00, targets=targets),
              active_grant(neighbourhood, programme, title="Congleton Walking Group", targets=targets,
                           reference="T-CONG", amount_pence=2_400_00, area_id=congleton.id)]
    officer2, grantee = neighbourhood.users["grant_officer2"], neighbourhood.users["grantee"]
    by_code = {k.code: k for k in programme.kpis}
    for n, grant in enumerate(grants):
        for i, ret in enumerate(grant.returns[:3]):
            submit_return(grant, ret, grantee, kpis={
                "volunteers": 3 + n + i, "peak_attendance": [14, 22, 18][i] + n,
                "households": 10 * (n + 1)})
            if i < 2:  # the third is submitted but not accepted: it must not count
                accept_return(grant, ret, officer2)
    grants[0].corrections.append(Correction(kind="kpi", kpi_id=by_code["volunteers"].id,
                                            delta=-1, reason="Counted twice."))
    unit = programme.unit_costs[0]
    grants[0].savings.append(SavingsEstimate(description="A&E attendances avoided",
                                             unit_cost_id=unit.id, quantity=30,
                                             amount_pence=30 * unit.cost_pence, method="test"))
    grants[2].savings.append(SavingsEstimate(description="Falls avoided", amount_pence=5_000_00,
                                             method="Falls clinic estimate, 2 falls x £2,500"))
    db.session.commit()
    tranches.withhold(grants[1], grants[1].tranches[2].id, neighbourhood.users["grant_officer"],
                      reason="The final sessions will not go ahead.")
    return programme


def test_kpis_by_area_match_an_independent_computation(two_areas):
    ours = {row["kpi"].code: row["by_area"] for row in kpis_by_area(two_areas)}
    assert ours == independent_kpis(two_areas.id)
    assert set(ours["volunteers"]) == {"Macclesfield", "Congleton"}
    # By hand: Macclesfield volunteers = (3+4-1) + (4+5) = 15; peak attendance is the
    # highest per grant (22 and 23), then added across grants.
    assert ours["volunteers"]["Macclesfield"]["achieved"] == 15
    assert ours["peak_attendance"]["Macclesfield"] == {"target": 40, "achieved": 45}
    assert ours["volunteers"]["Macclesfield"]["target"] == 24


def test_cost_benefit_matches_an_independent_computation(two_areas):
    figures = costbenefit.programme_cost_benefit(two_areas)
    cost, savings, ratio = independent_cost_benefit(two_areas.id)
    assert (figures.cost, figures.savings, figures.ratio) == (cost, savings, ratio)
    assert figures.cost == 4_800_00 + 1_850_00 + 2_400_00 - 370_00
    assert sum(amount for _route, amount in figures.by_route) == figures.cost
    assert figures.with_estimates == 2


def test_open_data_shapes(client, two_areas):
    grants = client.get("/api/v1/grants").get_json()
    assert set(grants) == {"grants", "pagination"}  # every API list states its pagination
    assert set(grants["grants"][0]) == {
        "id", "proposal_id", "round_id", "programme_id", "organisation",
        "amount_awarded_pence", "amount_paid_pence", "status", "rag", "start_date",
        "end_date"}
    programmes = client.get("/api/v1/programmes").get_json()
    assert programmes["programmes"] == [{
        "id": two_areas.id, "name": two_areas.name, "funder": two_areas.funder,
        "budget_pence": two_areas.budget_pence, "rounds": []}]
    kpis = client.get(f"/api/v1/programmes/{two_areas.id}/kpis").get_json()
    assert set(kpis) == {"kpis", "pagination"}
    first = kpis["kpis"][0]
    assert set(first) == {"code", "name", "unit", "by_area"}
    assert set(first["by_area"]["Congleton"]) == {"target", "achieved"}
    assert {k["code"]: k["by_area"] for k in kpis["kpis"]} == independent_kpis(two_areas.id)
    cb = client.get(f"/api/v1/programmes/{two_areas.id}/cost-benefit").get_json()
    assert set(cb) == {"cost_pence", "savings_pence", "ratio", "method", "rows", "pagination"}
    assert set(cb["rows"][0]) == {"activity", "provider", "outcomes", "cost_pence",
                                  "funding_route", "savings_pence"}
    cost, savings, ratio = independent_cost_benefit(two_areas.id)
    assert (cb["cost_pence"], cb["savings_pence"], cb["ratio"]) == (cost, savings,
                                                                     float(ratio))
    assert cb["method"] == two_areas.savings_method
    assert client.get("/api/v1/programmes/999999/cost-benefit").status_code == 404


def test_the_ratio_is_never_shown_without_its_method(client, two_areas):
    page = client.get(f"/programmes/{two_areas.id}").get_data(as_text=True)
    ratio = independent_cost_benefit(two_areas.id)[2]
    at = page.index(f"£{ratio}")
    box = page[at:at + 2500]
    assert "How the savings were estimated" in box and two_areas.savings_method in box
    assert "Unit costs and their sources" in box and "GMCA unit cost database" in box


def test_no_ratio_without_estimates(client, neighbourhood, programme, grant):
    assert costbenefit.programme_cost_benefit(programme).ratio is None
    cb = client.get(f"/api/v1/programmes/{programme.id}/cost-benefit").get_json()
    assert cb["ratio"] is None and cb["savings_pence"] == 0


def test_savings_need_a_unit_cost_or_a_method(client, sign_in, neighbourhood, programme, grant):
    sign_in(neighbourhood.users["grant_officer"])
    url = f"/grants/{grant.id}/savings"
    vague = client.post(url, data={"action": "add", "description": "Fewer GP visits",
                                   "amount": "500"})
    assert vague.status_code == 400 and "never shown without its method" in vague.get_data(
        as_text=True)
    unit = programme.unit_costs[1]
    assert client.post(url, data={"action": "add", "description": "Falls avoided",
                                  "unit_cost_id": unit.id, "quantity": "2"}).status_code == 303
    db.session.expire_all()
    saving = db.session.query(SavingsEstimate).one()
    assert saving.amount_pence == 2 * 1_863_00 and "GMCA" in saving.method


def test_kpi_in_use_cannot_leave_the_catalogue(client, sign_in, neighbourhood, programme, grant):
    from pb.grants.programmes import form_values

    sign_in(neighbourhood.users["grant_officer"])
    values = form_values(programme)
    values.pop("kpi-0-code")
    values.pop("kpi-0-name")
    response = client.post(f"/programmes/{programme.id}/edit", data=values)
    assert response.status_code == 400
    assert "cannot be removed" in response.get_data(as_text=True)
    assert db.session.query(ProgrammeKpi).filter_by(programme_id=programme.id).count() == 3
