"""A resident uses pb in Welsh (issue 16, item 8): they switch to Cymraeg from the header,
the choice stays with them from page to page, they sign in through the Welsh sign-in page
and reach the round and its results in Welsh; then they vote and check their receipt.

The vote and receipt pages' words belong to the voting and results areas: that part looks
its Welsh up in the catalogue and is skipped, saying which words are missing, until they
are translated there. axe audits every page (tests/browser/conftest.py)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from pb import translations_cli as catalogue
from pb.extensions import db
from pb.models import Round, User
from pb.results import services as results
from tests.factories import PASSWORD, build_counted_round, close_voting, make_ballot_round

WELSH = catalogue.read_catalog(catalogue.po_path("cy"), "cy")


def cy(text: str) -> str | None:
    """The Welsh for ``text`` in the committed catalogue, None when not translated yet."""
    message = WELSH.get(text)
    if message is None or message.fuzzy or not message.string:
        return None
    return message.string if isinstance(message.string, str) else message.string[0]


def need_welsh(*texts: str) -> list[str]:
    """The Welsh for each of ``texts``; skips the test when any is not translated yet."""
    missing = [text for text in texts if cy(text) is None]
    if missing:
        pytest.skip("not translated into Welsh yet (voting/results areas): "
                    + ", ".join(repr(t) for t in missing))
    return [cy(text) for text in texts]


def _switch_to_welsh(page) -> None:
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "en-GB")
    switch = page.get_by_role("banner").get_by_role("link", name="Cymraeg")
    expect(switch).to_have_attribute("hreflang", "cy")
    expect(switch).to_have_attribute("lang", "cy")
    switch.click()
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Penderfynwch gyda'ch gilydd sut i wario arian ar iechyd eich cymdogaeth")


def _sign_in_in_welsh(page, email: str) -> None:
    page.get_by_role("banner").get_by_role("link", name="Mewngofnodi").click()
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mewngofnodi")
    # An empty form first: the Welsh error summary and the page title's "Gwall:".
    page.locator("main").get_by_role("button", name="Mewngofnodi").click()
    expect(page).to_have_title(re.compile(r"^Gwall: Mewngofnodi"))
    expect(page.locator(".error-summary")).to_contain_text("Mae problem wedi codi")
    expect(page.locator(".error-summary")).to_contain_text("Rhowch eich cyfeiriad e-bost.")
    page.get_by_label("Cyfeiriad e-bost").fill(email)
    page.get_by_label("Cyfrinair", exact=True).fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Mewngofnodi").click()
    expect(page.locator(".flashes")).to_contain_text("Wedi mewngofnodi fel Maureen.")
    expect(page.get_by_role("banner").get_by_role("button", name="Allgofnodi")).to_be_visible()


def test_a_resident_switches_to_welsh_signs_in_and_reads_the_round_and_results(
        live_app, neighbourhood, page):
    with live_app.app_context():
        counted = build_counted_round(neighbourhood)
        results.tally(counted.round, db.session.get(User, neighbourhood.users["officer"].id))
        results.certify(counted.round, db.session.get(User, neighbourhood.users["officer2"].id))
        db.session.commit()
        round_id = counted.round.id

    _switch_to_welsh(page)
    # The choice persists: the rounds page, reached from the header, is Welsh too.
    page.get_by_role("banner").get_by_role("link", name="Cylchoedd").click()
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cylchoedd")
    expect(page.get_by_role("contentinfo")).to_contain_text("Datganiad hygyrchedd")

    _sign_in_in_welsh(page, neighbourhood.users["resident"].email)

    page.goto(f"/rounds/{round_id}")
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    expect(page.get_by_role("heading", name="Ffeithiau allweddol")).to_be_visible()
    expect(page.get_by_role("heading", name="Amserlen")).to_be_visible()
    expect(page.locator("dl.facts")).to_contain_text("Pwy all bleidleisio")
    expect(page.locator(".timetable")).to_contain_text(re.compile(
        r"(Ionawr|Chwefror|Mawrth|Ebrill|Mai|Mehefin|Gorffennaf|Awst|Medi|Hydref|Tachwedd"
        r"|Rhagfyr) \d{4}"))

    page.goto(f"/rounds/{round_id}/results")
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    expect(page.get_by_role("banner").get_by_role("link", name="English")).to_have_attribute(
        "lang", "en")
    heading = cy("Results")
    if heading is not None:  # the results page's own words come with the results area
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)

    # Back to English from the header, on the same page.
    page.get_by_role("banner").get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en-GB")
    assert page.url.endswith(f"/rounds/{round_id}/results")


def test_a_resident_votes_and_checks_the_receipt_in_welsh(live_app, neighbourhood, page):
    vote_now, your_ballot, submit, received, receipt_label, check = need_welsh(
        "Vote now", "Your ballot", "Submit my ballot", "Your ballot has been received",
        "Your receipt code", "Check")
    with live_app.app_context():
        round_, _projects = make_ballot_round(
            neighbourhood, name="Macclesfield Community Health Fund 2026", design="approval",
            rule="greedy-approval", budget_pence=15_000_00)
        round_id = round_.id

    _switch_to_welsh(page)
    _sign_in_in_welsh(page, neighbourhood.users["resident"].email)
    page.goto(f"/rounds/{round_id}")
    page.get_by_role("link", name=vote_now).click()
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    expect(page.get_by_role("heading", level=1)).to_have_text(your_ballot)
    page.get_by_label("Tytherington walking group").check()  # proposal titles stay as written
    page.get_by_role("button", name=submit).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(received)
    receipt = page.locator("#receipt-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{4}(-[A-Z0-9]{4}){4}", receipt), receipt

    page.locator(f"main a[href$='/rounds/{round_id}/receipts']").first.click()
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    page.get_by_label(receipt_label).fill(receipt)
    page.get_by_role("button", name=check, exact=True).click()
    expect(page.locator(".receipt-mine")).to_have_count(1)

    with live_app.app_context():
        close_voting(db.session.get(Round, round_id))
    page.goto(f"/rounds/{round_id}")
    expect(page.locator("html")).to_have_attribute("lang", "cy")
