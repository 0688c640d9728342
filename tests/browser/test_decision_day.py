"""A decision day in a real browser (issue 12): two people check in; one votes on an enrolled
tablet with their code; the other's paper ballot is keyed twice; an officer closes voting and
counts, a second officer certifies, and the live screen reveals the result.

Set PB_SCREENSHOTS to a folder to keep screenshots of every decision-day page at 1280 and
360 px wide, as officer, event staff, the tablet and the public live screen.
"""

from __future__ import annotations

import os
import re

from playwright.sync_api import expect

from pb import submissions
from pb.events import devices
from pb.extensions import db
from pb.models import Ballot, Event, Role, Round, User
from tests.factories import PASSWORD, make_ballot_round, make_event, make_user

SHOTS = os.environ.get("PB_SCREENSHOTS")


def _shoot(page, name: str) -> None:
    if SHOTS:
        for width in (1280, 360):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=f"{SHOTS}/event-{name}-{width}.png", full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})


def _context(browser, live_server):
    context = browser.new_context(base_url=live_server, locale="en-GB",
                                  timezone_id="Europe/London")
    context.set_default_timeout(10_000)
    return context.new_page()


def _set_up(live_app, neighbourhood):
    with live_app.app_context():
        round_, _ = make_ballot_round(neighbourhood, name="Macclesfield Decision Day Vote 2026",
                                      budget_pence=15_000_00)
        officer = db.session.merge(neighbourhood.users["officer"])
        grace = db.session.merge(neighbourhood.users["event_staff"])
        sam = make_user("sam.hughes@macc.example.org", "Sam",
                        (Role.EVENT_STAFF, {"partnership_id": neighbourhood.partnership.id}))
        event = make_event(round_, officer, staff=[grace, sam])
        _device, token = devices.new_device(officer, event, "Tablet by the stage",
                                            submissions.new_key())
        ids = (round_.id, event.id, token, sam.email)
        db.session.remove()
    return ids


def _check_in(page, event_id, first_name, postcode, band):
    page.goto(f"/events/{event_id}/desk")
    page.get_by_label("First name").fill(first_name)
    page.get_by_label("Postcode").fill(postcode)
    page.get_by_label("Age").select_option(band)
    page.get_by_label("Print a new card for them now").check()
    page.get_by_role("button", name="Check in").click()
    expect(page.locator("#checked-in")).to_contain_text("Checked in")
    return page.locator("#new-code").inner_text().strip()


def _vote_on_tablet(tablet, token, code):
    tablet.goto(f"/kiosk/enrol/{token}")
    _shoot(tablet, "kiosk-enrol")
    tablet.get_by_role("button", name="Enrol this tablet").click()
    expect(tablet.get_by_label("Type the code on your voting card")).to_be_visible()
    _shoot(tablet, "kiosk-start")
    tablet.get_by_label("Type the code on your voting card").fill(code)
    tablet.clock.install()  # the tablet's timers, so ten idle minutes take no time
    tablet.get_by_role("button", name="Start voting").click()
    expect(tablet.get_by_role("heading", level=1)).to_have_text("Your ballot")
    # Left alone, the ballot warns a minute before it clears, and more time can be asked
    # for (WCAG 2.2.1); the choices are kept.
    idle = tablet.locator("#kiosk-idle")
    expect(idle).to_be_hidden()
    tablet.clock.fast_forward("09:05")
    expect(idle).to_be_visible()
    expect(idle.get_by_role("button", name="I need more time")).to_be_focused()
    idle.get_by_role("button", name="I need more time").click()
    expect(idle).to_be_hidden()
    tablet.clock.fast_forward("08:00")
    expect(idle).to_be_hidden()
    expect(tablet.get_by_role("heading", level=1)).to_have_text("Your ballot")
    tablet.get_by_label(re.compile("Men's Shed tool library")).check()
    tablet.get_by_label(re.compile("Tytherington walking group")).check()
    _shoot(tablet, "kiosk-ballot")
    # The hall's wifi drops as the voter presses Send: they are told, nothing is lost.
    tablet.context.set_offline(True)
    tablet.get_by_role("button", name="Send my vote").click()
    expect(tablet.locator("#kiosk-status")).to_contain_text("could not reach the server")
    expect(tablet.get_by_label(re.compile("Men's Shed tool library"))).to_be_checked()
    tablet.context.set_offline(False)
    tablet.get_by_role("button", name="Send my vote").click()
    expect(tablet.get_by_role("heading", level=1)).to_have_text("Thank you: your vote is in")
    _shoot(tablet, "kiosk-thanks")
    # The screen resets by itself for the next person, with nothing of this voter.
    expect(tablet.get_by_label("Type the code on your voting card")).to_be_visible(
        timeout=20_000)
    expect(tablet.get_by_text("Men's Shed tool library")).to_have_count(0)
    tablet.go_back()
    expect(tablet.get_by_text("Men's Shed tool library")).to_have_count(0)


def _key_paper(page, event_id, code, number):
    page.goto(f"/events/{event_id}/paper/enter")
    page.get_by_label("Code on the paper").fill(code)
    page.get_by_label("Numbers ticked").fill(str(number))
    page.keyboard.press("Enter")
    expect(page.locator(".flashes")).to_contain_text(re.compile("First entry saved|counted"))


