"""Open data about proposals (added to the /api/v1 blueprint).

Public fields only: no email addresses, no paper proposers' contact details, no
drafts, and the proposer shown as the public sees them (organisation or first name).
"""

from __future__ import annotations

from flask import request, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from pb.api import bp
from pb.api.listing import query_list
from pb.api.rounds import iso
from pb.loaders import published_round_or_404
from pb.models.proposal import PUBLIC_STATUSES, Proposal
from pb.proposals.queries import support_counts


def proposal_data(proposal: Proposal, supports: int) -> dict:
    return {
        "id": proposal.id,
        "pb_id": proposal.pb_id,
        "title": proposal.title,
        "summary": proposal.summary,
        "cost_pence": proposal.cost_pence,
        "status": proposal.status,
        "status_label": proposal.status_label,
        "status_reason": proposal.status_reason if proposal.status == "ineligible" else None,
        "wards": [w.name for w in proposal.wards],
        "is_area_wide": proposal.is_area_wide,
        "themes": [t.name for t in proposal.themes],
        "outcomes": proposal.outcome_labels,
        "supports": supports,
        "proposer": proposal.public_proposer,
        "organisation": proposal.organisation.name if proposal.organisation else None,
        "delivered_by": proposal.delivered_by,
        "paper_submission": proposal.is_paper,
        "budget_lines": [{"description": line.description, "amount_pence": line.amount_pence}
                         for line in proposal.budget_lines],
        "merged_into": proposal.merged_into_id,
        "submitted_at": iso(proposal.submitted_at),
        "url": url_for("proposals.detail", proposal_id=proposal.id, _external=True),
    }


PROPOSAL_COLUMNS = ["id", "pb_id", "title", "summary", "cost_pence", "status", "status_label",
                    "status_reason", "wards", "is_area_wide", "themes", "outcomes", "supports",
                    "proposer", "organisation", "delivered_by", "paper_submission",
                    "budget_lines", "merged_into", "submitted_at", "url"]
LOADED = (selectinload(Proposal.wards), selectinload(Proposal.themes),
          selectinload(Proposal.organisation), selectinload(Proposal.budget_lines),
          selectinload(Proposal.proposer), selectinload(Proposal.outcome_links))


def proposal_rows(proposals: list[Proposal]) -> list[dict]:
    """Rows for a page of proposals, with their supports counted in one query."""
    counts = support_counts(p.id for p in proposals)
    return [{"round_id": p.round_id, **proposal_data(p, counts.get(p.id, 0))}
            for p in proposals]


@bp.route("/rounds/<int:round_id>/proposals")
def round_proposals(round_id: int):
    """Every public proposal of a published round; ?status=shortlisted narrows it."""
    round_ = published_round_or_404(round_id)
    status = request.args.get("status")
    statuses = [status] if status in PUBLIC_STATUSES else list(PUBLIC_STATUSES)
    query = (select(Proposal).where(Proposal.round_id == round_.id,
                                    Proposal.status.in_(statuses))
             .order_by(Proposal.id).options(*LOADED))
    return query_list("proposals", query, proposal_rows, ["round_id", *PROPOSAL_COLUMNS],
                      extra={"round": round_.id})

