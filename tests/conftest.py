"""Test fixtures: a fresh database per test, on SQLite or PostgreSQL.

The database comes from ``PB_TEST_DATABASE_URL``:
- unset: a SQLite file per test, copied from a template built once per session;
- ``postgresql+psycopg://.../NAME``: a new database created on that server for this
  session (so parallel runs never meet), emptied between tests, dropped at the end.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pytest
from flask import g, has_app_context
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests import factories

TEST_CONFIG = {
    "TESTING": True,
    "ARGON2_PROFILE": "CHEAPEST",
    "MAIL_BACKEND": "memory",
    "WTF_CSRF_ENABLED": False,
    "SECRET_KEY": "test-secret-key-not-for-production",
    "SERVER_NAME": "pb.test",
}


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


def _database_url() -> str | None:
    url = os.environ.get("PB_TEST_DATABASE_URL", "").strip()
    return url or None


@pytest.fixture(scope="session")
def database(tmp_path_factory):
    """A description of the test database: ("sqlite", template path) or ("postgresql", url)."""
    url = _database_url()
    if url is None:
        template = tmp_path_factory.mktemp("db") / "template.sqlite"
        _build_schema(f"sqlite:///{template}")
        yield ("sqlite", template)
        return
    yield from _postgres_database(url)


def _postgres_database(url: str):
    from pb.config import normalise_database_url

    base = make_url(normalise_database_url(url))
    name = f"pb_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001
        if os.environ.get("CI"):
            raise
        pytest.skip(f"PostgreSQL at {base.host}:{base.port} is unreachable: {exc}")
    test_url = base.set(database=name).render_as_string(hide_password=False)
    _build_schema(test_url)
    try:
        yield ("postgresql", test_url)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _build_schema(url: str) -> None:
    from pb import create_app
    from pb.extensions import db

    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.create_all()
        db.engine.dispose()


@pytest.fixture
def db_url(database, tmp_path):
    kind, where = database
    if kind == "sqlite":
        path = tmp_path / "pb.sqlite"
        shutil.copy(where, path)
        return f"sqlite:///{path}"
    return where


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
            _empty_postgres(db)
        db.engine.dispose()


def _empty_postgres(db) -> None:
    # DELETE is far faster than TRUNCATE on small tables. The replica role skips the
    # audit log's append-only trigger and foreign-key checks for this transaction only
    # (the test server's postgres user is a superuser).
    with db.engine.begin() as conn:
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(text(f'DELETE FROM "{table.name}"'))
        sequences = conn.execute(text(
            "SELECT quote_ident(sequence_schema) || '.' || quote_ident(sequence_name) "
            "FROM information_schema.sequences")).scalars().all()
        for name in sequences:
            conn.execute(text(f"ALTER SEQUENCE {name} RESTART"))


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
def login(client):
    """login(user) signs the test client in as that user (password from the factories)."""

    def _login(user, password: str = factories.PASSWORD):
        client.post("/account/logout")
        response = client.post("/account/login",
                               data={"email": user.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return response

    return _login


REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED = REPO_ROOT.parent / "shared"
