"""A quarterly return in a real browser: the grantee submits KPIs and spend (with
receipts, the draft autosaving), the officer sends it back, the grantee corrects it, the
officer accepts it and releases the next payment, and the public progress page moves."""

from __future__ import annotations

import os
import re
from datetime import timedelta

from playwright.sync_api import expect

from pb.extensions import db
from pb.grants import tranches
from pb.grants.common import today
from pb.models import Grant
from tests import factories
from tests.grants.helpers import PDF

SHOTS = os.environ.get("PB_SCREENSHOTS")  # a folder to keep screenshots in, if set


def _setup(live_app, neighbourhood):
    with live_app.app_context():
        factories.add_grant_people(neighbourhood)
        # The first quarter ended 10 days ago; its return is due in 11 days.
        start = today() - timedelta(days=100)
        grant = factories.active_grant(
            neighbourhood, start=start, tranches=((50, "signing", None), (30, "return", 1),
                                         (20, "return", 4)))
        tranches.release(grant, grant.tranches[0].id,
                         db.session.get(type(neighbourhood.users["grant_officer2"]),
                                        neighbourhood.users["grant_officer2"].id),
                         paid_on=today().isoformat(), reference="CEC-FIRST-1")
        ids = {"grant": grant.id, "return": grant.returns[0].id,
               "lines": [(b.description, b.id) for b in grant.budget_lines],
               "officer": neighbourhood.users["grant_officer2"].email}
        db.session.remove()
    return ids


def _sign_out(page):
    page.get_by_role("button", name="Sign out").first.click()


def _upload(page, line_label):
    page.locator("#file_line").select_option(label=line_label)
    page.set_input_files("#file", files=[{"name": "receipts.pdf", "mimeType": "application/pdf",
                                          "buffer": PDF}])
    page.get_by_role("button", name="Upload (and save my answers)").click()
    expect(page.locator(".flashes")).to_contain_text("The file is uploaded")


