"""`flask db upgrade` builds the schema from empty, and the models agree with it.

A model change without its migration (or a migration without its model change) makes
the comparison list the difference and fail.
"""

from __future__ import annotations

import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import current_app
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError

from pb import create_app
from pb.extensions import db
from tests.databases import TEST_CONFIG, new_postgres_database


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request, tmp_path):
    """An empty database of each kind (PostgreSQL only when the run uses it)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrated.sqlite'}"
        return
    url = os.environ.get("PB_TEST_DATABASE_URL", "").strip()
    if not url.startswith("postgres"):
        pytest.skip("PostgreSQL is tested when PB_TEST_DATABASE_URL points at it")
    database, drop = new_postgres_database(url, "pb_migrate", schema=False)
    try:
        yield database
    finally:
        drop()


@pytest.fixture
def migrated_app(empty_database, tmp_path, monkeypatch):
    monkeypatch.setenv("PB_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": empty_database})
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["db", "upgrade"])
        assert result.exit_code == 0, result.output + repr(result.exception)
        yield app
        db.session.remove()
        db.engine.dispose()


def _differences() -> list:
    migrate = current_app.extensions["migrate"]
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={
            "compare_type": True, "render_as_batch": migrate.configure_args.get(
                "render_as_batch", False)})
        return compare_metadata(context, db.metadata)


def test_upgrade_builds_every_table(migrated_app):
    tables = set(inspect(db.engine).get_table_names())
    missing = ({*db.metadata.tables, "alembic_version"}) - tables
    assert not missing, f"tables no migration creates: {sorted(missing)}"


def test_the_models_and_the_migration_head_agree(migrated_app):
    differences = _differences()
    assert not differences, "the models and the migrations differ (run `flask db migrate`):\n" \
        + "\n".join(f"  {d!r}"[:300] for d in differences)


def test_the_migrated_audit_log_is_append_only(migrated_app):
    with db.engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO audit_entries (id, created_at, actor_label, action, object_type, "
            "prev_hash, entry_hash) VALUES (1, '2026-01-01 00:00:00', 'system', 'x', "
            "'system', :zero, :one)"), {"zero": "0" * 64, "one": "1" * 64})
    for statement in ("UPDATE audit_entries SET action = 'y'", "DELETE FROM audit_entries"):
        with pytest.raises(DBAPIError, match="append-only"), db.engine.begin() as conn:
            conn.execute(text(statement))


def test_downgrade_to_base_removes_everything(migrated_app):
    result = migrated_app.test_cli_runner().invoke(args=["db", "downgrade", "base"])
    assert result.exit_code == 0, result.output + repr(result.exception)
    db.engine.dispose()
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    again = migrated_app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert again.exit_code == 0, again.output + repr(again.exception)
    assert "audit_entries" in inspect(db.engine).get_table_names()
