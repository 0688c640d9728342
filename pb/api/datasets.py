"""The open-data datasets that span rounds and programmes (listed on /open-data).

- ``/proposals``: every public proposal of every published round;
- ``/results``: every project of every certified result: votes, cost, funded, and why;
- ``/events``: every decision day of a published round, with its counts;
- ``/payments``: every grant tranche paid (the grants' payments);
- ``/kpis`` and ``/cost-benefit``: each programme's KPIs and cost-benefit rows;
- ``/spend``: payments over £500 in the Local Government Transparency Code 2015's fields.

All paginated with the pagination stated, and all of them as CSV with ``?format=csv``.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from pb.api import bp
from pb.api.grants import COST_BENEFIT_COLUMNS, cost_benefit_rows, kpi_rows
from pb.api.listing import query_list, rows_list
from pb.api.proposals import LOADED, PROPOSAL_COLUMNS, proposal_rows
from pb.events import queries as events
from pb.extensions import db
from pb.grants.costbenefit import programme_cost_benefit
from pb.models import Grant, Programme, Round, Tranche
from pb.models.event import Event
from pb.models.proposal import PUBLIC_STATUSES, Proposal
from pb.opendata import transparency

RESULT_COLUMNS = ["round_id", "round", "project_id", "title", "cost_pence", "votes", "points",
                  "funded", "why"]


@bp.route("/proposals")
def all_proposals():
    """Every public proposal of every published round (paginated; ?format=csv)."""
    query = (select(Proposal).join(Round, Round.id == Proposal.round_id)
             .where(Round.is_published.is_(True), Proposal.status.in_(PUBLIC_STATUSES))
             .order_by(Proposal.id).options(*LOADED))
    return query_list("proposals", query, proposal_rows, ["round_id", *PROPOSAL_COLUMNS])


@bp.route("/results")
def all_results():
    """Per project of every certified result: votes, cost, funded, and the reason."""
    return rows_list("results", transparency.result_rows(), RESULT_COLUMNS)


@bp.route("/events")
def all_events():
    """Every decision day of a published round: attendance and votes by channel."""
    query = (select(Event).join(Round, Round.id == Event.round_id)
             .where(Round.is_published.is_(True)).order_by(Event.id))
    return query_list("events", query, lambda rows: [
        {"round_id": e.round_id, **events.summary(e)} for e in rows],
        ["round_id", "id", "name", "date", "checked_in", "votes_by_channel", "paper"])


PAYMENT_COLUMNS = ["id", "grant_id", "grant_reference", "grant_title", "recipient",
                   "amount_pence", "paid_on", "tranche_number"]


@bp.route("/payments")
def payments():
    """Every tranche paid to a grant: the grants' payments."""
    query = (select(Tranche).join(Grant, Grant.id == Tranche.grant_id)
             .where(Tranche.status == "released").order_by(Tranche.released_on, Tranche.id)
             .options(selectinload(Tranche.grant).selectinload(Grant.organisation)))
    return query_list("payments", query, lambda rows: [
        {"id": t.id, "grant_id": t.grant_id, "grant_reference": t.grant.reference,
         "grant_title": t.grant.title, "recipient": transparency.recipient_name(t.grant),
         "amount_pence": t.paid_pence or 0,
         "paid_on": t.released_on.isoformat() if t.released_on else None,
         "tranche_number": t.position + 1} for t in rows], PAYMENT_COLUMNS)


def _programmes() -> list[Programme]:
    return list(db.session.scalars(select(Programme).order_by(Programme.id)))


@bp.route("/kpis")
def all_kpis():
    """Every programme's KPIs: target and achievement per area."""
    rows = [{"programme_id": p.id, "programme": p.name, **row}
            for p in _programmes() for row in kpi_rows(p)]
    return rows_list("kpis", rows, ["programme_id", "programme", "code", "name", "unit",
                                    "by_area"])


@bp.route("/cost-benefit")
def all_cost_benefit():
    """Every programme's cost-benefit rows, with the method each estimate used."""
    rows = []
    for programme in _programmes():
        figures = programme_cost_benefit(programme)
        rows += [{"programme_id": programme.id, "programme": programme.name, **row,
                  "method": programme.savings_method} for row in cost_benefit_rows(figures)]
    return rows_list("cost_benefit", rows,
                     ["programme_id", "programme", *COST_BENEFIT_COLUMNS, "method"])


@bp.route("/spend")
def spend_over_500():
    """Payments over £500, in the Transparency Code's fields (amounts in pounds)."""
    query = transparency.spend_query()
    return query_list("spend", query, transparency.spend_rows, transparency.SPEND_COLUMNS,
                      extra={"threshold_pounds": transparency.THRESHOLD_PENCE // 100})

