"""The demo proposals: every state, the decision-day constraints, idempotent seeding."""

from __future__ import annotations

from sqlalchemy import func, select

from pb.demo import ROUND_DECISION_DAY, ROUND_OPEN_VOTE, ROUND_PROPOSALS, seed_demo
from pb.demo.proposals import DECISION_DAY_FUNDED, shortlisted
from pb.extensions import db
from pb.models import Round
from pb.models.proposal import Proposal


def _counts():
    return dict(db.session.execute(select(Proposal.status, func.count())
                                   .group_by(Proposal.status)).all())


def test_demo_has_every_state_and_is_idempotent(app):
    seed_demo()
    first = _counts()
    seed_demo()
    assert _counts() == first
    assert set(first) == {"draft", "submitted", "under_review", "needs_changes", "eligible",
                          "ineligible", "shortlisted", "merged", "withdrawn"}
    rounds = {r.name: r for r in db.session.scalars(select(Round))}
    decision = shortlisted(rounds[ROUND_DECISION_DAY])
    assert len(decision) == 22
    costs = {p.title: p.cost_pence for p in decision}
    assert len(DECISION_DAY_FUNDED) == 17
    assert 96_500_00 <= sum(costs[t] for t in DECISION_DAY_FUNDED) <= 99_900_00
    assert all(cost > 4_000_00 for title, cost in costs.items()
               if title not in DECISION_DAY_FUNDED)
    assert all(2_000_00 <= cost <= 10_000_00 for cost in costs.values())
    vote = rounds[ROUND_OPEN_VOTE]
    for proposal in shortlisted(vote):
        assert proposal.lines_total_pence == proposal.cost_pence
        if not proposal.is_area_wide:
            assert proposal.cost_pence <= vote.ward_budget_for(proposal.wards[0].id)
    taking = db.session.scalars(select(Proposal).where(
        Proposal.round_id == rounds[ROUND_PROPOSALS].id)).all()
    assert any(p.is_paper for p in taking)
