"""Putting a proposal forward: online (draft or submitted), once only, from paper; bad
input is explained next to the field and never causes a 500."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from pb.extensions import db
from pb.models import AuditEntry
from pb.models.proposal import Proposal
from pb.proposals import validation
from tests.factories import proposal_form


def _count(model=Proposal) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _new(neighbourhood) -> str:
    return f"/rounds/{neighbourhood.rounds['proposals'].id}/proposals/new"


def test_resident_submits_a_costed_proposal(client, neighbourhood, sign_in, outbox):
    sign_in(neighbourhood.users["resident"])
    round_ = neighbourhood.rounds["proposals"]
    response = client.post(f"/rounds/{round_.id}/proposals/new", data=proposal_form(neighbourhood))
    assert response.status_code == 303
    proposal = db.session.scalar(select(Proposal))
    assert proposal.status == "submitted" and proposal.submitted_at is not None
    assert proposal.cost_pence == 1_450_00
    assert [line.amount_pence for line in proposal.budget_lines] == [800_00, 400_00, 250_00]
    assert proposal.outcomes == ["social_isolation", "mental_health"]
    assert proposal.wards == [neighbourhood.wards["Macclesfield Hurdsfield"]]
    assert "<strong>every Tuesday</strong>" in proposal.description_html
    assert outbox and outbox[-1]["To"] == neighbourhood.users["resident"].email
    assert "Submitted" in outbox[-1]["Subject"]
    assert db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "proposal.created")) is not None


def test_saving_a_draft_keeps_it_private(client, neighbourhood, sign_in):
    sign_in(neighbourhood.users["resident"])
    round_ = neighbourhood.rounds["proposals"]
    client.post(f"/rounds/{round_.id}/proposals/new",
                data=proposal_form(neighbourhood, action="draft"))
    proposal = db.session.scalar(select(Proposal))
    assert proposal.status == "draft" and proposal.submitted_at is None
    client.post("/account/logout")
    assert client.get(f"/proposals/{proposal.id}").status_code == 404
    assert "Hurdsfield Dementia Café" not in client.get(
        f"/rounds/{round_.id}/proposals").get_data(as_text=True)


def test_double_submission_creates_one_proposal(client, neighbourhood, sign_in):
    sign_in(neighbourhood.users["resident"])
    url = f"/rounds/{neighbourhood.rounds['proposals'].id}/proposals/new"
    first = client.post(url, data=proposal_form(neighbourhood))
    second = client.post(url, data=proposal_form(neighbourhood))
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert _count() == 1


def test_someone_else_cannot_reuse_an_idempotency_key(client, neighbourhood, sign_in):
    sign_in(neighbourhood.users["resident"])
    url = f"/rounds/{neighbourhood.rounds['proposals'].id}/proposals/new"
    client.post(url, data=proposal_form(neighbourhood))
    sign_in(neighbourhood.users["resident2"])
    assert client.post(url, data=proposal_form(neighbourhood)).status_code == 403
    assert _count() == 1


@pytest.mark.parametrize("override, field, message", [
    ({"title": ""}, "title", "Give your proposal a short title."),
    ({"delivered_by": ""}, "delivered_by", "Say who will run the project."),
    ({"wards": []}, "wards", "Choose the ward or wards the project serves"),
    ({"outcomes": []}, "outcomes", "Choose at least one outcome"),
    ({"lines-1-amount": "12.345"}, "lines-1-amount", "Enter an amount in pounds and pence"),
    ({"lines-2-description": ""}, "lines-2-description", "Say what this amount is for."),
    ({"lines-0-amount": "-5"}, "lines-0-amount", "above £0"),
    ({"organisation_id": "999"}, "organisation_id", "organisations you belong to"),
])
def test_bad_input_is_explained_next_to_the_field(client, neighbourhood, sign_in, override, field,
                                                  message):
    sign_in(neighbourhood.users["resident"])
    data = proposal_form(neighbourhood, **override)
    response = client.post(_new(neighbourhood), data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'id="{field}-error"' in page or f'href="#{field}' in page
    assert message in page
    assert 'value="Hurdsfield Community Centre volunteers"' in page or field == "delivered_by"
    assert _count() == 0


def test_over_budget_is_explained_in_pounds(client, neighbourhood, sign_in):
    sign_in(neighbourhood.users["resident"])
    data = proposal_form(neighbourhood, **{"lines-0-amount": "11,800.00"})
    response = client.post(_new(neighbourhood), data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert ("Your budget lines add up to £12,450, but the most a project can cost in this "
            "round is £10,000.") in page
    assert 'value="11,800.00"' in page  # what was typed is kept


def test_under_the_minimum_and_over_a_ward_budget(neighbourhood):
    round_ = neighbourhood.rounds["voting"]
    assert validation.budget_problem(round_, [("Tea", 100_00)], [], True) == (
        "Your budget lines add up to £100, but the least a project can cost in this round "
        "is £500.")
    from pb.models import RoundWardBudget

    ward = neighbourhood.wards["Macclesfield South"]
    round_.ward_budgets.append(RoundWardBudget(ward_id=ward.id, budget_pence=6_000_00))
    db.session.flush()
    assert validation.budget_problem(round_, [("Coach", 7_000_00)], [ward.id], False) == (
        "Your budget lines add up to £7,000, but the budget for Macclesfield South in this "
        "round is £6,000.")
    assert validation.budget_problem(round_, [("Coach", 5_999_99)], [ward.id], False) is None


def test_proposals_only_while_the_round_takes_them(client, neighbourhood, sign_in):
    sign_in(neighbourhood.users["resident"])
    round_ = neighbourhood.rounds["voting"]
    assert client.get(f"/rounds/{round_.id}/proposals/new").status_code == 302
    response = client.post(f"/rounds/{round_.id}/proposals/new", data=proposal_form(neighbourhood))
    assert response.status_code == 400
    assert "not taking proposals" in response.get_data(as_text=True)


def test_paper_proposal_is_recorded_as_such(client, neighbourhood, sign_in):
    sign_in(neighbourhood.users["event_staff"])
    data = proposal_form(neighbourhood, paper_name="Edna Pollitt", paper_contact="01625 000111")
    response = client.post(f"/rounds/{neighbourhood.rounds['proposals'].id}/proposals/paper",
                           data=data)
    assert response.status_code == 303
    proposal = db.session.scalar(select(Proposal))
    assert proposal.is_paper and proposal.proposer_id is None
    assert proposal.entered_on_behalf_by_id == neighbourhood.users["event_staff"].id
    assert proposal.status == "submitted"
    client.post("/account/logout")
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Edna" in page and "handed in on paper" in page
    assert "01625 000111" not in page and "Pollitt" not in page


def test_residents_cannot_enter_paper_proposals(client, neighbourhood, sign_in):
    sign_in(neighbourhood.users["resident"])
    data = proposal_form(neighbourhood, paper_name="Edna Pollitt")
    assert client.post(f"/rounds/{neighbourhood.rounds['proposals'].id}/proposals/paper",
                       data=data).status_code == 403


@pytest.mark.parametrize("override", [
    {"title": "Tea\x00 and chat"}, {"description": "A\x00B " * 50},
    {"lines-0-description": "Hall\x00"}, {"wards": ["abc"]}, {"wards": ["999999"]},
    {"themes": ["-1"]}, {"outcomes": ["<script>"]}, {"organisation_id": "x"},
    {"where": "everywhere"}, {"lines-0-amount": "1e9"}, {"lines-0-amount": "99999999999"},
    {"title": "x" * 5000}, {"idempotency_key": "a\x00b"}, {"lines-7-amount": "£0.01"},
])
def test_odd_input_never_causes_a_500(client, neighbourhood, sign_in, override):
    sign_in(neighbourhood.users["resident"])
    data = proposal_form(neighbourhood, **override)
    response = client.post(_new(neighbourhood), data=data)
    assert response.status_code in (303, 400)
    proposal = db.session.scalar(select(Proposal))
    if proposal is not None:
        assert "\x00" not in proposal.title + proposal.description
        assert all("\x00" not in line.description for line in proposal.budget_lines)
