"""GOV.UK-quality forms in a real browser: the error summary takes focus, its links move
focus to the field, and the date of birth is typed in three boxes."""

from __future__ import annotations

import os
import re

from playwright.sync_api import expect

from pb.extensions import db
from pb.models import User

SHOTS = os.environ.get("PB_SCREENSHOTS")  # a folder to keep screenshots in, if set


def _fits(page, name: str) -> None:
    """Nothing scrolls sideways at a laptop's width or a phone's."""
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 900})
        assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, width)
        if SHOTS:
            page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_submitting_the_register_form_empty_moves_focus_to_the_error_summary(live_app,
                                                                           neighbourhood, page):
    page.goto("/account/register")
    expect(page).to_have_title(re.compile(r"^Register"))
    _fits(page, "register")
    page.get_by_role("button", name="Create account").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Error: Register"))
    _fits(page, "register-errors")
    summary.get_by_role("link", name="Enter your email address.").click()
    expect(page.get_by_label("Email address")).to_be_focused()


def test_a_date_of_birth_in_three_boxes_with_its_error_and_link(live_app, neighbourhood, page):
    page.goto("/account/register")
    page.get_by_label("Your first name").fill("Bernadette")
    page.get_by_label("Email address").fill("bernadette.oakes@example.org")
    page.get_by_label("Password", exact=True).fill("walking-the-canal-towpath-7")
    born = page.get_by_role("group", name="Date of birth (optional)")
    born.get_by_label("Day").fill("27")
    born.get_by_label("Year").fill("1984")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator(".error-summary")).to_be_focused()
    born = page.get_by_role("group", name="Date of birth (optional)")
    expect(born.get_by_label("Day")).to_have_value("27")
    page.get_by_role("link", name="Date of birth must include a month.").click()
    expect(born.get_by_label("Month")).to_be_focused()
    _fits(page, "register-date-error")
    page.keyboard.type("3")
    page.get_by_label("Password", exact=True).fill("walking-the-canal-towpath-7")
    page.get_by_role("button", name="Create account").click()
    expect(page).to_have_url(re.compile(r"/account/$"))
    with live_app.app_context():
        user = db.session.scalar(db.select(User).filter_by(email="bernadette.oakes@example.org"))
        assert str(user.date_of_birth) == "1984-03-27"
