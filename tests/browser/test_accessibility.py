"""Keyboard alone, with focus always visible; and proof that the axe audit of every
journey (tests/browser/axe.py) finds faults when there are some."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser import axe
from tests.factories import PASSWORD, make_ballot_round

# Where focus is now: the element, its accessible text, and whether a focus indicator is
# drawn (an outline or a box shadow that is not "none").
FOCUSED_JS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
  const shadow = style.boxShadow && style.boxShadow !== 'none';
  const label = el.labels && el.labels.length ? el.labels[0].innerText : '';
  return {tag: el.tagName.toLowerCase(), type: el.type || '',
          text: (el.innerText || el.value || label || el.getAttribute('aria-label') || '').trim(),
          label: label.trim(), visible: outline || shadow};
}"""


class Keyboard:
    """Moves through a page with Tab only, checking that every stop shows its focus."""

    def __init__(self, page):
        self.page = page
        self.stops = 0
        self.invisible: list[str] = []

    def tab_to(self, pattern: str, limit: int = 80) -> dict:
        wanted = re.compile(pattern)
        for _ in range(limit):
            self.page.keyboard.press("Tab")
            focused = self.page.evaluate(FOCUSED_JS)
            if focused is None:
                continue
            self.stops += 1
            if not focused["visible"]:
                self.invisible.append(f"{self.page.url} {focused['tag']} {focused['text'][:40]}")
            if wanted.search(focused["text"]) or wanted.search(focused["label"]):
                return focused
        raise AssertionError(f"{pattern!r} not reached by Tab within {limit} stops "
                             f"on {self.page.url}")

    def press(self, key: str) -> None:
        # Arrow keys only move within a radio group, as browsers and WAI-ARIA define it:
        # Tab reaches a group once, at its first or chosen option.
        assert key in ("Enter", "Space", "ArrowDown"), "Tab, Enter, Space (and arrows in radios)"
        self.page.keyboard.press(key)


def test_a_resident_signs_in_and_votes_by_keyboard_alone_with_focus_always_visible(
        live_app, neighbourhood, page):
    with live_app.app_context():
        round_, _ = make_ballot_round(neighbourhood, name="Macclesfield Community Health Fund 2026",
                                      design="approval", budget_pence=15_000_00)
        round_id = round_.id
    keys = Keyboard(page)

    page.goto("/account/login")
    keys.tab_to(r"^Email address")
    page.keyboard.type(neighbourhood.users["resident"].email)
    keys.tab_to(r"^Password")
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        keys.press("Enter")
    expect(page.get_by_role("button", name="Sign out").first).to_be_visible()

    page.goto(f"/rounds/{round_id}")
    keys.tab_to(r"^Vote now$")
    with page.expect_navigation():
        keys.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your ballot")

    for title in ("Tytherington walking group", "Men's Shed tool library"):
        focused = keys.tab_to(re.escape(title))
        assert focused["type"] == "checkbox", focused
        keys.press("Space")
        expect(page.get_by_label(title)).to_be_checked()
    keys.tab_to(r"^Submit my ballot$")
    with page.expect_navigation():
        keys.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your ballot has been received")

    keys.tab_to(r"check your ballot is counted")
    with page.expect_navigation():
        keys.press("Enter")
    receipt_field = keys.tab_to(r"^Your receipt code")
    assert receipt_field["tag"] == "input"
    print(f"\nkeyboard-only vote: {keys.stops} Tab stops, "
          f"{keys.stops - len(keys.invisible)} with a visible focus indicator")
    assert keys.invisible == [], keys.invisible


def test_a_resident_proposes_a_project_by_keyboard_alone_with_focus_always_visible(
        live_app, neighbourhood, page, browser_sign_in):
    """The proposal form with Tab, typing, Space and Enter (and an arrow key inside a radio
    group): an empty submit moves focus to the error summary, whose link takes focus back
    to the field."""
    proposals_id = neighbourhood.rounds["proposals"].id
    browser_sign_in(page, neighbourhood.users["resident"].email)
    keys = Keyboard(page)

    page.goto(f"/rounds/{proposals_id}")
    keys.tab_to(r"^Put forward a proposal")
    with page.expect_navigation():
        keys.press("Enter")
    keys.tab_to(r"^Submit proposal$")
    with page.expect_navigation():
        keys.press("Enter")
    expect(page).to_have_title(re.compile("^Error:"))
    summary = page.evaluate("document.activeElement.className")
    assert "error-summary" in summary, summary
    keys.tab_to(r"^Give your proposal a short title")
    keys.press("Enter")
    focused = page.evaluate(FOCUSED_JS)
    assert focused["label"].startswith("Title"), focused
    page.keyboard.type("Broken Cross Repair Café")

    for label, text in (("Summary in one line", "Monthly repair café at the community centre."),
                        ("Full description", "Volunteers mend toasters and bikes."),
                        ("Who will deliver it", "Broken Cross Community Group")):
        keys.tab_to(rf"^{re.escape(label)}")
        page.keyboard.type(text)
    focused = keys.tab_to(r"^People in particular wards")
    assert focused["type"] == "radio", focused
    keys.press("ArrowDown")
    expect(page.get_by_label("The whole area")).to_be_checked()
    for choice in ("Physical activity", "Improved physical activity"):
        focused = keys.tab_to(rf"^{re.escape(choice)}$")
        assert focused["type"] == "checkbox", focused
        keys.press("Space")
        expect(page.get_by_label(choice, exact=True)).to_be_checked()
    keys.tab_to(r"^Budget line 1: what it is for")
    page.keyboard.type("Tools and spare parts")
    keys.tab_to(r"^Budget line 1: cost in pounds")
    page.keyboard.type("520")
    keys.tab_to(r"^Submit proposal$")
    with page.expect_navigation():
        keys.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Broken Cross Repair Café")
    print(f"\nkeyboard-only proposal: {keys.stops} Tab stops, "
          f"{keys.stops - len(keys.invisible)} with a visible focus indicator")
    assert keys.invisible == [], keys.invisible


