"""A resident fills a budget ballot in a real browser; officers count and certify; results show."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from pb.extensions import db
from pb.models import Round
from tests.factories import close_voting, make_ballot_round


def test_budget_ballot_receipt_and_published_results(live_app, neighbourhood, page,
                                                     browser_sign_in):
    with live_app.app_context():
        round_, _projects = make_ballot_round(
            neighbourhood, name="Macclesfield Community Health Fund 2026", design="budget",
            rule="greedy-approval", budget_pence=15_000_00)
        round_id = round_.id

    browser_sign_in(page, neighbourhood.users["resident"].email)
    _vote_for_two_projects(page, round_id)
    _count_and_certify(live_app, page, browser_sign_in, neighbourhood, round_id)

    page.goto(f"/rounds/{round_id}/results")
    expect(page.get_by_role("heading", level=1)).to_have_text("Results")
    funded = page.locator("li.result-funded")
    expect(funded.filter(has_text="Tytherington walking group")).to_contain_text("Funded")
    expect(funded.filter(has_text="Men's Shed tool library")).to_contain_text("Funded")
    expect(page.locator("li.result-not-funded").filter(has_text="Hurdsfield community cafe")
           ).to_contain_text("Not funded")


def _vote_for_two_projects(page, round_id: int) -> None:
    """Fill the budget ballot, watching the running total, and find the receipt on the
    public list of counted ballots."""
    page.goto(f"/rounds/{round_id}")
    page.get_by_role("link", name="Vote now").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your ballot")
    total = page.locator("#ballot-total")
    expect(total).to_contain_text("You have chosen £0 of £15,000")

    # The running total follows the ticks (htmx), including going over the budget.
    page.get_by_label("Tytherington walking group").check()
    expect(total).to_contain_text("You have chosen £4,500 of £15,000")
    page.get_by_label("Men's Shed tool library").check()
    expect(total).to_contain_text("£7,500 of £15,000")
    expect(total).to_contain_text("£7,500 left")
    page.get_by_label("Hurdsfield community cafe").check()
    expect(total).to_contain_text("£1,500 too much")
    page.get_by_label("Hurdsfield community cafe").uncheck()
    expect(total).to_contain_text("£7,500 left")

    page.get_by_role("button", name="Submit my ballot").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your ballot has been received")
    receipt = page.locator("#receipt-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{4}(-[A-Z0-9]{4}){4}", receipt), receipt
    summary = page.locator(".ballot-summary-list")
    expect(summary).to_contain_text("Tytherington walking group")
    expect(summary).to_contain_text("Men's Shed tool library")

    # The receipt is on the public list of counted ballots.
    page.get_by_role("link", name="check your ballot is counted").click()
    page.get_by_label("Your receipt code").fill(receipt)
    page.get_by_role("button", name="Check").click()
    expect(page.get_by_role("status")).to_contain_text("is counted")
    expect(page.locator(".receipt-mine")).to_have_count(1)


def _count_and_certify(live_app, page, browser_sign_in, neighbourhood, round_id: int) -> None:
    """Voting closes; one officer counts, a second certifies."""
    with live_app.app_context():
        close_voting(db.session.get(Round, round_id))
    page.get_by_role("button", name="Sign out").first.click()
    browser_sign_in(page, neighbourhood.users["officer"].email)
    page.goto(f"/rounds/{round_id}/results")
    page.get_by_role("button", name="Count the ballots").click()
    expect(page.locator(".flashes")).to_contain_text("Counted 1 ballots")
    expect(page.get_by_text("a different officer")).to_be_visible()
    page.get_by_role("button", name="Sign out").first.click()

    browser_sign_in(page, neighbourhood.users["officer2"].email)
    page.goto(f"/rounds/{round_id}/results")
    page.get_by_label("I have read the result").check()
    page.get_by_role("button", name="Certify and publish this result").click()
    expect(page.locator(".flashes")).to_contain_text("certified and published")
    page.get_by_role("button", name="Sign out").first.click()
