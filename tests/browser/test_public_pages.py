"""The public-service pages in a real browser, as a visitor on a desktop and on a phone, and
an administrator editing one (issue 16, item 7)."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

SHOTS = os.environ.get("PB_SCREENSHOTS")  # a folder to keep screenshots in, if set
PAGES = {"/accessibility": "Accessibility statement", "/contact": "Contact us",
         "/cookies": "Cookies", "/terms": "Terms for proposers", "/privacy": "Privacy notice",
         "/glossary": "Words we use"}


def _fits(page, width: int, name: str) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{name} scrolls sideways at {width}px ({scroll}px wide)"
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)


@pytest.mark.parametrize("path", PAGES)
def test_a_visitor_reads_each_page_on_a_desktop_and_a_phone(live_server, page, path):
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_have_text(PAGES[path])
    expect(page.locator("h1")).to_have_count(1)
    for width in (1280, 360):
        _fits(page, width, path.strip("/"))
    footer = page.get_by_role("navigation", name="About this website")
    footer.get_by_role("link", name="Accessibility statement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Accessibility statement")


def test_the_browser_gets_the_favicon(live_server, page):
    page.goto("/")
    href = page.locator('link[rel="icon"]').get_attribute("href")
    assert page.request.get(live_server + href).status == 200
    assert page.request.get(live_server + "/favicon.ico").status == 200


def test_an_administrator_edits_the_terms_in_the_browser(neighbourhood, page, browser_sign_in):
    browser_sign_in(page, neighbourhood.users["admin"].email)
    page.goto("/admin/")
    page.get_by_role("navigation", name="Admin").get_by_role("link", name="Public pages").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Public pages")
    for width in (1280, 360):
        _fits(page, width, "admin-pages")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("main").get_by_role("link", name="Terms for proposers", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit: Terms for proposers")
    for width in (1280, 360):
        _fits(page, width, "admin-edit-terms")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_label("Text").fill("")
    page.get_by_role("button", name="Save the page").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the page's text.")
    expect(page.get_by_label("Title")).to_have_value("Terms for proposers")
    page.get_by_label("Text").fill("# Who may propose\n\nAnyone who lives in the area.")
    page.get_by_role("button", name="Save the page").click()
    expect(page.get_by_text("Saved the page Terms for proposers.")).to_be_visible()
    page.goto("/terms")
    expect(page.get_by_role("heading", level=2, name="Who may propose")).to_be_visible()
