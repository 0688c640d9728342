"""The open-data page and the audit log in a real browser: read the datasets, download a
CSV, then (as council scrutiny) filter the audit log to one round's certification with
htmx, open the filtered CSV, and check neither page scrolls sideways on a phone."""

from __future__ import annotations

from playwright.sync_api import expect

from pb.extensions import db
from pb.models import Round, User
from pb.results import services as results
from tests import factories


def _certified_round(live_app, neighbourhood) -> int:
    with live_app.app_context():
        round_, projects = factories.make_ballot_round(
            neighbourhood, name="Sutton Wellbeing Vote 2026", budget_pence=20_000_00,
            max_project_cost_pence=10_000_00)
        for n, picks in enumerate([[0, 1], [0], [1, 2]]):
            factories.cast_for(round_, factories.make_voter(n),
                               {projects[i].id: 1 for i in picks})
        factories.close_voting(round_)
        results.tally(round_, db.session.get(User, neighbourhood.users["officer"].id))
        results.certify(round_, db.session.get(User, neighbourhood.users["officer2"].id))
        round_id = round_.id
        assert db.session.get(Round, round_id).results_published_at
        db.session.remove()
    return round_id


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_open_data_page_and_a_filtered_audit_log(live_app, neighbourhood, page,
                                                 browser_sign_in):
    round_id = _certified_round(live_app, neighbourhood)

    page.goto("/")
    page.get_by_role("link", name="Open data", exact=True).click()
    expect(page.get_by_role("heading", name="Open data", level=1)).to_be_visible()
    results_item = page.locator("#dataset-results")
    expect(results_item).to_contain_text("votes, cost, whether it was funded, and why")
    expect(results_item).to_contain_text("Open Government Licence v3.0")
    with page.expect_download() as download:
        results_item.get_by_role("link", name="Results as CSV").click()
    text = download.value.path().read_text()
    assert text.startswith("round_id,round,project_id") and "Sutton Wellbeing Vote" in text
    page.get_by_role("link", name="the API and its OpenAPI description").click()
    expect(page.get_by_role("link", name="OpenAPI 3.1 description (openapi.json)")).to_be_visible()

    browser_sign_in(page, neighbourhood.users["scrutiny"].email)
    page.goto("/audit")
    expect(page.get_by_text("entries is intact")).to_be_visible()
    page.get_by_label("Round").select_option(label="Sutton Wellbeing Vote 2026")
    page.get_by_label("Action").select_option(value="result")
    # htmx swaps the entries in place and puts the filters in the address bar.
    entries = page.locator("#audit-entries")
    expect(entries).to_contain_text("Tom (Resident, Partnership officer): Certified the "
                                    "result of Sutton Wellbeing Vote 2026")
    expect(entries).to_contain_text("Counted the ballots of Sutton Wellbeing Vote 2026")
    expect(entries).not_to_contain_text("Voted in")
    assert f"round={round_id}" in page.url and "action=result" in page.url
    expect(entries.locator("table.audit-diff").first).to_contain_text("inputs hash")
    with page.expect_download() as download:
        entries.get_by_role("link", name="Download these entries (CSV)").click()
    rows = download.value.path().read_text().splitlines()
    assert len(rows) == 3 and "result.certified" in rows[1]

    for path in ("/audit", "/open-data"):
        page.set_viewport_size({"width": 360, "height": 800})
        page.goto(path)
        _no_sideways_scroll(page)
