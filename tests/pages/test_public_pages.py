"""The public-service pages (issue 16, item 7): accessibility statement, contact, cookies,
terms and the privacy notice; linked from every page's footer; the favicon."""

from __future__ import annotations

import re

import pytest

from pb.extensions import db
from pb.models import AuditEntry, Partnership
from pb.pages import services

PAGES = {
    "/accessibility": ("Accessibility statement",
                       ["How accessible this website is", "Feedback and contact information",
                        "Enforcement procedure", "Equality and Human Rights Commission",
                        "Equality Commission for Northern Ireland",
                        "Technical information about this website", "Compliance status",
                        "Web Content Accessibility Guidelines", "version 2.2", "AA standard",
                        "Non-accessible content", "What we are doing to improve accessibility",
                        "Preparation of this accessibility statement", "Playwright",
                        "360 pixels wide", "keyboard alone"]),
    "/contact": ("Contact us", ["Report a problem with a vote", "receipt"]),
    "/cookies": ("Cookies", ["essential cookies", "no cookie banner"]),
    "/terms": ("Terms for proposers", ["What you agree to", "Moderation",
                                       "Open Government Licence", 'href="/privacy"']),
    "/privacy": ("Privacy notice", ["Who to ask", "Information Commissioner"]),
}


@pytest.mark.parametrize("path", PAGES)
def test_each_page_has_one_heading_its_content_and_a_last_updated_date(client, path):
    response = client.get(path)
    page = response.get_data(as_text=True)
    title, phrases = PAGES[path]
    assert response.status_code == 200
    assert re.findall(r"<h1[^>]*>(.*?)</h1>", page) == [title]
    assert f"<title>{title} · pb participatory budgeting</title>" in page
    for phrase in phrases:
        assert phrase in page, phrase
    assert re.search(r"Last updated \d{1,2} [A-Z][a-z]+ 20\d\d", page)
    assert "<h1" not in page.split("</h1>", 1)[1]  # the Markdown's headings sit below it


def test_the_accessibility_statement_claims_only_the_checks_the_tests_run(client):
    """It says axe runs on every state the browser journeys reach: so the vendored
    axe-core and the audit that runs it must exist; and it still says what is missing."""
    from pathlib import Path

    browser = Path(__file__).resolve().parents[1] / "browser"
    page = client.get("/accessibility").get_data(as_text=True)
    assert "checked with the axe accessibility checker against WCAG 2.2 AA" in page
    assert (browser / "vendor" / "axe-core" / "axe.min.js").is_file()
    assert "axe.install(monkeypatch" in (browser / "conftest.py").read_text()
    assert "with the keyboard alone" in page and "JavaScript" in page
    assert "not yet available in Welsh" in page
    assert "partially compliant" in page


@pytest.mark.parametrize("path", ["/", "/rounds", "/account/login", "/accessibility"])
def test_every_page_footer_links_all_the_public_pages(client, path):
    footer = client.get(path).get_data(as_text=True).split('<footer', 1)[1]
    for href in ("/privacy", "/cookies", "/accessibility", "/terms", "/glossary", "/contact"):
        assert f'href="{href}"' in footer, href


def test_cookies_page_lists_every_cookie_under_the_configured_names(app, client):
    page = client.get("/cookies").get_data(as_text=True)
    for name in (app.config["SESSION_COOKIE_NAME"], "remember_token", "pb_device",
                 "pb_kiosk", "pb_lang"):
        assert f"<code>{name}</code>" in page, name
    assert "14 days" in page and "When you close your browser" in page


def test_the_cookie_names_are_the_ones_the_areas_set(app):
    from pb.events.kiosk_views import KIOSK_COOKIE
    from pb.i18n import LANGUAGE_COOKIE
    from pb.voting.views import DEVICE_COOKIE

    assert {c.name for c in services.cookies()} == {
        app.config["SESSION_COOKIE_NAME"], "remember_token", DEVICE_COOKIE, KIOSK_COOKIE,
        LANGUAGE_COOKIE}


def test_over_https_the_cookies_page_names_the_host_prefixed_cookies(app):
    from pb.web_security import use_https

    app.config["PREFERRED_URL_SCHEME"] = "https"
    use_https(app)
    page = app.test_client().get("/cookies").get_data(as_text=True)
    assert "<code>__Host-pb_session</code>" in page
    assert "<code>__Host-remember_token</code>" in page


def test_the_contact_page_lists_the_partnerships_addresses(client, neighbourhood):
    partnership = db.session.scalar(db.select(Partnership))
    page = client.get("/contact").get_data(as_text=True)
    assert f'<a href="mailto:{partnership.contact_email}">' in page
    assert partnership.name in page


def test_the_contact_page_says_so_when_no_partnership_gave_an_address(client):
    page = client.get("/contact").get_data(as_text=True)
    assert "No partnership has given a contact address yet." in page


def test_the_page_head_links_an_svg_favicon_and_it_is_served(client):
    page = client.get("/").get_data(as_text=True)
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
    icon = client.get("/static/favicon.svg")
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
    assert icon.get_data(as_text=True).startswith("<svg")


def test_favicon_ico_answers_with_the_icon_not_a_404(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.get_data() == client.get("/static/favicon.svg").get_data()


def test_the_demo_gives_the_contact_page_its_partnerships_details(runner, client):
    assert runner.invoke(args=["demo"]).exit_code == 0
    page = client.get("/contact").get_data(as_text=True)
    assert "0306 999 0142" in page and "Macclesfield SK10 1AA" in page
    assert "Report a problem with a vote" in page
    assert runner.invoke(args=["demo"]).exit_code == 0  # a second run changes nothing
    assert len(db.session.scalars(db.select(AuditEntry).where(
        AuditEntry.action == "page.edited")).all()) == 1
