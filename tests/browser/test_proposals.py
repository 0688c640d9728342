"""Proposals in a real browser: submit with three budget lines, review, browse by ward."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from pb.extensions import db
from pb.models import Ward
from tests.factories import proposal_with_lines

pytestmark = pytest.mark.browser

TITLE = "Tytherington Walking Netball"


def test_resident_submits_officer_marks_eligible_public_list_filters_by_ward(
        live_app, neighbourhood, page, browser_sign_in):
    round_id = neighbourhood.rounds["proposals"].id
    with live_app.app_context():
        from pb.models import Round

        round_ = db.session.get(Round, round_id)
        hurdsfield = db.session.scalar(db.select(Ward).filter_by(
            name="Macclesfield Hurdsfield"))
        proposal_with_lines(round_, "Hurdsfield Seed Swap", [("Seeds", 600_00)],
                            status="eligible", wards=[hurdsfield])

    # A resident puts forward a proposal with three budget lines.
    browser_sign_in(page, neighbourhood.users["resident"].email)
    page.goto(f"/rounds/{round_id}/proposals/new")
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Summary in one line").fill("Weekly walking netball for women over 40.")
    page.get_by_label("Full description").fill("Gentle netball at **Tytherington** school.")
    page.get_by_label("Who will deliver it").fill("Silk Town Walkers")
    page.get_by_label("People in particular wards").check()
    page.get_by_label("Macclesfield Tytherington").check()
    page.get_by_label("Physical activity", exact=True).check()
    page.get_by_label("Improved physical activity").check()
    for index, (what, cost) in enumerate([("Qualified coach", "900.00"),
                                          ("Sports hall hire", "650.50"),
                                          ("Bibs and balls", "120")], start=1):
        page.get_by_label(f"Budget line {index}: what it is for").fill(what)
        page.get_by_label(f"Budget line {index}: cost in pounds").fill(cost)
    # htmx keeps a running total as the amounts are typed.
    expect(page.locator("#budget-total")).to_contain_text("Total: £1,670.50")
    page.get_by_role("button", name="Submit proposal").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.locator(".flashes")).to_contain_text("submitted")
    expect(page.locator("tfoot")).to_contain_text("£1,670.50")

    # An officer marks it eligible from the review screen; the row updates in place.
    page.get_by_role("button", name="Sign out").click()
    browser_sign_in(page, neighbourhood.users["officer"].email)
    page.goto(f"/rounds/{round_id}/proposals/review")
    row = page.locator("tr", has_text=TITLE)
    row.get_by_label(re.compile("^Decision")).select_option(label="Mark eligible")
    row.get_by_role("button", name=re.compile("^Apply")).click()
    expect(page.locator("tr", has_text=TITLE)).to_contain_text("Eligible")
    # The counts above the list follow the decision (out-of-band swap).
    counts = page.locator("#review-counts")
    expect(counts).to_contain_text("Submitted: 0")
    expect(counts).to_contain_text("Eligible: 2")
    expect(page.locator("tr", has_text=TITLE).get_by_label(
        re.compile("^Decision"))).to_contain_text("Put on the ballot")

    # The public list, filtered live by its ward, shows it (and not the other ward's).
    page.get_by_role("button", name="Sign out").click()
    page.goto(f"/rounds/{round_id}/proposals")
    expect(page.locator("#proposal-results")).to_contain_text("Hurdsfield Seed Swap")
    page.get_by_label("Ward").select_option(label="Macclesfield Tytherington")
    results = page.locator("#proposal-results")
    expect(results).not_to_contain_text("Hurdsfield Seed Swap")
    expect(results.get_by_role("link", name=TITLE)).to_be_visible()
    expect(results).to_contain_text("Eligible")
    expect(page).to_have_url(re.compile(r"ward=\d+"))
