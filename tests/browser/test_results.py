"""A resident on a phone (360 px) opens a published result, finds why a project was not
funded, and opens the technical detail of the count."""

from __future__ import annotations

from playwright.sync_api import expect

from pb.extensions import db
from pb.models import User
from pb.results import services
from tests import factories

# Project index -> supporters; greedy by votes funds walking, cafe and shed (£16,500) and
# cinema (£6,000, 3 votes) no longer fits in the £3,500 left.
APPROVALS = [[0, 1], [0, 1], [0, 1], [0, 3], [0, 3], [1, 2], [1, 2], [2, 4], [4, 5], [5], [3, 5],
             [0, 2], [1]]


def _published_round(live_app) -> int:
    with live_app.app_context():
        hood = factories.build_neighbourhood()
        db.session.commit()
        round_, projects = factories.make_ballot_round(
            hood, name="Macclesfield phone results", budget_pence=20_000_00,
            max_project_cost_pence=10_000_00)
        for n, ballot in enumerate(APPROVALS):
            factories.cast_for(round_, factories.make_voter(n), {projects[i].id: 1 for i in ballot})
        factories.close_voting(round_)
        officer = db.session.get(User, hood.users["officer"].id)
        officer2 = db.session.get(User, hood.users["officer2"].id)
        services.tally(round_, officer)
        services.certify(round_, officer2)
        round_id = round_.id
        db.session.remove()
    return round_id


def test_a_resident_on_a_phone_finds_why_a_project_was_not_funded(live_app, page):
    round_id = _published_round(live_app)
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"/rounds/{round_id}/results")
    expect(page.get_by_role("heading", name="Results")).to_be_visible()

    # Each project is a card with its verdict first; nothing scrolls sideways.
    card = page.locator(".result-card", has_text="Dementia-friendly cinema")
    card.scroll_into_view_if_needed()
    expect(card.locator(".result-verdict")).to_have_text("Not funded")
    expect(card.locator(".result-reason")).to_contain_text(
        "£3,500 was left when its turn came and it costs £6,000")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    box = card.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    # The verdict comes before the title in the card.
    verdict_y = card.locator(".result-verdict").bounding_box()["y"]
    reason_y = card.locator(".result-reason").bounding_box()["y"]
    assert verdict_y < reason_y

    # The technical detail is closed until asked for, then shows the rule's code and trace.
    trace = page.locator("#technical .technical-trace")
    expect(trace).to_be_hidden()
    page.get_by_text("The technical detail of the count").click()
    expect(trace).to_be_visible()
    expect(trace).to_contain_text("Not funded: ranked 4th of 6 by votes")
    expect(page.locator("#technical")).to_contain_text("greedy-approval")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def _rollover_rounds(live_app) -> tuple[int, int, dict]:
    """A certified round whose Hurdsfield budget left £1,000 that rolls over, and the next
    round of the same area, still taking proposals, with a Hurdsfield budget of £3,000."""
    with live_app.app_context():
        hood = factories.build_neighbourhood()
        db.session.commit()
        hurdsfield = hood.wards["Macclesfield Hurdsfield"]
        first, _ = factories.make_ballot_round(
            hood, name="Hurdsfield Health Fund 2026", projects=[], budget_pence=9_500_00,
            ward_leftover="rollover")
        factories.add_ward_budgets(first, {hurdsfield: 5_000_00})
        allotment = factories.make_proposal(first, "Hurdsfield allotment", 4_000_00,
                                            wards=[hurdsfield])
        db.session.commit()
        factories.cast_for(first, factories.make_voter(1), {allotment.id: 1})
        factories.close_voting(first)
        services.tally(first, db.session.get(User, hood.users["officer"].id))
        services.certify(first, db.session.get(User, hood.users["officer2"].id))
        later = factories.make_round(hood.partnership, "Hurdsfield Health Fund 2027",
                                     budget_pence=20_000_00)
        factories.add_ward_budgets(later, {hurdsfield: 3_000_00})
        ids = (first.id, later.id)
        email = hood.users["officer"].email
        db.session.remove()
    return ids[0], ids[1], {"email": email}


def test_an_officer_carries_a_wards_leftover_into_the_next_round(live_app, page,
                                                                 browser_sign_in):
    first_id, later_id, officer = _rollover_rounds(live_app)
    browser_sign_in(page, officer["email"])
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(f"/admin/rounds/{later_id}/edit")
        note = page.locator(".carry-over-note")
        expect(note).to_contain_text("£1,000 left in ward budgets of earlier rounds")
        note.get_by_role("link", name="Review and add the carried money").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Money carried over from earlier rounds")
        expect(page.locator(".carry-over")).to_contain_text("£3,000, becomes £4,000")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.get_by_role("button", name="Add the carried money to this round").click()
    expect(page.get_by_text("No money is waiting to be carried into this round.")).to_be_visible()
    expect(page.locator("main")).to_contain_text(
        "£1,000 for Macclesfield Hurdsfield ward, from Hurdsfield Health Fund 2026")
    page.goto(f"/rounds/{later_id}")
    expect(page.locator("main")).to_contain_text(
        "Macclesfield Hurdsfield's budget includes £1,000")
    page.goto(f"/rounds/{first_id}/results")
    expect(page.locator(".money-story")).to_contain_text(
        "added to Macclesfield Hurdsfield ward's budget in Hurdsfield Health Fund 2027")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
