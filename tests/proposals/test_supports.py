"""Supports: one each, counted and shown, only while the round takes proposals."""

from __future__ import annotations

import pytest

from pb.extensions import db
from pb.models.proposal import ProposalSupport
from pb.proposals import queries, services, supports
from tests.factories import BUDGET_LINES, proposal_with_lines, resident_proposal


def test_one_support_each_counted_and_shown(client, neighbourhood, sign_in):
    proposal = resident_proposal(neighbourhood)
    sign_in(neighbourhood.users["resident2"])
    for _ in range(3):
        assert client.post(f"/proposals/{proposal.id}/support").status_code == 303
    assert queries.support_count(proposal) == 1
    fragment = client.post(f"/proposals/{proposal.id}/support",
                           headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<strong>1</strong>" in fragment and "Remove my support" in fragment
    sign_in(neighbourhood.users["resident"])
    client.post(f"/proposals/{proposal.id}/support")
    assert queries.support_count(proposal) == 1  # the proposer cannot support their own


def test_support_unique_constraint_holds_without_the_app_check(neighbourhood):
    proposal = resident_proposal(neighbourhood)
    user = neighbourhood.users["resident2"]
    db.session.add(ProposalSupport(proposal_id=proposal.id, user_id=user.id))
    db.session.commit()
    db.session.add(ProposalSupport(proposal_id=proposal.id, user_id=user.id))
    with pytest.raises(Exception) as error:
        db.session.commit()
    assert "unique" in str(error.value).lower()
    db.session.rollback()
    # The service turns a lost race into "already supported", not an error.
    assert supports.support(proposal, user) is False
    assert queries.support_count(proposal) == 1


def test_supports_only_during_the_proposal_phase(neighbourhood):
    proposal = proposal_with_lines(neighbourhood.rounds["voting"], "Central Lunch Club",
                                   BUDGET_LINES,
                                   status="shortlisted")
    with pytest.raises(services.ProposalError, match="only while"):
        supports.support(proposal, neighbourhood.users["resident2"])
