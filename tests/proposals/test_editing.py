"""Editing: versions with what changed, who, when and why; who may edit until when;
paper proposals corrected by staff; files removed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from pb.errors import NotAllowed
from pb.extensions import db
from pb.models.base import utcnow
from pb.models.proposal import Proposal
from pb.proposals import history, review, services
from tests.factories import BUDGET_LINES, proposal_form, proposal_with_lines, resident_proposal


def _edit_data(proposal, neighbourhood, **override):
    data = proposal_form(neighbourhood, title=proposal.title, action="save", reason="")
    data.update(override)
    return data


def test_proposer_edits_before_the_deadline_and_cost_history_is_kept(client, neighbourhood,
                                                                     sign_in):
    sign_in(neighbourhood.users["resident"])
    client.post(f"/rounds/{neighbourhood.rounds['proposals'].id}/proposals/new",
                data=proposal_form(neighbourhood))
    proposal = db.session.scalar(select(Proposal))
    data = _edit_data(proposal, neighbourhood, **{"lines-1-amount": "500.00",
                                         "reason": "The café supplier put prices up."})
    assert client.post(f"/proposals/{proposal.id}/edit", data=data).status_code == 303
    db.session.refresh(proposal)
    assert proposal.cost_pence == 1_550_00
    costs = history.cost_history(proposal)
    assert [v.cost_change for v in costs] == [(None, 1_450_00), (1_450_00, 1_550_00)]
    latest = proposal.versions[-1]
    assert latest.changed_by_id == neighbourhood.users["resident"].id
    assert latest.reason == "The café supplier put prices up."
    assert "budget_lines" in latest.changes
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "£1,450 → £1,550" in page and "The café supplier put prices up." in page


def test_after_the_deadline_only_officers_edit_and_must_give_a_reason(client, neighbourhood,
                                                                      sign_in):
    proposal = resident_proposal(neighbourhood)
    round_ = neighbourhood.rounds["proposals"]
    round_.proposals_close_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    sign_in(neighbourhood.users["resident"])
    response = client.get(f"/proposals/{proposal.id}/edit")
    assert response.status_code == 302
    assert client.post(f"/proposals/{proposal.id}/edit",
                       data=_edit_data(proposal, neighbourhood)).status_code == 302
    assert db.session.get(Proposal, proposal.id).cost_pence == 750_00

    sign_in(neighbourhood.users["officer"])
    data = _edit_data(proposal, neighbourhood, **{"lines-0-amount": "700.00"})
    response = client.post(f"/proposals/{proposal.id}/edit", data=data)
    assert response.status_code == 400
    assert "Say why you are changing this proposal" in response.get_data(as_text=True)
    data["reason"] = "Hall hire quote corrected after checking with the venue."
    assert client.post(f"/proposals/{proposal.id}/edit", data=data).status_code == 303
    db.session.refresh(proposal)
    version = proposal.versions[-1]
    assert version.changed_as == "officer"
    assert version.cost_change == (750_00, 1_350_00)
    assert version.changed_by_id == neighbourhood.users["officer"].id


def test_officer_of_another_partnership_cannot_edit(neighbourhood):
    proposal = resident_proposal(neighbourhood)
    with pytest.raises(NotAllowed):
        services.edit_mode(proposal, neighbourhood.users["other_officer"])
    with pytest.raises(NotAllowed):
        services.edit_mode(proposal, neighbourhood.users["resident2"])


def test_nothing_changes_once_voting_opens(neighbourhood):
    proposal = proposal_with_lines(neighbourhood.rounds["voting"], "Central Lunch Club",
                                   BUDGET_LINES,
                                   proposer=neighbourhood.users["resident"], status="shortlisted")
    with pytest.raises(services.ProposalError, match="Voting has opened"):
        services.edit_mode(proposal, neighbourhood.users["officer"])
    with pytest.raises(services.ProposalError, match="Voting has opened"):
        review.review(proposal, neighbourhood.users["officer"], "reconsider", "Changed our mind")
    with pytest.raises(services.ProposalError, match="Voting has opened"):
        review.withdraw(proposal, neighbourhood.users["resident"])


def test_needs_changes_can_be_fixed_after_the_deadline_until_review_ends(client, neighbourhood,
                                                                         sign_in):
    proposal = resident_proposal(neighbourhood, status="under_review")
    review.review(proposal, neighbourhood.users["officer"], "needs_changes", "Cost the tea.")
    round_ = neighbourhood.rounds["proposals"]
    round_.proposals_close_at = utcnow() - timedelta(days=1)
    db.session.commit()
    sign_in(neighbourhood.users["resident"])
    data = _edit_data(proposal, neighbourhood, action="submit",
                      reason="Costed the tea per session.")
    assert client.post(f"/proposals/{proposal.id}/edit", data=data).status_code == 303
    assert db.session.get(Proposal, proposal.id).status == "submitted"
    round_ = db.session.get(type(round_), round_.id)
    round_.review_close_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    review.review(db.session.get(Proposal, proposal.id), neighbourhood.users["officer"],
                    "needs_changes", "Still unclear.")
    assert client.get(f"/proposals/{proposal.id}/edit").status_code == 302


def test_staff_member_who_typed_a_paper_proposal_can_correct_it(client, neighbourhood, sign_in):
    sign_in(neighbourhood.users["event_staff"])
    data = proposal_form(neighbourhood, paper_name="Edna Pollitt")
    client.post(f"/rounds/{neighbourhood.rounds['proposals'].id}/proposals/paper", data=data)
    proposal = db.session.scalar(select(Proposal))
    page = client.get(f"/proposals/{proposal.id}/edit")
    assert page.status_code == 200 and 'value="Edna Pollitt"' in page.get_data(as_text=True)
    data = proposal_form(neighbourhood, paper_name="Edna Pollitt", title="Hurdsfield Tea Dance",
                     action="save", reason="Typo in the title.")
    assert client.post(f"/proposals/{proposal.id}/edit", data=data).status_code == 303
    version = db.session.get(Proposal, proposal.id).versions[-1]
    assert version.changed_as == "staff" and version.changes["title"][1] == (
        "Hurdsfield Tea Dance")


def test_removing_a_document(client, neighbourhood, sign_in):
    import io

    from tests.factories import MINIMAL_PDF

    sign_in(neighbourhood.users["resident"])
    data = proposal_form(neighbourhood)
    data["document"] = (io.BytesIO(MINIMAL_PDF), "quote.pdf")
    client.post(f"/rounds/{neighbourhood.rounds['proposals'].id}/proposals/new", data=data,
                content_type="multipart/form-data")
    proposal = db.session.scalar(select(Proposal))
    document = proposal.supporting_documents[0]
    sign_in(neighbourhood.users["resident2"])
    assert client.post(f"/proposals/{proposal.id}/files/{document.id}/remove").status_code \
        == 403
    sign_in(neighbourhood.users["resident"])
    assert client.post(f"/proposals/{proposal.id}/files/{document.id}/remove").status_code \
        == 303
    proposal = db.session.get(Proposal, proposal.id)
    assert proposal.supporting_documents == []
    assert proposal.versions[-1].changes["documents"] == [["quote.pdf"], []]


def test_history_starts_with_creation_then_the_first_version_when_they_share_a_moment(
        client, neighbourhood, sign_in):
    sign_in(neighbourhood.users["resident"])
    client.post(f"/rounds/{neighbourhood.rounds['proposals'].id}/proposals/new",
                data=proposal_form(neighbourhood))
    proposal = db.session.scalar(select(Proposal))
    moment = proposal.versions[0].changed_at
    for change in proposal.status_changes:  # as when both are written in one instant
        change.changed_at = moment
    db.session.commit()
    steps = [(e["kind"], getattr(e["item"], "to_status", None))
             for e in history.history(proposal)]
    assert steps[:2] == [("status", "draft"), ("version", None)], steps
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert page.index("Created as a draft") < page.index("First version")