def test_quarterly_return_sent_back_corrected_accepted_and_paid(live_app, neighbourhood, page,
                                                                 browser_sign_in):
    hood = neighbourhood
    ids = _setup(live_app, hood)
    progress = f"/grants/{ids['grant']}/progress"
    page.goto(progress)
    expect(page.locator(".facts")).to_contain_text("£2,400")
    expect(page.get_by_text("No update has been published yet.")).to_be_visible()

    # The grantee fills in the return; the draft saves itself as they type.
    browser_sign_in(page, hood.users["grantee"].email)
    page.goto("/grants/mine")
    page.get_by_role("link", name="Return 1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Return 1")
    page.get_by_label("How did the project go in this period?").fill(
        "We ran twelve weekly cafés; three new volunteers joined the rota.")
    expect(page.locator("#autosave-status")).to_contain_text("Draft saved")
    page.get_by_label("An update for the public (optional)").fill(
        "Twelve cafés so far, with three new volunteers.")
    page.get_by_label("Volunteers recruited, trained and mentored (required)").fill("3")
    page.get_by_label("Volunteering hours completed (required)").fill("96")
    (hall, hall_id), (refreshments, refreshments_id) = ids["lines"]
    page.get_by_label(f"{hall} (£)").fill("720.00")
    page.get_by_label(f"{refreshments} (£)").fill("2000.00")  # over its £1,920 budget
    expect(page.locator("#autosave-status")).to_contain_text("over its budget")
    _upload(page, hall)
    # The upload reloaded the page: what was typed is still there.
    expect(page.get_by_label("Volunteers recruited, trained and mentored (required)")
           ).to_have_value("3")
    page.get_by_role("button", name="Submit the return").click()
    expect(page.locator(".error-summary")).to_contain_text("over its budget of £1,920")
    page.get_by_label(f"{refreshments} (£)").fill("310.00")
    _upload(page, refreshments)
    page.get_by_role("button", name="Submit the return").click()
    expect(page.locator(".flashes")).to_contain_text("Your return is submitted")
    _sign_out(page)

    # The officer sends the spend section back with a comment.
    browser_sign_in(page, ids["officer"])
    page.goto("/grants/")
    page.get_by_role("link", name="Hurdsfield Dementia Cafe: return 1").click()
    for section in ("Progress", "KPIs", "Outcomes", "Case study and photos", "People helped"):
        page.get_by_role("group", name=section, exact=True).get_by_label("Accept", exact=True).check()
    spend = page.get_by_role("group", name="Spend", exact=True)
    spend.get_by_label("Send back", exact=True).check()
    spend.get_by_label("Comment on “Spend”").fill("The refreshments receipt is for £290, not £310.")
    page.get_by_role("button", name="Record the review").click()
    expect(page.locator(".flashes")).to_contain_text("sent back to the grantee")
    _sign_out(page)

    # The grantee corrects it.
    browser_sign_in(page, hood.users["grantee"].email)
    page.goto("/grants/mine")
    expect(page.get_by_text("Sent back: corrections due")).to_be_visible()
    page.get_by_role("link", name="Return 1").click()
    expect(page.get_by_role("note")).to_contain_text("The refreshments receipt is for £290")
    page.get_by_label(f"{refreshments} (£)").fill("290.00")
    page.get_by_role("button", name="Submit the return").click()
    expect(page.locator(".flashes")).to_contain_text("Your return is submitted")
    _sign_out(page)

    # The officer accepts it and releases the payment waiting on it.
    browser_sign_in(page, ids["officer"])
    page.goto(f"/grants/{ids['grant']}/returns/{ids['return']}")
    for section in ("Progress", "KPIs", "Spend", "Outcomes", "Case study and photos",
                    "People helped"):
        page.get_by_role("group", name=section, exact=True).get_by_label("Accept", exact=True).check()
    page.get_by_role("button", name="Record the review").click()
    expect(page.locator(".flashes")).to_contain_text("The return is accepted")
    page.get_by_label("Payment reference").fill("CEC-Q1-2026")
    page.get_by_role("button", name="Release £1,440").click()
    expect(page.locator(".flashes")).to_contain_text("Payment 2 released: CEC-Q1-2026")
    page.locator("#milestones form").first.get_by_role("button", name="Record as met").click()
    expect(page.locator(".flashes")).to_contain_text("milestone is recorded as met")
    _sign_out(page)

    # The public progress page has moved.
    page.goto(progress)
    expect(page.locator(".facts")).to_contain_text("£3,840")
    expect(page.locator(".public-update")).to_contain_text("Twelve cafés so far")
    expect(page.get_by_text("1 of 2 milestones reached")).to_be_visible()
    achieved = page.locator("table").get_by_role("row", name="Volunteers recruited")
    expect(achieved).to_contain_text("3 people")
    with live_app.app_context():
        grant = db.session.get(Grant, ids["grant"])
        assert [t.status for t in grant.tranches] == ["released", "released", "planned"]
        assert grant.returns[0].status == "accepted" and grant.returns[0].review_cycle == 2


def _fits(page, name: str) -> None:
    """Nothing scrolls sideways at a laptop's width or a phone's."""
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 900})
        assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, width)
        if SHOTS:
            page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_refused_payment_release_is_a_govuk_error(live_app, neighbourhood, page,
                                                    browser_sign_in):
    """The grant page's small forms: the summary takes focus, the title starts "Error: ",
    the summary's link moves focus to the field, and the message is tied to the field."""
    hood = neighbourhood
    ids = _setup(live_app, hood)
    with live_app.app_context():
        # The second payment falls due at once, so it can be released.
        grant = db.session.get(Grant, ids["grant"])
        grant.tranches[1].condition = "signing"
        title = grant.title
        db.session.commit()
        db.session.remove()
    browser_sign_in(page, ids["officer"])
    page.goto(f"/grants/{ids['grant']}")
    _fits(page, "grant")
    page.get_by_label("Paid on").fill("2099-01-01")
    page.get_by_label("Payment reference").fill("CEC-Q1-2026")
    page.get_by_role("button", name="Release £1,440").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile(rf"^Error: {re.escape(title)}"))
    _fits(page, "grant-errors")
    summary.get_by_role("link", name="The payment date cannot be in the future.").click()
    paid_on = page.get_by_label("Paid on")
    expect(paid_on).to_be_focused()
    expect(paid_on).to_have_attribute("aria-invalid", "true")
    expect(paid_on).to_have_accessible_description(
        re.compile("The payment date cannot be in the future"))
    expect(page.get_by_label("Payment reference")).to_have_value("CEC-Q1-2026")