CONTROL_PAGE = """<!doctype html><html lang="en-GB"><head><title>Broken on purpose</title></head>
<body><main><h1>One</h1><h1>Two</h1>
<img src="/static/favicon.svg">
<form><input type="text" name="postcode">
<p class="error-message">Enter a postcode</p></form>
<p style="color:#bbb;background:#fff">Low contrast text</p></main></body></html>"""


@pytest.mark.no_axe
def test_the_axe_audit_finds_faults_on_a_page_made_to_have_them(live_server, page):
    page.route(f"{live_server}/broken-on-purpose",
               lambda route: route.fulfill(status=200, content_type="text/html",
                                           body=CONTROL_PAGE))
    page.goto("/broken-on-purpose")
    log, audits = axe.AxeLog(), []
    axe.audit(page, log, audits)
    found = {v["id"] for v in audits[0]["violations"]}
    assert {"image-alt", "label", "color-contrast", "pb-one-h1", "pb-error-linked"} <= found
    assert len(log.problems(audits)) >= 5
    # Audited once per state: a second call on the same state does nothing.
    axe.audit(page, log, audits)
    assert len(audits) == 1


@pytest.fixture
def page_without_js(browser, live_server):
    context = browser.new_context(base_url=live_server, locale="en-GB",
                                  timezone_id="Europe/London", java_script_enabled=False)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


# axe cannot run in a page with scripts off (Playwright's evaluate waits for a script
# context that never comes); the same pages are audited with scripts on above.
@pytest.mark.no_axe
def test_propose_vote_and_check_a_receipt_with_javascript_off(live_app, neighbourhood,
                                                              page_without_js, browser_sign_in):
    """The resident journeys without htmx or any script: the forms post and the server
    answers with whole pages (errors kept with what was typed)."""
    page = page_without_js
    with live_app.app_context():
        round_, _ = make_ballot_round(neighbourhood, name="Macclesfield Community Health Fund 2026",
                                      design="budget", budget_pence=15_000_00)
        voting_id = round_.id
    proposals_id = neighbourhood.rounds["proposals"].id
    browser_sign_in(page, neighbourhood.users["resident"].email)

    page.goto(f"/rounds/{proposals_id}/proposals/new")
    page.get_by_label("Title").fill("Broken Cross Repair Café")
    page.get_by_role("button", name="Submit proposal").click()
    expect(page).to_have_title(re.compile("^Error:"))
    expect(page.get_by_label("Title")).to_have_value("Broken Cross Repair Café")
    page.get_by_label("Summary in one line").fill("Monthly repair café at the community centre.")
    page.get_by_label("Full description").fill("Volunteers mend **toasters** and bikes.")
    page.get_by_label("Who will deliver it").fill("Broken Cross Community Group")
    page.get_by_label("The whole area").check()
    page.get_by_label("Physical activity", exact=True).check()
    page.get_by_label("Improved physical activity").check()
    page.get_by_label("Budget line 1: what it is for").fill("Tools and spare parts")
    page.get_by_label("Budget line 1: cost in pounds").fill("520")
    page.get_by_role("button", name="Submit proposal").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Broken Cross Repair Café")
    expect(page.locator(".flashes")).to_contain_text("submitted")

    page.goto(f"/rounds/{voting_id}/vote")
    page.get_by_label("Tytherington walking group").check()
    page.get_by_label("Hurdsfield community cafe").check()
    page.get_by_label("Men's Shed tool library").check()
    page.get_by_role("button", name="Submit my ballot").click()  # £16,500 of £15,000
    expect(page).to_have_title(re.compile("^Error:"))
    expect(page.get_by_label("Hurdsfield community cafe")).to_be_checked()
    page.get_by_label("Hurdsfield community cafe").uncheck()
    page.get_by_role("button", name="Submit my ballot").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your ballot has been received")
    receipt = page.locator("#receipt-code").inner_text().strip()

    page.get_by_role("link", name="check your ballot is counted").click()
    page.get_by_label("Your receipt code").fill(receipt)
    page.get_by_role("button", name="Check").click()
    expect(page.get_by_role("status")).to_contain_text("is counted")
