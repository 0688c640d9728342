"""The test database, on SQLite or PostgreSQL, for tests/conftest.py and tests/live.py.

The database comes from ``PB_TEST_DATABASE_URL``:
- unset: a SQLite file per test, copied from a template built once per session;
- ``postgresql+psycopg://.../NAME``: a new database created on that server for this
  session (so parallel runs never meet), emptied between tests, dropped at the end.
"""

from __future__ import annotations

import os
import shutil
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

TEST_CONFIG = {
    "TESTING": True,
    "ARGON2_PROFILE": "CHEAPEST",
    "MAIL_BACKEND": "memory",
    # Receipt emails leave the outbox right after the ballot's commit, in the request, so
    # tests read them at once (tests/voting/test_outbox.py drives the worker modes).
    "MAIL_OUTBOX_SEND": "inline",
    "WTF_CSRF_ENABLED": False,
    "SECRET_KEY": "test-secret-key-not-for-production",
    "SERVER_NAME": "pb.test",
    # Abuse limits count real requests in real time; tests/trust/test_limits.py turns them on.
    "RATELIMIT_ENABLED": False,
}


def database_url() -> str | None:
    url = os.environ.get("PB_TEST_DATABASE_URL", "").strip()
    return url or None


def session_database(tmp_path_factory):
    """Yield ("sqlite", template path) or ("postgresql", url) for the whole session."""
    url = database_url()
    if url is None:
        template = tmp_path_factory.mktemp("db") / "template.sqlite"
        build_schema(f"sqlite:///{template}")
        yield ("sqlite", template)
        return
    yield from _postgres_database(url)


def _postgres_database(url: str):
    test_url, drop = new_postgres_database(url, "pb_test")
    try:
        yield ("postgresql", test_url)
    finally:
        drop()


def new_postgres_database(url: str, prefix: str, schema: bool = True):
    """A new, uniquely named database on the test server (with pb's tables unless
    ``schema`` is false): its URL and a function that drops it. Skips when the server is
    unreachable, except in CI."""
    from pb.config import normalise_database_url

    base = make_url(normalise_database_url(url))
    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001
        admin.dispose()
        if os.environ.get("CI"):
            raise
        pytest.skip(f"PostgreSQL at {base.host}:{base.port} is unreachable: {exc}")
    test_url = base.set(database=name).render_as_string(hide_password=False)
    if schema:
        build_schema(test_url)

    def drop():
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return test_url, drop


def build_schema(url: str) -> None:
    from pb import create_app
    from pb.extensions import db

    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.create_all()
        db.engine.dispose()


def url_for_test(database, tmp_path, name: str = "pb") -> str:
    """The URL of this test's database: a fresh copy of the SQLite template, or the
    session's PostgreSQL database (emptied by ``empty_postgres`` after the test)."""
    kind, where = database
    if kind == "sqlite":
        path = tmp_path / f"{name}.sqlite"
        shutil.copy(where, path)
        return f"sqlite:///{path}"
    return where


def empty_postgres(db) -> None:
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
