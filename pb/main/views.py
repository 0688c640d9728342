"""Public pages (home, rounds), the staff dashboard, the audit log and the health check."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template
from flask_login import current_user
from sqlalchemy import select, text

from pb.extensions import db
from pb.loaders import visible_round_or_404
from pb.models import Role, Round
from pb.policy import role_required
from pb.results import carry_over

bp = Blueprint("main", __name__)


def public_rounds() -> list[Round]:
    return list(db.session.scalars(
        select(Round).where(Round.is_published.is_(True)).order_by(Round.voting_open_at.desc())))


@bp.route("/")
def index():
    return render_template("main/index.html", rounds=public_rounds())


@bp.route("/rounds")
def rounds():
    return render_template("main/rounds.html", rounds=public_rounds())


@bp.route("/rounds/<int:round_id>")
def round_detail(round_id: int):
    round_ = visible_round_or_404(round_id)
    return render_template("main/round.html", round=round_,
                           carried=carry_over.added_to(round_) if round_.ward_budgets else [])


@bp.route("/manage")
@role_required(Role.OFFICER, Role.EVENT_STAFF)
def manage():
    partnership_ids = current_user.partnership_ids(Role.OFFICER, Role.EVENT_STAFF)
    query = select(Round).order_by(Round.created_at.desc())
    if not current_user.is_admin:
        query = query.where(Round.partnership_id.in_(partnership_ids))
    return render_template("main/manage.html", rounds=db.session.scalars(query).all())


@bp.route("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure means "not healthy"
        db.session.rollback()
        return jsonify({"status": "error", "database": "unreachable",
                        "detail": type(exc).__name__}), 503
    return jsonify({"status": "ok", "database": "ok"})


# The audit log's routes join bp; words gives the round page's labels in each language.
from pb.main import audit_views, words  # noqa: E402,F401
