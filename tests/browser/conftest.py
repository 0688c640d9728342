"""Playwright fixtures for browser tests (``live_app``, ``live_server`` and
``live_outbox`` come from tests/conftest.py).

``live_app`` serves the Flask app from a real Werkzeug server in a daemon thread on a
free port of 127.0.0.1, against a fresh database. CSRF is ON: the browser must pass it
like a real one. Set up data from the test with ``with live_app.app_context(): ...;
db.session.commit()`` and leave that block before driving the browser, so the test
thread holds no open SQLite read transaction.

Fixtures defined here:
- ``neighbourhood``: ``tests.factories.build_neighbourhood()`` committed in the LIVE
  app's database (this overrides the test-client fixture of the same name here). Its
  objects are detached with their columns and relationships loaded, so
  ``neighbourhood.users["officer"].email`` and ``neighbourhood.rounds["voting"].id``
  work outside an app context; re-query inside ``with live_app.app_context():`` to
  change anything.
- ``browser``: one Chromium for the session (Debian's ``/usr/bin/chromium``; never a
  downloaded browser). Missing: skipped outside CI, an error when ``CI`` is set.
- ``page``: a fresh browser context and page per test, with a 10 s default timeout and
  ``base_url`` set to the live server, so ``page.goto("/account/login")`` works.
- ``browser_sign_in(page, email, password=PASSWORD)``: signs that person in through the
  log-in form and checks it worked.

Every test collected under tests/browser/ is marked ``browser`` automatically.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests import factories
from tests.browser import axe
from tests.factories import PASSWORD

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
DEFAULT_TIMEOUT_MS = 10_000
BROWSER_DIR = Path(__file__).resolve().parent


AXE_LOG = axe.AxeLog()


def pytest_collection_modifyitems(config, items):
    for item in items:
        if BROWSER_DIR in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


def pytest_terminal_summary(terminalreporter):
    if AXE_LOG.audits:
        terminalreporter.write_line(AXE_LOG.summary())


@pytest.fixture(autouse=True)
def axe_audit(request, monkeypatch):
    """axe-core on every page state the test acts on (see tests/browser/axe.py); a test
    marked ``no_axe`` (pages full of attack payloads, not journeys) is left out."""
    if request.node.get_closest_marker("no_axe"):
        yield
        return
    audits: list[dict] = []
    axe.install(monkeypatch, AXE_LOG, audits)
    yield audits
    problems = AXE_LOG.problems(audits)
    assert not problems, "accessibility problems:\n" + "\n".join(problems)


@pytest.fixture
def neighbourhood(live_app):
    from pb.extensions import db

    with live_app.app_context():
        neighbourhood = factories.build_neighbourhood()
        db.session.commit()
        _load_and_detach(db.session)
    return neighbourhood


def _load_and_detach(session, passes: int = 4) -> None:
    """Load every column and (select-loaded) relationship reachable from the objects in
    the session, then detach them so they stay readable after the app context ends."""
    from sqlalchemy import inspect

    seen: set[int] = set()
    for _ in range(passes):
        objects = [o for o in list(session.identity_map.values()) if id(o) not in seen]
        if not objects:
            break
        for obj in objects:
            seen.add(id(obj))
            mapper = inspect(obj).mapper
            for attr in mapper.column_attrs:
                getattr(obj, attr.key)
            for rel in mapper.relationships:
                if rel.lazy in ("select", "joined", "selectin", "subquery", True):
                    getattr(obj, rel.key)
    session.expunge_all()


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        reason = f"{CHROMIUM} not found: browser tests need Debian's chromium package"
        if os.environ.get("CI"):
            pytest.fail(reason)
        print(f"\nSKIP browser tests: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server, locale="en-GB",
                                  timezone_id="Europe/London")
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    context.set_default_navigation_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def browser_sign_in(live_server):
    """browser_sign_in(page, email, password=PASSWORD) signs in through the real form."""

    def _login(page, email: str, password: str = PASSWORD):
        page.goto(f"{live_server}/account/login")
        page.get_by_label("Email address").fill(email)
        page.get_by_label("Password", exact=True).fill(password)
        with page.expect_navigation():
            page.get_by_role("button", name="Sign in").click()
        path = page.url[len(live_server):]
        assert not path.startswith("/account/login"), \
            f"signing in as {email} failed: still on {page.url}"
        return page

    return _login
