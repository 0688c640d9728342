"""Grants and programmes as open data: no personal data, no unpublished narrative."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from pb.api import bp
from pb.api.listing import query_list, rows_list
from pb.grants import rag
from pb.grants.costbenefit import programme_cost_benefit
from pb.grants.queries import FULL, kpis_by_area
from pb.grants.tranches import money_for
from pb.loaders import programme_or_404
from pb.models import Grant, Programme


def grant_summary(grant: Grant) -> dict:
    return {
        "id": grant.id,
        "proposal_id": grant.proposal_id,
        "round_id": grant.round_id,
        "programme_id": grant.programme_id,
        "organisation": grant.organisation.name if grant.organisation else None,
        "amount_awarded_pence": grant.amount_pence,
        "amount_paid_pence": money_for(grant).net_paid,
        "status": grant.status,
        "rag": rag.assess(grant).value,
        "start_date": grant.start_date.isoformat() if grant.start_date else None,
        "end_date": grant.end_date.isoformat() if grant.end_date else None,
    }


GRANT_COLUMNS = ["id", "proposal_id", "round_id", "programme_id", "organisation",
                 "amount_awarded_pence", "amount_paid_pence", "status", "rag", "start_date",
                 "end_date"]


def grant_rows(grants: list[Grant]) -> list[dict]:
    return [grant_summary(g) for g in grants]


@bp.route("/grants")
def grants():
    """Every grant (paginated; ?format=csv)."""
    query = select(Grant).order_by(Grant.id).options(*FULL)
    return query_list("grants", query, grant_rows, GRANT_COLUMNS)


@bp.route("/programmes")
def programmes():
    query = select(Programme).order_by(Programme.id).options(selectinload(Programme.rounds))
    return query_list("programmes", query, lambda rows: [
        {"id": p.id, "name": p.name, "funder": p.funder, "budget_pence": p.budget_pence,
         "rounds": [r.id for r in p.rounds]} for p in rows],
        ["id", "name", "funder", "budget_pence", "rounds"])


def kpi_rows(programme: Programme) -> list[dict]:
    return [{"code": row["kpi"].code, "name": row["kpi"].name, "unit": row["kpi"].unit,
             "by_area": row["by_area"]} for row in kpis_by_area(programme)]


@bp.route("/programmes/<int:programme_id>/kpis")
def programme_kpis(programme_id: int):
    programme = programme_or_404(programme_id)
    return rows_list("kpis", kpi_rows(programme), ["code", "name", "unit", "by_area"])


def cost_benefit_rows(figures) -> list[dict]:
    return [{"activity": r["activity"], "provider": r["provider"],
             "outcomes": r["outcomes"], "cost_pence": r["cost_pence"],
             "funding_route": r["funding_route"], "savings_pence": r["savings_pence"]}
            for r in figures.rows]


@bp.route("/programmes/<int:programme_id>/cost-benefit")
def programme_cost_benefit_json(programme_id: int):
    programme = programme_or_404(programme_id)
    figures = programme_cost_benefit(programme)
    return rows_list("rows", cost_benefit_rows(figures), COST_BENEFIT_COLUMNS, extra={
        "cost_pence": figures.cost,
        "savings_pence": figures.savings,
        # A JSON number; the method travels with it, as on every page.
        "ratio": float(figures.ratio) if figures.ratio is not None else None,
        "method": programme.savings_method,
    })


COST_BENEFIT_COLUMNS = ["activity", "provider", "outcomes", "cost_pence", "funding_route",
                        "savings_pence"]