def test_a_decision_day_from_check_in_to_the_reveal(live_app, neighbourhood, page, browser,
                                                    live_server, browser_sign_in):
    round_id, event_id, token, sam_email = _set_up(live_app, neighbourhood)
    hood = neighbourhood

    browser_sign_in(page, hood.users["event_staff"].email)
    first = _check_in(page, event_id, "Maureen", "SK10 2LH", "65-74")
    second = _check_in(page, event_id, "Sanjay", "SK11 7AB", "35-44")
    _shoot(page, "desk")
    expect(page.locator("#checked-in-count")).to_have_text("2")

    tablet = _context(browser, live_server)
    _vote_on_tablet(tablet, token, first)

    with live_app.app_context():
        event = db.session.get(Event, event_id)
        number = next(ep.number for ep in event.projects
                      if ep.proposal.title == "Dementia-friendly cinema")
    _key_paper(page, event_id, second, number)
    _shoot(page, "paper-enter")
    sam = _context(browser, live_server)
    browser_sign_in(sam, sam_email, PASSWORD)
    _key_paper(sam, event_id, second, number)
    expect(sam.locator(".flashes")).to_contain_text("the ballot is counted")
    sam.goto(f"/events/{event_id}/paper")
    _shoot(sam, "paper")

    public = _context(browser, live_server)
    public.goto(f"/events/{event_id}/live")
    expect(public.locator("#live-tablet")).to_have_text("1", timeout=15_000)
    expect(public.locator("#live-paper")).to_have_text("1")
    _shoot(public, "live-totals")

    officer = _context(browser, live_server)
    browser_sign_in(officer, hood.users["officer"].email)
    _print(officer, event_id)
    officer.goto(f"/events/{event_id}/close")
    _shoot(officer, "close-open")
    officer.get_by_role("link", name="Close voting now…").click()
    expect(officer.get_by_role("heading", level=1)).to_have_text("Close voting now?")
    _shoot(officer, "phase-confirm")
    officer.get_by_role("button", name="Yes: close voting now").click()
    expect(officer.locator("#round-status")).to_have_text("Voting closed, counting")
    _shoot(officer, "phases")
    officer.goto(f"/rounds/{round_id}/results")
    officer.get_by_role("button", name="Count the ballots").click()
    expect(officer.locator(".flashes")).to_contain_text("Counted 2 ballots")

    tom = _context(browser, live_server)
    browser_sign_in(tom, hood.users["officer2"].email)
    tom.goto(f"/rounds/{round_id}/results")
    tom.get_by_label("I have read the result").check()
    tom.get_by_role("button", name="Certify and publish this result").click()
    expect(tom.locator(".flashes")).to_contain_text("Result certified")

    officer.goto(f"/events/{event_id}/close")
    officer.get_by_role("button", name="Reveal the result on the live screen").click()
    expect(officer.locator(".flashes")).to_contain_text("revealing")
    _shoot(officer, "close-done")

    expect(public.locator(".live-funded")).to_contain_text("Men's Shed tool library",
                                                           timeout=20_000)
    expect(public.locator(".live-funded")).to_contain_text("Dementia-friendly cinema",
                                                           timeout=20_000)
    expect(public.locator(".live-spent")).to_contain_text("of £15,000")
    _shoot(public, "live-reveal")

    with live_app.app_context():
        assert sorted(b.channel for b in db.session.query(Ballot).all()) == ["paper", "tablet"]
        assert db.session.get(Round, round_id).status == "results"

    # The officer's own pages, for the screenshots.
    for name, path in (("list", f"/rounds/{round_id}/events"), ("event", f"/events/{event_id}"),
                       ("form", f"/events/{event_id}/edit"),
                       ("report", f"/events/{event_id}/report"),
                       ("paper-blank", f"/events/{event_id}/paper/print")):
        officer.goto(path)
        _shoot(officer, name)
    officer.goto(f"/events/{event_id}")
    officer.get_by_label("Name of the tablet").fill("Tablet by the door")
    officer.get_by_role("button", name="Make an enrolment link").click()
    expect(officer.locator("#enrol-link")).to_contain_text("/kiosk/enrol/")
    _shoot(officer, "device-link")
    with live_app.app_context():
        assert db.session.scalar(db.select(User.id).where(User.email == sam_email))


def _print(officer, event_id):
    """Voting cards with their QR code, and A4 paper ballots with their codes."""
    for kind, label, count in (("cards", "Voting cards", "4"), ("papers", "Paper ballots", "2")):
        officer.goto(f"/events/{event_id}")
        officer.get_by_label(re.compile(label)).check()
        officer.get_by_label("How many").fill(count)
        officer.get_by_role("button", name="Make and print").click()
        expect(officer.locator(".code-card-code").first).to_be_visible()
        _shoot(officer, f"print-{kind}")
    officer.emulate_media(media="print")
    expect(officer.locator(".paper-ballot")).to_have_count(2)
    expect(officer.locator(".site-header")).to_be_hidden()
    officer.emulate_media(media="screen")
