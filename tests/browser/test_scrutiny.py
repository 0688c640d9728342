"""The programme dashboard in a real browser: open it, filter it (htmx swaps the figures
and the address changes), read a chart's table, and download that chart's CSV."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from pb.extensions import db
from tests import factories


def _world(live_app):
    with live_app.app_context():
        hood = factories.build_neighbourhood()
        factories.scrutiny_world(hood)
        ward = hood.wards["Macclesfield Hurdsfield"].id
        db.session.remove()
    return ward


def test_dashboard_filter_chart_table_and_csv(live_app, page):
    ward = _world(live_app)
    page.goto("/scrutiny/")
    expect(page.get_by_role("heading", name="Where the money went, and what it achieved")) \
        .to_be_visible()
    expect(page.locator(".headline-figures")).to_contain_text("£18,500")

    # Filter by ward: htmx replaces the figures and the address is the filtered view's.
    page.get_by_role("combobox", name="Ward", exact=True).select_option(value=str(ward))
    expect(page.locator(".headline-figures")).to_contain_text("£9,000")
    assert f"ward={ward}" in page.url

    # Read the chart's table behind its disclosure.
    figure = page.locator("#figure-grants-by-ward")
    expect(figure.get_by_role("img", name="Grant money by ward")).to_be_visible()
    figure.get_by_text("Table of this chart's figures").click()
    table = figure.get_by_role("table")
    expect(table).to_be_visible()
    expect(table.get_by_role("row").nth(1)).to_contain_text("Macclesfield Hurdsfield")
    expect(table.get_by_role("row").nth(1)).to_contain_text("£3,000")

    # Download exactly that chart's data, with the same filter.
    with page.expect_download() as download_info:
        figure.get_by_role("link", name="Download this chart's data (CSV)").click()
    download = download_info.value
    assert download.suggested_filename == "grants-by-ward.csv"
    text = Path(download.path()).read_text(encoding="utf-8")
    assert text.splitlines() == [
        'Ward,Reported spent,"Paid, spend not yet reported","Awarded, not yet paid"',
        "Macclesfield Hurdsfield,3000.00,1500.00,4500.00"]

    # The filtered view has its own address: reloading it shows the same figures.
    page.reload()
    expect(page.locator(".headline-figures")).to_contain_text("£9,000")
    expect(page.get_by_role("combobox", name="Ward", exact=True)).to_have_value(str(ward))
