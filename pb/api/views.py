"""The public JSON API (/api/v1). Errors are JSON with a status code, never HTML."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify
from sqlalchemy import select

from pb.extensions import db
from pb.models import Round

bp = Blueprint("api", __name__)


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
        "proposals_open_at": _iso(round_.proposals_open_at),
        "proposals_close_at": _iso(round_.proposals_close_at),
        "voting_open_at": _iso(round_.voting_open_at),
        "voting_close_at": _iso(round_.voting_close_at),
        "results_published_at": _iso(round_.results_published_at),
    }


def _iso(value) -> str | None:
    return value.isoformat() + "Z" if value else None


def published_round_or_404(round_id: int) -> Round:
    round_ = db.session.get(Round, round_id)
    if round_ is None or not round_.is_published:
        abort(404)
    return round_


@bp.route("/rounds")
def rounds():
    rounds_ = db.session.scalars(
        select(Round).where(Round.is_published.is_(True)).order_by(Round.id)).all()
    return jsonify({"rounds": [round_summary(r) for r in rounds_]})


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


# Feature endpoints register themselves on ``bp`` when imported.
from pb.api import proposals as _proposals  # noqa: E402,F401
from pb.api import voting as _voting  # noqa: E402,F401
