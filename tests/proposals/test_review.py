"""The review: each transition by an officer, reasons, shortlisting, the review screen,
withdrawing and merging."""

from __future__ import annotations

import pytest

from pb.errors import NotAllowed
from pb.extensions import db
from pb.models.proposal import Proposal, ProposalSupport
from pb.proposals import queries, review, services, supports
from tests import factories
from tests.factories import BUDGET_LINES, proposal_with_lines, resident_proposal

TRANSITIONS = [
    ("submitted", "start_review", "", "under_review"),
    ("submitted", "eligible", "", "eligible"),
    ("under_review", "eligible", "", "eligible"),
    ("under_review", "ineligible", "Pays for a private business.", "ineligible"),
    ("eligible", "ineligible", "Duplicates a council service.", "ineligible"),
    ("under_review", "needs_changes", "Please split the equipment line.", "needs_changes"),
    ("eligible", "shortlist", "", "shortlisted"),
    ("shortlisted", "reconsider", "Venue fell through.", "under_review"),
    ("ineligible", "reconsider", "New evidence.", "under_review"),
]


@pytest.mark.parametrize("start, action, reason, end", TRANSITIONS)
def test_each_transition_by_an_officer(neighbourhood, outbox, start, action, reason, end):
    proposal = resident_proposal(neighbourhood, status=start)
    for user in factories.make_user("s1@example.org", "Ann"), factories.make_user(
            "s2@example.org", "Bo"), factories.make_user("s3@example.org", "Cy"):
        db.session.add(ProposalSupport(proposal_id=proposal.id, user_id=user.id))
    db.session.commit()
    review.review(proposal, neighbourhood.users["officer"], action, reason)
    assert proposal.status == end
    change = proposal.status_changes[-1]
    assert (change.from_status, change.to_status, change.reason) == (start, end, reason)
    assert change.changed_by_id == neighbourhood.users["officer"].id
    assert outbox[-1]["To"] == neighbourhood.users["resident"].email
    assert proposal.status_label in outbox[-1]["Subject"]
    if reason and end in ("ineligible", "needs_changes"):
        assert reason in outbox[-1].get_content()


@pytest.mark.parametrize("start, action", [
    ("draft", "start_review"), ("submitted", "shortlist"), ("ineligible", "eligible"),
    ("withdrawn", "eligible"), ("merged", "start_review"), ("shortlisted", "shortlist"),
])
def test_transitions_that_are_not_allowed(neighbourhood, start, action):
    proposal = resident_proposal(neighbourhood, status=start)
    with pytest.raises(services.ProposalError):
        review.review(proposal, neighbourhood.users["officer"], action, "A reason")
    assert db.session.get(Proposal, proposal.id).status == start


@pytest.mark.parametrize("action", ["ineligible", "needs_changes"])
def test_ineligible_and_needs_changes_need_a_reason(neighbourhood, action):
    proposal = resident_proposal(neighbourhood, status="under_review")
    with pytest.raises(services.ProposalError) as error:
        review.review(proposal, neighbourhood.users["officer"], action, "  ")
    assert "reason" in error.value.errors


@pytest.mark.parametrize("who", ["resident", "resident2", "event_staff", "scrutiny",
                                 "other_officer", "grant_officer"])
def test_only_the_partnerships_officers_review(neighbourhood, who):
    proposal = resident_proposal(neighbourhood)
    with pytest.raises(NotAllowed):
        review.review(proposal, neighbourhood.users[who], "start_review")
    assert proposal.status == "submitted"


def test_shortlist_needs_the_rounds_supports(neighbourhood):
    proposal = resident_proposal(neighbourhood, status="eligible")  # the round needs 3 supports
    with pytest.raises(services.ProposalError, match="needs 3 supports"):
        review.review(proposal, neighbourhood.users["officer"], "shortlist")
    for index in range(3):
        user = factories.make_user(f"fan{index}@example.org", f"Fan{index}")
        supports.support(proposal, user)
    review.review(proposal, neighbourhood.users["officer"], "shortlist")
    assert proposal.status == "shortlisted"


