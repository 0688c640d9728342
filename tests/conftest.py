"""The fixtures every test package shares.

- ``app``: the app on a fresh database (SQLite copy or emptied PostgreSQL; see
  tests/databases.py), with an app context pushed for the whole test;
- ``client`` (test client, responses read in full), ``runner`` (CLI), ``outbox`` (the
  emails sent, with the memory mail backend);
- ``neighbourhood``: a Macclesfield-like neighbourhood from ``tests.factories``;
- ``sign_in(who, ...)``: signs the test client in through the log-in form;
- ``live_app``, ``live_server``, ``live_outbox``: the app served by a real threaded
  server (CSRF on), for browser and concurrency tests.

Factories live in tests/factories.py and page/email helpers in tests/web.py; test
modules import those, never another test package.
"""

from __future__ import annotations

import os

import pytest
from flask import g, has_app_context
from flask.testing import FlaskClient

from tests import factories
from tests.databases import TEST_CONFIG, empty_postgres, session_database, url_for_test
from tests.live import running_server


class FreshClient(FlaskClient):
    """A test client whose every request starts with an empty ``g``, as in production,
    and whose responses are read in full.

    The ``app`` fixture keeps an app context pushed for the whole test, and Flask reuses
    it for test-client requests, so ``g`` (where Flask-Login caches the current user and
    Flask-WTF the CSRF token) would otherwise carry one request's user into the next.
    """

    def open(self, *args, **kwargs):
        if has_app_context():
            for name in list(g):
                g.pop(name, None)
        # Read the body at once, so that files served with send_file are closed (an
        # unclosed file is a ResourceWarning, and warnings fail the run).
        kwargs.setdefault("buffered", True)
        return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def database(tmp_path_factory):
    """A description of the test database: ("sqlite", template path) or ("postgresql", url)."""
    yield from session_database(tmp_path_factory)


@pytest.fixture
def db_url(database, tmp_path):
    return url_for_test(database, tmp_path)


@pytest.fixture
def app(db_url, tmp_path, database):
    from pb import create_app
    from pb.extensions import db

    os.environ["PB_INSTANCE_PATH"] = str(tmp_path / "instance")
    try:
        app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": db_url})
    finally:
        os.environ.pop("PB_INSTANCE_PATH", None)
    app.test_client_class = FreshClient
    with app.app_context():
        yield app
        db.session.remove()
        if database[0] == "postgresql":
            empty_postgres(db)
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def outbox(app):
    return app.extensions.setdefault("pb_outbox", [])


@pytest.fixture
def neighbourhood(app):
    """Macclesfield-like test data: wards, a partnership, organisations, people, rounds."""
    return factories.build_neighbourhood()


@pytest.fixture
def sign_in(client):
    """``sign_in(who, password=PASSWORD, *, client=client, expect=302, **request)`` signs
    a test client in through the log-in form (signing out whoever was in first) and
    returns the response.

    ``who`` is a User or an email address. The response must have the status ``expect``
    (302: signed in; 400: refused) unless ``expect`` is None. ``request`` goes to the
    POST, for example ``environ_base={"REMOTE_ADDR": ...}``.
    """

    def _sign_in(who, password: str = factories.PASSWORD, *, client=client, expect=302,
                 **request):
        email = who if isinstance(who, str) else who.email
        client.post("/account/logout")
        response = client.post("/account/login", data={"email": email, "password": password},
                               **request)
        if expect is not None:
            assert response.status_code == expect, response.get_data(as_text=True)[:500]
        return response

    return _sign_in


@pytest.fixture
def live_app(database, tmp_path):
    """The app served by a real threaded Werkzeug server on 127.0.0.1, CSRF on, against
    its own copy of the test database. Set data up inside ``with live_app.app_context():``
    and leave that block before driving the server."""
    with running_server(database, tmp_path, "live", WTF_CSRF_ENABLED=True) as (app, base_url):
        # Links built outside a request (emails) point at this server.
        app.config["SERVER_NAME"] = base_url.removeprefix("http://")
        app.config["PB_LIVE_URL"] = base_url
        yield app


@pytest.fixture
def live_server(live_app) -> str:
    """The live app's base URL, e.g. ``http://127.0.0.1:43123`` (no trailing slash)."""
    return live_app.config["PB_LIVE_URL"]


@pytest.fixture
def live_outbox(live_app) -> list:
    """The emails the live app has sent (memory mail backend)."""
    return live_app.extensions.setdefault("pb_outbox", [])


# Figures of the trust suite (tests/trust, tests/browser/test_trust_xss.py) ---------------------
# Each test records what it measured with ``figure(...)``, which prints it at once (seen with
# ``pytest -s``) and again in a "trust figures" section at the end of the run, so CI output
# shows them whatever the capture and ``-r`` options are.

FIGURES: list[str] = []


@pytest.fixture
def figure(database):
    """``figure("XSS corpus", payloads=150, executed=0)`` prints and keeps one line."""

    def _figure(name: str, **values) -> str:
        parts = ", ".join(f"{key}={value}" for key, value in values.items())
        line = f"[{database[0]}] {name}: {parts}"
        print(f"\ntrust figure: {line}")
        FIGURES.append(line)
        return line

    return _figure


def pytest_terminal_summary(terminalreporter):
    if FIGURES:
        terminalreporter.section("trust figures")
        for line in FIGURES:
            terminalreporter.write_line(line)
