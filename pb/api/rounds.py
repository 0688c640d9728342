"""Rounds as open data: the list and each round's settings."""

from __future__ import annotations

from flask import jsonify
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from pb.api import bp
from pb.api.listing import query_list
from pb.loaders import published_round_or_404
from pb.models import Round


def round_summary(round_: Round) -> dict:
    return {
        "id": round_.id,
        "name": round_.name,
        "area": round_.area.name,
        "partnership": round_.partnership.name,
        "budget_pence": round_.budget_pence,
        "status": round_.status,
        "ballot_design": round_.ballot_design,
        "allocation_rule": round_.allocation_rule,
        "tie_break": round_.tie_break,
        "proposals_open_at": iso(round_.proposals_open_at),
        "proposals_close_at": iso(round_.proposals_close_at),
        "voting_open_at": iso(round_.voting_open_at),
        "voting_close_at": iso(round_.voting_close_at),
        "results_published_at": iso(round_.results_published_at),
    }


def iso(value) -> str | None:
    """A UTC datetime as ISO 8601 with a Z, the API's one date-time format."""
    return value.isoformat() + "Z" if value else None


ROUND_COLUMNS = ["id", "name", "area", "partnership", "budget_pence", "status", "ballot_design",
                 "allocation_rule", "tie_break", "proposals_open_at", "proposals_close_at",
                 "voting_open_at", "voting_close_at", "results_published_at"]


@bp.route("/rounds")
def rounds():
    """Every published round (paginated; ?format=csv for all of them as CSV)."""
    query = (select(Round).where(Round.is_published.is_(True)).order_by(Round.id)
             .options(selectinload(Round.area), selectinload(Round.partnership)))
    return query_list("rounds", query, lambda rs: [round_summary(r) for r in rs],
                      ROUND_COLUMNS)


@bp.route("/rounds/<int:round_id>")
def round_detail(round_id: int):
    round_ = published_round_or_404(round_id)
    data = round_summary(round_)
    data.update({
        "description": round_.description,
        "min_project_cost_pence": round_.min_project_cost_pence,
        "max_project_cost_pence": round_.max_project_cost_pence,
        "wards": [{"id": w.id, "name": w.name, "code": w.code} for w in round_.area.wards],
        "ward_budgets": [{"ward": wb.ward.name, "budget_pence": wb.budget_pence}
                         for wb in round_.ward_budgets],
        "eligibility": {
            "postcode_in_area": round_.eligibility_postcode,
            "min_age": round_.eligibility_min_age,
            "verification": round_.voter_verification,
        },
    })
    return jsonify(data)
