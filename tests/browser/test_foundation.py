"""The foundation's main journey in a real browser (Chromium through Playwright)."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from pb.extensions import db
from pb.models import Role, User
from tests import factories

NEW_PASSWORD = "walking-the-canal-towpath-7"


def test_register_then_admin_assigns_officer_role(live_app, neighbourhood, page,
                                                  browser_sign_in):
    page.goto("/account/register")
    page.get_by_label("Your first name").fill("Bernadette")
    page.get_by_label("Email address").fill("bernadette.oakes@example.org")
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Home postcode").fill("SK10 2LH")
    page.get_by_role("button", name=re.compile("Create|Register", re.I)).click()
    expect(page).to_have_url(re.compile(r"/account/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    expect(page.locator(".flashes")).to_contain_text("Welcome to pb")
    expect(page.get_by_text("bernadette.oakes@example.org")).to_be_visible()

    page.get_by_role("button", name="Sign out").first.click()
    expect(page.locator(".flashes")).to_contain_text("You have signed out")
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()

    browser_sign_in(page, neighbourhood.users["admin"].email)
    page.goto("/admin/people")
    page.get_by_label("Person's email address").fill("bernadette.oakes@example.org")
    page.get_by_label("Role", exact=True).select_option(label="Partnership officer")
    page.get_by_label(re.compile("^Partnership")).select_option(
        label=neighbourhood.partnership.name)
    page.get_by_role("button", name="Assign role").click()
    expect(page.locator(".flashes")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="bernadette.oakes@example.org")
    expect(row).to_contain_text("Macclesfield Community Health Partnership")

    with live_app.app_context():
        user = db.session.scalar(db.select(User).filter_by(email="bernadette.oakes@example.org"))
        assert any(a.role is Role.OFFICER and a.partnership is not None
                   and a.partnership.name == "Macclesfield Community Health Partnership"
                   for a in user.roles)


def test_login_form_works_with_the_keyboard_alone(neighbourhood, page):
    page.goto("/account/login")
    email = page.get_by_label("Email address")
    password = page.get_by_label("Password", exact=True)
    email.focus()
    page.keyboard.type(neighbourhood.users["resident"].email)
    page.keyboard.press("Tab")
    expect(password).to_be_focused()
    page.keyboard.type(factories.PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".flashes")).to_contain_text("Signed in as Maureen")
    expect(page.get_by_role("link", name="Maureen")).to_be_visible()


def test_keyboard_reaches_the_log_in_fields_from_the_top_of_the_page(page):
    page.goto("/account/login")
    email = page.get_by_label("Email address")
    for _ in range(30):
        page.keyboard.press("Tab")
        if email.evaluate("el => el === document.activeElement"):
            break
    expect(email).to_be_focused()


def test_skip_link_is_first_and_moves_focus_to_main(page):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()  # shown when focused
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()


def test_home_page_screenshot(neighbourhood, page):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.screenshot(path="/tmp/pb-home.png", full_page=True)


def test_an_officer_edits_an_open_vote_in_the_browser(live_app, neighbourhood, page,
                                                      browser_sign_in):
    """The round form round-trips its times through Chromium's datetime-local inputs; an
    unchanged form must not trip the lock on settings once voting has opened."""
    round_id = neighbourhood.rounds["voting"].id
    browser_sign_in(page, neighbourhood.users["officer"].email)
    page.goto(f"/admin/rounds/{round_id}/edit")
    expect(page.get_by_role("note").filter(has_text="Voting has opened").first).to_be_visible()
    opens = page.get_by_label("Voting opens")
    expect(opens).not_to_have_value("")
    page.get_by_label("Description").fill("Vote online or at Hurdsfield Community Centre.")
    page.get_by_role("button", name="Save round").click()
    expect(page.locator(".flashes")).to_contain_text("Saved the round")
    expect(page.locator("p.lead")).to_have_text("Vote online or at Hurdsfield Community Centre.")

    page.goto(f"/admin/rounds/{round_id}/edit")
    page.get_by_label("Budget (£)").fill("60,000")
    page.get_by_role("button", name="Save round").click()
    expect(page.locator(".error-summary")).to_contain_text(
        "Voting has opened, so this can no longer change.")
    expect(page.get_by_label("Budget (£)")).to_have_value("60,000")
    with live_app.app_context():
        from pb.models import Round
        assert db.session.get(Round, round_id).budget_pence == 50_000_00


def test_forms_fit_a_phone_screen(neighbourhood, page, browser_sign_in):
    page.set_viewport_size({"width": 390, "height": 844})
    browser_sign_in(page, neighbourhood.users["admin"].email)
    for path in ("/", "/account/", "/admin/people",
                 f"/admin/rounds/{neighbourhood.rounds['voting'].id}/edit"):
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} scrolls sideways on a phone ({width}px wide)"
