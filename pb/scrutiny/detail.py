"""What scrutiny sees that the public does not: decisions with their reasons.

Officers' review decisions on proposals, cost changes, result overrides, RAG overrides,
money withheld or clawed back, and interests officers declared in grants, each with who
decided, when and why. One query per kind of record (related rows loaded with them).
Nothing here touches ballots or voters: no record links a person to how they voted.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from pb.extensions import db
from pb.models import (
    Adjustment,
    Grant,
    InterestDeclaration,
    Proposal,
    ProposalStatusChange,
    ProposalVersion,
    Round,
    RoundInterest,
    RoundResult,
)
from pb.scrutiny.filters import Filters

LIMIT = 500  # most recent first; the audit log holds everything


def _round_filter(query, column, filters: Filters):
    if filters.round_id:
        query = query.where(column == filters.round_id)
    if filters.area_id:
        query = query.where(column.in_(select(Round.id).where(Round.area_id == filters.area_id)))
    return query


def review_decisions(filters: Filters) -> list[ProposalStatusChange]:
    query = (select(ProposalStatusChange).join(Proposal)
             .where(ProposalStatusChange.changed_as == "officer")
             .options(joinedload(ProposalStatusChange.proposal).joinedload(Proposal.round),
                      joinedload(ProposalStatusChange.changed_by))
             .order_by(ProposalStatusChange.changed_at.desc(), ProposalStatusChange.id.desc())
             .limit(LIMIT))
    return list(db.session.scalars(_round_filter(query, Proposal.round_id, filters)))


def cost_changes(filters: Filters) -> list[ProposalVersion]:
    # A draft's costs are its proposer's unfinished work, not a decision, and private
    # until it is submitted (pb.policy.can_view_proposal).
    query = (select(ProposalVersion).join(Proposal)
             .where(ProposalVersion.changes_json.like('%"cost_pence"%'),
                    Proposal.status != "draft")
             .options(joinedload(ProposalVersion.proposal).joinedload(Proposal.round))
             .order_by(ProposalVersion.changed_at.desc(), ProposalVersion.id.desc())
             .limit(LIMIT))
    versions = db.session.scalars(_round_filter(query, Proposal.round_id, filters))
    return [v for v in versions if v.cost_change is not None]


def result_overrides(filters: Filters) -> list[RoundResult]:
    query = (select(RoundResult).where(RoundResult.override_reason.is_not(None))
             .options(joinedload(RoundResult.round), joinedload(RoundResult.override_by))
             .order_by(RoundResult.id))
    return list(db.session.scalars(_round_filter(query, RoundResult.round_id, filters)))


def rag_overrides(filters: Filters) -> list[Grant]:
    query = (select(Grant).where(Grant.rag_override.is_not(None))
             .options(joinedload(Grant.rag_override_by)).order_by(Grant.reference))
    return list(db.session.scalars(_round_filter(query, Grant.round_id, filters)))


def adjustments(filters: Filters) -> list[Adjustment]:
    query = (select(Adjustment).join(Grant)
             .options(joinedload(Adjustment.grant), joinedload(Adjustment.recorded_by))
             .order_by(Adjustment.on_date.desc(), Adjustment.id.desc()).limit(LIMIT))
    return list(db.session.scalars(_round_filter(query, Grant.round_id, filters)))


def interests(filters: Filters) -> list[InterestDeclaration]:
    query = (select(InterestDeclaration).join(Grant)
             .options(joinedload(InterestDeclaration.grant),
                      joinedload(InterestDeclaration.user))
             .order_by(InterestDeclaration.declared_at.desc()).limit(LIMIT))
    return list(db.session.scalars(_round_filter(query, Grant.round_id, filters)))


def round_interests(filters: Filters) -> list[RoundInterest]:
    query = (select(RoundInterest)
             .options(joinedload(RoundInterest.round), joinedload(RoundInterest.user))
             .order_by(RoundInterest.declared_at.desc()).limit(LIMIT))
    return list(db.session.scalars(_round_filter(query, RoundInterest.round_id, filters)))


def records(filters: Filters) -> dict:
    return {"round_interests": round_interests(filters), "reviews": review_decisions(filters), "costs": cost_changes(filters),
            "results": result_overrides(filters), "rag": rag_overrides(filters),
            "adjustments": adjustments(filters), "interests": interests(filters)}