def test_ineligible_reason_is_public(client, neighbourhood):
    proposal = resident_proposal(neighbourhood, status="under_review")
    review.review(proposal, neighbourhood.users["officer"], "ineligible",
                    "The fund cannot pay for private gym memberships.")
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "The fund cannot pay for private gym memberships." in page


def test_needs_changes_goes_back_to_the_proposer_who_resubmits(client, neighbourhood, sign_in,
                                                               outbox):
    proposal = resident_proposal(neighbourhood, status="under_review")
    review.review(proposal, neighbourhood.users["officer"], "needs_changes",
                    "Please cost the refreshments per session.")
    sign_in(neighbourhood.users["resident"])
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Please cost the refreshments per session." in page
    client.post("/account/logout")
    public = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Please cost the refreshments per session." not in public
    sign_in(neighbourhood.users["resident"])
    response = client.post(f"/proposals/{proposal.id}/submit")
    assert response.status_code == 303
    assert db.session.get(Proposal, proposal.id).status == "submitted"


def test_review_row_updates_in_place_with_htmx(client, neighbourhood, sign_in):
    proposal = resident_proposal(neighbourhood)
    sign_in(neighbourhood.users["officer"])
    response = client.post(f"/proposals/{proposal.id}/review", data={"action": "eligible"},
                           headers={"HX-Request": "true"})
    row = response.get_data(as_text=True)
    assert response.status_code == 200
    assert row.lstrip().startswith("<tr") and "<html" not in row
    assert "Eligible" in row
    bad = client.post(f"/proposals/{proposal.id}/review", data={"action": "ineligible"},
                      headers={"HX-Request": "true"})
    assert "Give the reason it is not eligible" in bad.get_data(as_text=True)
    plain = client.post(f"/proposals/{proposal.id}/review",
                        data={"action": "needs_changes", "reason": "Typed reason"})
    assert plain.status_code == 400
    page = plain.get_data(as_text=True)
    assert "cannot be changed with “Ask for changes”" in page
    assert ">Typed reason</textarea>" in page  # what was typed is kept
    plain = client.post(f"/proposals/{proposal.id}/review",
                        data={"action": "ineligible", "reason": "Too late <b>now</b>."})
    assert plain.status_code == 303
    assert db.session.get(Proposal, proposal.id).status == "ineligible"


def test_review_screen_lists_with_counts_and_filters(client, neighbourhood, sign_in):
    resident_proposal(neighbourhood, title="Tytherington Walking Netball")
    resident_proposal(neighbourhood, status="eligible", title="Hurdsfield Seed Swap")
    resident_proposal(neighbourhood, status="draft", title="Secret Draft Idea")
    sign_in(neighbourhood.users["officer"])
    url = f"/rounds/{neighbourhood.rounds['proposals'].id}/proposals/review"
    page = client.get(url).get_data(as_text=True)
    assert "Tytherington Walking Netball" in page and "Hurdsfield Seed Swap" in page
    assert "Secret Draft Idea" not in page
    assert "Drafts in progress: <strong>1</strong>" in page
    fragment = client.get(url + "?status=eligible", headers={"HX-Request": "true"})
    text = fragment.get_data(as_text=True)
    assert "<html" not in text and "Hurdsfield Seed Swap" in text
    assert "Tytherington Walking Netball" not in text


# Withdraw and merge ----------------------------------------------------------------------------

def test_proposer_withdraws_and_others_cannot(client, neighbourhood, sign_in):
    proposal = resident_proposal(neighbourhood)
    sign_in(neighbourhood.users["resident2"])
    assert client.post(f"/proposals/{proposal.id}/withdraw").status_code == 403
    sign_in(neighbourhood.users["resident"])
    assert client.post(f"/proposals/{proposal.id}/withdraw",
                       data={"reason": ""}).status_code == 303
    assert db.session.get(Proposal, proposal.id).status == "withdrawn"


