"""Results, a proposal page, a receipt, a sheet of voting-code cards and the easy-read
summary of how to vote print cleanly on A4: the site's header, footer and forms are left
off, nothing is wider than the paper, and code cards and easy-read steps are never split
across pages."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from pb.extensions import db
from pb.models import User
from pb.results import services
from tests import factories

# A4 is 210 mm wide; less pb's 15 mm margins that leaves 180 mm, 680 CSS pixels.
A4_CONTENT_PX = 680

PRINTED_JS = """() => {
  const shown = sel => [...document.querySelectorAll(sel)].some(
      el => getComputedStyle(el).display !== 'none');
  return {width: document.documentElement.scrollWidth,
          chrome: shown('.site-header') || shown('.site-footer') || shown('.skip-link'),
          forms: [...document.querySelectorAll('main form')].filter(
              f => getComputedStyle(f).display !== 'none').length};
}"""


def _print_view(page, name: str) -> dict:
    page.emulate_media(media="print")
    page.set_viewport_size({"width": A4_CONTENT_PX, "height": 1000})
    printed = page.evaluate(PRINTED_JS)
    pdf = page.pdf(format="A4", print_background=False)
    assert pdf.startswith(b"%PDF-") and len(pdf) > 1000, name
    page.emulate_media(media="screen")
    assert printed["width"] <= A4_CONTENT_PX, f"{name} is {printed['width']} px wide on A4"
    assert not printed["chrome"], f"{name} prints the site's header or footer"
    return printed


@pytest.fixture
def published(live_app):
    with live_app.app_context():
        hood = factories.build_neighbourhood()
        db.session.commit()
        round_, projects = factories.make_ballot_round(
            hood, name="Macclesfield Community Health Fund 2026", budget_pence=20_000_00)
        for n, ballot in enumerate([[0, 1], [0, 2], [1, 3], [4, 5], [0, 5]]):
            factories.cast_for(round_, factories.make_voter(n), {projects[i].id: 1 for i in ballot})
        factories.close_voting(round_)
        services.tally(round_, db.session.get(User, hood.users["officer"].id))
        services.certify(round_, db.session.get(User, hood.users["officer2"].id))
        open_round, _open_projects = factories.make_ballot_round(
            hood, name="Macclesfield Wellbeing Vote 2026", design="budget",
            budget_pence=15_000_00)
        ids = {"round": round_.id, "proposal": projects[0].id, "open": open_round.id,
               "officer": hood.users["officer"].email,
               "resident": hood.users["resident"].email,
               "voting": hood.rounds["voting"].id}
        db.session.remove()
    return ids


def test_results_and_a_proposal_print_on_a4(published, page):
    page.goto(f"/rounds/{published['round']}/results")
    expect(page.get_by_role("heading", level=1)).to_have_text("Results")
    printed = _print_view(page, "results")
    assert printed["forms"] == 0
    page.goto(f"/proposals/{published['proposal']}")
    _print_view(page, "proposal")


def test_a_sheet_of_voting_code_cards_prints_without_splitting_a_card(published, page,
                                                                    browser_sign_in):
    browser_sign_in(page, published["officer"])
    page.goto(f"/rounds/{published['voting']}/codes")
    page.get_by_label("Label for this batch").fill("Hurdsfield library drop-in")
    page.get_by_label("How many codes").fill("12")
    page.get_by_role("button", name="Make codes and show the sheet").click()
    cards = page.locator(".code-card")
    expect(cards).to_have_count(12)
    _print_view(page, "code sheet")
    page.emulate_media(media="print")
    breaks = page.evaluate("() => getComputedStyle(document.querySelector('.code-card'))"
                           ".breakInside")
    assert breaks in ("avoid", "avoid-page")
    page.emulate_media(media="screen")


def test_the_easy_read_summary_of_how_to_vote_prints_on_a4(published, page):
    page.goto(f"/rounds/{published['open']}/how-to-vote")
    expect(page.get_by_role("heading", level=1)).to_contain_text("How voting works")
    steps = page.locator(".easy-step")
    expect(steps.first).to_contain_text("Read about the projects.")
    printed = _print_view(page, "easy-read summary")
    assert printed["forms"] == 0
    page.emulate_media(media="print")
    shown = page.evaluate("""() => [...document.querySelectorAll('.easy-step')].map(step => ({
        visible: getComputedStyle(step).display !== 'none',
        unsplit: ['avoid', 'avoid-page'].includes(getComputedStyle(step).breakInside),
        icon: step.querySelector('svg.easy-icon').getBoundingClientRect().width}))""")
    link_shown = page.evaluate("() => getComputedStyle(document.querySelector("
                               "'.easy-print-link')).display !== 'none'")
    page.emulate_media(media="screen")
    assert 4 <= len(shown) <= 6
    assert all(s["visible"] and s["unsplit"] and s["icon"] >= 40 for s in shown), shown
    assert not link_shown  # "Print this page" is not printed


def test_a_receipt_prints_on_a4(published, page, browser_sign_in):
    browser_sign_in(page, published["resident"])
    page.goto(f"/rounds/{published['open']}/vote")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your ballot")
    page.locator("input[name=project]").first.check()
    page.get_by_role("button", name="Submit my ballot").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your ballot has been received")
    code = page.locator("#receipt-code").inner_text().strip()
    _print_view(page, "receipt")
    page.emulate_media(media="print")
    printed_code = page.evaluate("() => getComputedStyle(document.querySelector("
                                 "'#receipt-code')).display !== 'none'")
    page.emulate_media(media="screen")
    assert printed_code and code
