"""Figures for open data that span rounds: results per project, and spend over £500 in
the Local Government Transparency Code 2015's fields.

The Code asks, for each payment over £500: the date, the department that incurred it,
the beneficiary, a summary of its purpose, the amount, irrecoverable VAT and the merchant
category; its recommended layout adds body name, transaction number, supplier name and
supplier id, used here as column titles.
"""

from __future__ import annotations

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from pb.extensions import db
from pb.models import Grant, Round, Tranche
from pb.models.result import RoundResult
from pb.results import services as results

THRESHOLD_PENCE = 500_00  # "expenditure exceeding £500"

SPEND_COLUMNS = ["Body Name", "Date", "Transaction Number", "Amount", "Irrecoverable VAT",
                 "Supplier Name", "Supplier ID", "Department", "Service Area",
                 "Expenses Type", "Merchant Category", "Purpose"]


def result_rows() -> list[dict]:
    """One row per project of every certified result of a published round."""
    certified = db.session.execute(
        select(RoundResult, Round).join(Round, Round.id == RoundResult.round_id)
        .where(Round.is_published.is_(True), RoundResult.certified_at.is_not(None))
        .order_by(Round.id)).all()
    rows = []
    # Open data reads the same in every language: the rows' notes are in English, whatever
    # language the person downloading chose for the pages.
    with force_locale("en"):
        per_round = [(round_, results.result_rows(result, round_)) for result, round_ in certified]
    for round_, round_rows in per_round:
        for row in round_rows:
            rows.append({"round_id": round_.id, "round": round_.name, "project_id": row["id"],
                         "title": row["title"], "cost_pence": row["cost"],
                         "votes": row["votes"], "points": row["points"],
                         "funded": row["selected"], "why": row["explanation"]})
    return rows


def recipient_name(grant: Grant) -> str:
    return grant.organisation.name if grant.organisation else grant.delivered_by


def supplier_id(grant: Grant) -> str:
    """The recipient's registration (charity, then company number), where it has one."""
    organisation = grant.organisation
    if organisation is None:
        return ""
    if organisation.charity_number:
        return f"GB-CHC-{organisation.charity_number}"
    if organisation.company_number:
        return f"GB-COH-{organisation.company_number}"
    return ""


def spend_query():
    return (select(Tranche).join(Grant, Grant.id == Tranche.grant_id)
            .where(Tranche.status == "released", Tranche.paid_pence > THRESHOLD_PENCE)
            .order_by(Tranche.released_on, Tranche.id)
            .options(selectinload(Tranche.grant).selectinload(Grant.organisation),
                     selectinload(Tranche.grant).selectinload(Grant.programme),
                     selectinload(Tranche.grant).selectinload(Grant.partnership)))


def spend_rows(tranches: list[Tranche]) -> list[dict]:
    body = current_app.config["FUNDER_ORG_NAME"]
    rows = []
    for tranche in tranches:
        grant = tranche.grant
        rows.append(dict(zip(SPEND_COLUMNS, [
            body,
            tranche.released_on.isoformat() if tranche.released_on else "",
            f"{grant.reference}-T{tranche.position + 1}",
            f"{(tranche.paid_pence or 0) / 100:.2f}",
            "0.00",  # grants are outside the scope of VAT
            recipient_name(grant),
            supplier_id(grant),
            grant.partnership.name,
            grant.programme.name if grant.programme else "Participatory budgeting",
            "Grants to voluntary, community and social enterprise organisations",
            "Grant payment",
            f"{grant.title}: tranche {tranche.position + 1} of the grant",
        ])))
    return rows
