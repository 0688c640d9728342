"""Submitting, editing (versioned), the review workflow, merging, withdrawing, supports."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from pb.errors import NotAllowed
from pb.extensions import db
from pb.models import AuditEntry
from pb.models.base import utcnow
from pb.models.proposal import Proposal, ProposalSupport
from pb.proposals import history, queries, review, services, supports, validation
from tests import factories
from tests.factories import proposal_form, proposal_with_lines

LINES = [("Hall hire", 600_00), ("Refreshments", 150_00)]


def _count(model=Proposal) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _make(neighbourhood, status="submitted", title="Tytherington Walking Netball", **kw):
    kw.setdefault("proposer", neighbourhood.users["resident"])
    kw.setdefault("wards", [neighbourhood.wards["Macclesfield Tytherington"]])
    return proposal_with_lines(neighbourhood.rounds["proposals"], title, LINES, status=status, **kw)


# Submitting ------------------------------------------------------------------------------------

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
    client.post(f"/rounds/{round_.id}/proposals/new", data=proposal_form(neighbourhood, action="draft"))
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
    response = client.post(f"/rounds/{neighbourhood.rounds['proposals'].id}/proposals/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'id="{field}-error"' in page or f'href="#{field}' in page
    assert message in page
    assert 'value="Hurdsfield Community Centre volunteers"' in page or field == "delivered_by"
    assert _count() == 0


def test_over_budget_is_explained_in_pounds(client, neighbourhood, sign_in):
    sign_in(neighbourhood.users["resident"])
    data = proposal_form(neighbourhood, **{"lines-0-amount": "11,800.00"})
    response = client.post(f"/rounds/{neighbourhood.rounds['proposals'].id}/proposals/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert ("Your budget lines add up to £12,450.00, but the most a project can cost in this "
            "round is £10,000.") in page
    assert 'value="11,800.00"' in page  # what was typed is kept


def test_under_the_minimum_and_over_a_ward_budget(neighbourhood):
    round_ = neighbourhood.rounds["voting"]
    assert validation.budget_problem(round_, [("Tea", 100_00)], [], True) == (
        "Your budget lines add up to £100.00, but the least a project can cost in this round "
        "is £500.")
    from pb.models import RoundWardBudget

    ward = neighbourhood.wards["Macclesfield South"]
    round_.ward_budgets.append(RoundWardBudget(ward_id=ward.id, budget_pence=6_000_00))
    db.session.flush()
    assert validation.budget_problem(round_, [("Coach", 7_000_00)], [ward.id], False) == (
        "Your budget lines add up to £7,000.00, but the budget for Macclesfield South in this "
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


# Editing and versions --------------------------------------------------------------------------

def _edit_data(proposal, neighbourhood, **override):
    data = proposal_form(neighbourhood, title=proposal.title, action="save", reason="")
    data.update(override)
    return data


def test_proposer_edits_before_the_deadline_and_cost_history_is_kept(client, neighbourhood, sign_in):
    sign_in(neighbourhood.users["resident"])
    client.post(f"/rounds/{neighbourhood.rounds['proposals'].id}/proposals/new", data=proposal_form(neighbourhood))
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
    assert "£1,450.00 → £1,550.00" in page and "The café supplier put prices up." in page


def test_after_the_deadline_only_officers_edit_and_must_give_a_reason(client, neighbourhood, sign_in):
    proposal = _make(neighbourhood)
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
    proposal = _make(neighbourhood)
    with pytest.raises(NotAllowed):
        services.edit_mode(proposal, neighbourhood.users["other_officer"])
    with pytest.raises(NotAllowed):
        services.edit_mode(proposal, neighbourhood.users["resident2"])


def test_nothing_changes_once_voting_opens(neighbourhood):
    proposal = proposal_with_lines(neighbourhood.rounds["voting"], "Central Lunch Club", LINES,
                                   proposer=neighbourhood.users["resident"], status="shortlisted")
    with pytest.raises(services.ProposalError, match="Voting has opened"):
        services.edit_mode(proposal, neighbourhood.users["officer"])
    with pytest.raises(services.ProposalError, match="Voting has opened"):
        review.review(proposal, neighbourhood.users["officer"], "reconsider", "Changed our mind")
    with pytest.raises(services.ProposalError, match="Voting has opened"):
        review.withdraw(proposal, neighbourhood.users["resident"])


# Review transitions ----------------------------------------------------------------------------

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
    proposal = _make(neighbourhood, status=start)
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
    proposal = _make(neighbourhood, status=start)
    with pytest.raises(services.ProposalError):
        review.review(proposal, neighbourhood.users["officer"], action, "A reason")
    assert db.session.get(Proposal, proposal.id).status == start


@pytest.mark.parametrize("action", ["ineligible", "needs_changes"])
def test_ineligible_and_needs_changes_need_a_reason(neighbourhood, action):
    proposal = _make(neighbourhood, status="under_review")
    with pytest.raises(services.ProposalError) as error:
        review.review(proposal, neighbourhood.users["officer"], action, "  ")
    assert "reason" in error.value.errors


@pytest.mark.parametrize("who", ["resident", "resident2", "event_staff", "scrutiny",
                                 "other_officer", "grant_officer"])
def test_only_the_partnerships_officers_review(neighbourhood, who):
    proposal = _make(neighbourhood)
    with pytest.raises(NotAllowed):
        review.review(proposal, neighbourhood.users[who], "start_review")
    assert proposal.status == "submitted"


def test_shortlist_needs_the_rounds_supports(neighbourhood):
    proposal = _make(neighbourhood, status="eligible")  # the round needs 3 supports
    with pytest.raises(services.ProposalError, match="needs 3 supports"):
        review.review(proposal, neighbourhood.users["officer"], "shortlist")
    for index in range(3):
        user = factories.make_user(f"fan{index}@example.org", f"Fan{index}")
        supports.support(proposal, user)
    review.review(proposal, neighbourhood.users["officer"], "shortlist")
    assert proposal.status == "shortlisted"


def test_ineligible_reason_is_public(client, neighbourhood):
    proposal = _make(neighbourhood, status="under_review")
    review.review(proposal, neighbourhood.users["officer"], "ineligible",
                    "The fund cannot pay for private gym memberships.")
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "The fund cannot pay for private gym memberships." in page


def test_needs_changes_goes_back_to_the_proposer_who_resubmits(client, neighbourhood, sign_in, outbox):
    proposal = _make(neighbourhood, status="under_review")
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
    proposal = _make(neighbourhood)
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
    _make(neighbourhood, title="Tytherington Walking Netball")
    _make(neighbourhood, status="eligible", title="Hurdsfield Seed Swap")
    _make(neighbourhood, status="draft", title="Secret Draft Idea")
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
    proposal = _make(neighbourhood)
    sign_in(neighbourhood.users["resident2"])
    assert client.post(f"/proposals/{proposal.id}/withdraw").status_code == 403
    sign_in(neighbourhood.users["resident"])
    assert client.post(f"/proposals/{proposal.id}/withdraw",
                       data={"reason": ""}).status_code == 303
    assert db.session.get(Proposal, proposal.id).status == "withdrawn"


def test_officer_withdraws_with_a_reason(neighbourhood):
    proposal = _make(neighbourhood)
    with pytest.raises(services.ProposalError):
        review.withdraw(proposal, neighbourhood.users["officer"], "")
    review.withdraw(proposal, neighbourhood.users["officer"], "The group has folded.")
    assert proposal.status == "withdrawn"
    with pytest.raises(NotAllowed):
        review.withdraw(_make(neighbourhood, title="Another"), neighbourhood.users["other_officer"], "No")


def test_merge_carries_supports_and_history(client, neighbourhood):
    keep = _make(neighbourhood, title="Hurdsfield Knit and Natter")
    fold = _make(neighbourhood, title="Knitting Group for Hurdsfield", proposer=neighbourhood.users["resident2"])
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
    other_round = proposal_with_lines(neighbourhood.rounds["voting"], "Elsewhere", LINES)
    with pytest.raises(services.ProposalError):
        review.merge(keep, other_round, neighbourhood.users["officer"], "No")


# Supports --------------------------------------------------------------------------------------

def test_one_support_each_counted_and_shown(client, neighbourhood, sign_in):
    proposal = _make(neighbourhood)
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
    proposal = _make(neighbourhood)
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
    proposal = proposal_with_lines(neighbourhood.rounds["voting"], "Central Lunch Club", LINES,
                                   status="shortlisted")
    with pytest.raises(services.ProposalError, match="only while"):
        supports.support(proposal, neighbourhood.users["resident2"])


# Notifications ---------------------------------------------------------------------------------

def test_daily_digest_command(runner, neighbourhood, outbox):
    _make(neighbourhood, title="Fresh Idea One")
    _make(neighbourhood, title="Fresh Idea Two")
    old = _make(neighbourhood, title="Last Month's Idea")
    old.submitted_at = utcnow() - timedelta(days=30)
    proposal_with_lines(neighbourhood.rounds["other"], "Congleton Idea", LINES)
    db.session.commit()
    result = runner.invoke(args=["proposals-digest"])
    assert result.exit_code == 0, result.output
    to_macc = {m["To"] for m in outbox}
    assert neighbourhood.users["officer"].email in to_macc and neighbourhood.users["officer2"].email in to_macc
    body = next(m for m in outbox if m["To"] == neighbourhood.users["officer"].email).get_content()
    assert "Fresh Idea One" in body and "Fresh Idea Two" in body
    assert "Last Month's Idea" not in body and "Congleton Idea" not in body
    assert neighbourhood.users["resident"].email not in to_macc
    help_text = runner.invoke(args=["proposals-digest", "--help"]).output
    assert "cron" in help_text


def test_digest_with_nothing_new_sends_nothing(runner, neighbourhood, outbox):
    result = runner.invoke(args=["proposals-digest"])
    assert result.exit_code == 0 and "no email sent" in result.output
    assert outbox == []


# More of the pages -----------------------------------------------------------------------------

def test_needs_changes_can_be_fixed_after_the_deadline_until_review_ends(client, neighbourhood, sign_in):
    proposal = _make(neighbourhood, status="under_review")
    review.review(proposal, neighbourhood.users["officer"], "needs_changes", "Cost the tea.")
    round_ = neighbourhood.rounds["proposals"]
    round_.proposals_close_at = utcnow() - timedelta(days=1)
    db.session.commit()
    sign_in(neighbourhood.users["resident"])
    data = _edit_data(proposal, neighbourhood, action="submit", reason="Costed the tea per session.")
    assert client.post(f"/proposals/{proposal.id}/edit", data=data).status_code == 303
    assert db.session.get(Proposal, proposal.id).status == "submitted"
    round_ = db.session.get(type(round_), round_.id)
    round_.review_close_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    review.review(db.session.get(Proposal, proposal.id), neighbourhood.users["officer"],
                    "needs_changes", "Still unclear.")
    assert client.get(f"/proposals/{proposal.id}/edit").status_code == 302


def test_withdraw_page_needs_a_reason_from_officers(client, neighbourhood, sign_in):
    proposal = _make(neighbourhood)
    sign_in(neighbourhood.users["officer"])
    assert client.get(f"/proposals/{proposal.id}/withdraw").status_code == 200
    response = client.post(f"/proposals/{proposal.id}/withdraw", data={"reason": ""})
    assert response.status_code == 400
    assert "Say why you are withdrawing" in response.get_data(as_text=True)
    assert client.post(f"/proposals/{proposal.id}/withdraw",
                       data={"reason": "Duplicate of a council service."}).status_code == 303
    assert db.session.get(Proposal, proposal.id).status == "withdrawn"


def test_merge_page(client, neighbourhood, sign_in):
    keep = _make(neighbourhood, title="Hurdsfield Knit and Natter")
    fold = _make(neighbourhood, title="Knitting Group for Hurdsfield")
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
    response = client.post(f"/rounds/{neighbourhood.rounds['proposals'].id}/proposals/new", data=data)
    assert response.status_code in (303, 400)
    proposal = db.session.scalar(select(Proposal))
    if proposal is not None:
        assert "\x00" not in proposal.title + proposal.description
        assert all("\x00" not in line.description for line in proposal.budget_lines)


@pytest.mark.parametrize("query", ["?q=%00", "?q=a%00b", "?min=%00", "?page=-1",
                                   "?page=99999999999999999999", "?sort=%00",
                                   "?max=99999999999999999", "?ward=99999999999999999999"])
def test_odd_browse_queries_never_cause_a_500(client, neighbourhood, query):
    response = client.get(f"/rounds/{neighbourhood.rounds['proposals'].id}/proposals{query}")
    assert response.status_code == 200


def test_odd_review_reasons_are_cleaned(neighbourhood):
    proposal = _make(neighbourhood, status="under_review")
    review.review(proposal, neighbourhood.users["officer"], "ineligible", "Not\x00 eligible")
    assert proposal.status_reason == "Not eligible"


@pytest.mark.parametrize("url", ["/proposals/99999999999999", "/proposals/1/files/99999999999999",
                                 "/api/v1/rounds/1/proposals?status=%00",
                                 "/rounds/99999999999999/proposals",
                                 "/api/v1/rounds/99999999999999/proposals"])
def test_huge_ids_are_not_found_not_errors(client, neighbourhood, url):
    _make(neighbourhood)
    assert client.get(url).status_code in (200, 404)
