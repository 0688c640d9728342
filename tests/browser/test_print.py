"""Results, a proposal page and a sheet of voting-code cards print cleanly on A4: the
site's header, footer and forms are left off, nothing is wider than the paper, and code
cards are never split across pages."""

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
        ids = {"round": round_.id, "proposal": projects[0].id,
               "officer": hood.users["officer"].email,
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