def test_officer_withdraws_with_a_reason(neighbourhood):
    proposal = resident_proposal(neighbourhood)
    with pytest.raises(services.ProposalError):
        review.withdraw(proposal, neighbourhood.users["officer"], "")
    review.withdraw(proposal, neighbourhood.users["officer"], "The group has folded.")
    assert proposal.status == "withdrawn"
    with pytest.raises(NotAllowed):
        review.withdraw(resident_proposal(neighbourhood, title="Another"),
                        neighbourhood.users["other_officer"], "No")


def test_merge_carries_supports_and_history(client, neighbourhood):
    keep = resident_proposal(neighbourhood, title="Hurdsfield Knit and Natter")
    fold = resident_proposal(neighbourhood, title="Knitting Group for Hurdsfield",
                             proposer=neighbourhood.users["resident2"])
    both = factories.make_user("both@example.org", "Both")
    only_fold = factories.make_user("fold@example.org", "Fold")
    for user, proposal in ((both, keep), (both, fold), (only_fold, fold)):
        db.session.add(ProposalSupport(proposal_id=proposal.id, user_id=user.id))
    db.session.commit()
    with pytest.raises(NotAllowed):
        review.merge(fold, keep, neighbourhood.users["other_officer"], "Same idea")
    with pytest.raises(services.ProposalError):
        review.merge(fold, keep, neighbourhood.users["officer"], "")
    review.merge(fold, keep, neighbourhood.users["officer"], "Same idea, same hall.")
    assert fold.status == "merged" and fold.merged_into_id == keep.id
    assert queries.support_count(keep) == 2 and queries.support_count(fold) == 0
    page = client.get(f"/proposals/{keep.id}").get_data(as_text=True)
    assert "Knitting Group for Hurdsfield" in page and "before it was merged" in page
    other_round = proposal_with_lines(neighbourhood.rounds["voting"], "Elsewhere", BUDGET_LINES)
    with pytest.raises(services.ProposalError):
        review.merge(keep, other_round, neighbourhood.users["officer"], "No")


def test_withdraw_page_needs_a_reason_from_officers(client, neighbourhood, sign_in):
    proposal = resident_proposal(neighbourhood)
    sign_in(neighbourhood.users["officer"])
    assert client.get(f"/proposals/{proposal.id}/withdraw").status_code == 200
    response = client.post(f"/proposals/{proposal.id}/withdraw", data={"reason": ""})
    assert response.status_code == 400
    assert "Say why you are withdrawing" in response.get_data(as_text=True)
    assert client.post(f"/proposals/{proposal.id}/withdraw",
                       data={"reason": "Duplicate of a council service."}).status_code == 303
    assert db.session.get(Proposal, proposal.id).status == "withdrawn"


def test_merge_page(client, neighbourhood, sign_in):
    keep = resident_proposal(neighbourhood, title="Hurdsfield Knit and Natter")
    fold = resident_proposal(neighbourhood, title="Knitting Group for Hurdsfield")
    sign_in(neighbourhood.users["officer"])
    page = client.get(f"/proposals/{fold.id}/merge").get_data(as_text=True)
    assert "Hurdsfield Knit and Natter" in page
    bad = client.post(f"/proposals/{fold.id}/merge", data={"target_id": "0", "reason": ""})
    assert bad.status_code == 400
    assert "Choose another proposal" in bad.get_data(as_text=True)
    response = client.post(f"/proposals/{fold.id}/merge",
                           data={"target_id": str(keep.id), "reason": "Same idea."})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/proposals/{keep.id}")


def test_odd_review_reasons_are_cleaned(neighbourhood):
    proposal = resident_proposal(neighbourhood, status="under_review")
    review.review(proposal, neighbourhood.users["officer"], "ineligible", "Not\x00 eligible")
    assert proposal.status_reason == "Not eligible"
