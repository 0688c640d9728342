"""A shared kiosk in a real browser: a code voter's receipt once, then nothing (issue 8, item 3)."""

from __future__ import annotations

import os
import re

from playwright.sync_api import expect

from pb.extensions import db
from pb.models import Round
from tests.factories import make_ballot_round, make_codes

SHOTS = os.environ.get("PB_SCREENSHOTS")  # a folder to keep screenshots in, if set


def _shoot(page, name: str) -> None:
    if SHOTS:
        for width in (1280, 360):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})


def _enter_code(page, round_id: int, code: str, born: tuple[str, str, str]) -> None:
    page.goto(f"/rounds/{round_id}/vote")
    page.get_by_label("Voting code", exact=True).fill(code)
    page.get_by_label("Postcode where you live, work or study").fill("SK10 2LH")
    born_on = page.get_by_role("group", name="Date of birth")
    for box, value in zip(("Day", "Month", "Year"), born, strict=True):
        born_on.get_by_label(box).fill(value)
    page.get_by_role("button", name="Use this code").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your ballot")


def test_the_next_person_at_a_kiosk_sees_nothing_of_the_last_voter(live_app, neighbourhood,
                                                                   page):
    with live_app.app_context():
        round_, _projects = make_ballot_round(neighbourhood, name="Macclesfield Health Vote")
        first, second = make_codes(db.session.get(Round, round_.id),
                                   db.session.merge(neighbourhood.users["officer"]), 2)
        round_id = round_.id
        db.session.remove()

    _enter_code(page, round_id, first, ("21", "5", "1957"))
    page.get_by_label("Tytherington walking group").check()
    page.get_by_label("Men's Shed tool library").check()
    page.get_by_role("button", name="Submit my ballot").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your ballot has been received")
    receipt = page.locator("#receipt-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{4}(-[A-Z0-9]{4}){4}", receipt)
    expect(page.locator("#code-forgotten")).to_contain_text("already forgotten your voting code")
    _shoot(page, "done")

    # Printed: the receipt and the choices, without the site's navigation or buttons.
    page.emulate_media(media="print")
    expect(page.locator(".receipt-box")).to_be_visible()
    expect(page.locator(".ballot-summary-list")).to_be_visible()
    expect(page.locator("#code-forgotten")).to_be_hidden()
    expect(page.get_by_role("button", name="Finish")).to_be_hidden()
    page.emulate_media(media="screen")

    # The voter walks away without pressing Finish. The next person opens the vote...
    page.goto(f"/rounds/{round_id}/vote")
    expect(page.get_by_label("Voting code", exact=True)).to_be_visible()
    expect(page.get_by_text("You have voted")).to_have_count(0)
    expect(page.locator("input[name=project]")).to_have_count(0)
    # ...and Back does not bring the last voter's page out of the cache.
    page.go_back()
    expect(page.get_by_text(receipt)).to_have_count(0)
    expect(page.get_by_text("Men's Shed tool library")).to_have_count(0)

    # The next person votes with their own card, on a clean ballot.
    _enter_code(page, round_id, second, ("1", "12", "1990"))
    expect(page.get_by_text("You have voted")).to_have_count(0)
    expect(page.locator("input[name=project]:checked")).to_have_count(0)
    page.get_by_label("Dementia-friendly cinema").check()
    page.get_by_role("button", name="Submit my ballot").click()
    expect(page.locator(".ballot-summary-list")).to_contain_text("Dementia-friendly cinema")
    expect(page.locator(".ballot-summary-list")).not_to_contain_text("Men's Shed")
