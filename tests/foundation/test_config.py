"""The application factory and configuration precedence."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from pb import create_app
from pb.config import env_overrides, normalise_database_url
from pb.extensions import db

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def instance(tmp_path, monkeypatch):
    """An empty instance folder, and an environment without PB_* settings."""
    for key in list(os.environ):
        if key.startswith("PB_"):
            monkeypatch.delenv(key)
    folder = tmp_path / "instance"
    monkeypatch.setenv("PB_INSTANCE_PATH", str(folder))
    return folder


def _pragma(app, name):
    with app.app_context():
        with db.engine.connect() as conn:
            value = conn.execute(text(f"PRAGMA {name}")).scalar()
        db.engine.dispose()
    return value


def test_defaults_use_sqlite_in_the_instance_folder(instance):
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{instance / 'pb.sqlite'}"
    assert app.config["MAIL_BACKEND"] == "file"
    assert app.config["ARGON2_PROFILE"] == "RFC_9106_LOW_MEMORY"
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert not app.debug and not app.testing


def test_sqlite_connections_use_wal_busy_timeout_and_foreign_keys(instance):
    app = create_app({"SQLITE_BUSY_TIMEOUT_MS": 4321})
    assert _pragma(app, "journal_mode") == "wal"
    assert _pragma(app, "busy_timeout") == 4321
    assert _pragma(app, "foreign_keys") == 1
    assert _pragma(app, "synchronous") == 2  # FULL
    assert (instance / "pb.sqlite").exists()


def test_secret_key_is_created_once_with_mode_600_and_reused(instance):
    assert not (instance / "secret_key").exists()
    first = create_app()
    key_file = instance / "secret_key"
    assert key_file.exists()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(first.config["SECRET_KEY"]) >= 32
    assert key_file.read_text().strip() == first.config["SECRET_KEY"]
    second = create_app()
    assert second.config["SECRET_KEY"] == first.config["SECRET_KEY"]


def test_two_workers_starting_together_share_one_secret_key(instance, monkeypatch):
    from pathlib import Path as RealPath

    from pb import config

    instance.mkdir(parents=True)
    (instance / "secret_key").write_text("written-by-the-other-worker-0123456789abcdef\n")
    # This worker looked before the other one wrote the file.
    monkeypatch.setattr(RealPath, "exists", lambda self: False)
    key = config.instance_secret_key(str(instance))
    assert key == "written-by-the-other-worker-0123456789abcdef"
    assert sorted(p.name for p in instance.iterdir()) == ["secret_key"]  # no leftovers


def test_a_secret_key_from_the_environment_writes_no_file(instance, monkeypatch):
    monkeypatch.setenv("PB_SECRET_KEY", "from-the-environment-0123456789abcdef")
    app = create_app()
    assert app.config["SECRET_KEY"] == "from-the-environment-0123456789abcdef"
    assert not (instance / "secret_key").exists()


def test_precedence_defaults_then_instance_file_then_env_then_mapping(instance, monkeypatch):
    instance.mkdir(parents=True, exist_ok=True)
    (instance / "config.py").write_text(
        "MAIL_BACKEND = 'console'\n"
        "PAGE_SIZE = 7\n"
        "MAIL_FROM = 'from-instance@example.org'\n"
        "SECRET_KEY = 'instance-secret-0123456789abcdef0123'\n"
        "SQLALCHEMY_DATABASE_URI = 'sqlite:////tmp/instance-file.sqlite'\n")
    app = create_app()
    assert app.config["PAGE_SIZE"] == 7
    assert app.config["MAIL_BACKEND"] == "console"
    assert app.config["SECRET_KEY"] == "instance-secret-0123456789abcdef0123"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite:////tmp/instance-file.sqlite"
    assert app.config["MAIL_PORT"] == 25  # untouched default

    monkeypatch.setenv("PB_MAIL_BACKEND", "smtp")
    monkeypatch.setenv("PB_PAGE_SIZE", "12")
    monkeypatch.setenv("PB_MAIL_USE_TLS", "true")
    monkeypatch.setenv("PB_SECRET_KEY", "env-secret-0123456789abcdef0123456")
    monkeypatch.setenv("PB_DATABASE_URL", "postgres://pb:pw@db.example.org:5432/pb")
    app = create_app()
    assert app.config["MAIL_BACKEND"] == "smtp"
    assert app.config["PAGE_SIZE"] == 12  # parsed as a number
    assert app.config["MAIL_USE_TLS"] is True
    assert app.config["MAIL_FROM"] == "from-instance@example.org"  # not overridden
    assert app.config["SECRET_KEY"] == "env-secret-0123456789abcdef0123456"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == \
        "postgresql+psycopg://pb:pw@db.example.org:5432/pb"

    app = create_app({"MAIL_BACKEND": "memory", "PAGE_SIZE": 3,
                      "SQLALCHEMY_DATABASE_URI": "sqlite:////tmp/mapping.sqlite"})
    assert app.config["MAIL_BACKEND"] == "memory"
    assert app.config["PAGE_SIZE"] == 3
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite:////tmp/mapping.sqlite"
    assert app.config["SECRET_KEY"] == "env-secret-0123456789abcdef0123456"


@pytest.mark.parametrize("given, expected", [
    ("postgres://u:p@h:5432/pb", "postgresql+psycopg://u:p@h:5432/pb"),
    ("postgresql://u@h/pb", "postgresql+psycopg://u@h/pb"),
    ("postgresql+psycopg://u@h/pb", "postgresql+psycopg://u@h/pb"),
    ("sqlite:////srv/pb/pb.sqlite", "sqlite:////srv/pb/pb.sqlite"),
])
def test_database_urls_are_normalised(given, expected):
    assert normalise_database_url(given) == expected


def test_env_overrides_ignore_test_settings_and_keep_strings():
    overrides = env_overrides({"PB_TEST_DATABASE_URL": "postgresql://x/y", "HOME": "/root",
                               "PB_MAIL_SERVER": "smtp.example.org", "PB_MAIL_PORT": "587",
                               "PB_MAIL_PASSWORD": "12345", "PB_MAIL_FROM": '"quoted"'})
    assert "TEST_DATABASE_URL" not in overrides and "HOME" not in overrides
    assert overrides["MAIL_SERVER"] == "smtp.example.org"
    assert overrides["MAIL_PORT"] == 587
    assert overrides["MAIL_FROM"] == '"quoted"'


def test_https_turns_on_secure_cookies(instance):
    app = create_app({"PREFERRED_URL_SCHEME": "https", "SECRET_KEY": "x" * 40})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    plain = create_app({"SECRET_KEY": "x" * 40})
    assert plain.config["SESSION_COOKIE_SECURE"] is False


def test_importing_the_allocation_core_does_not_import_flask():
    if not (REPO / "pb" / "allocation" / "__init__.py").exists():
        pytest.skip("pb/allocation is not there yet")
    code = ("import sys, pb.allocation; "
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
            "('flask', 'sqlalchemy', 'flask_sqlalchemy', 'werkzeug')); "
            "print(','.join(bad)); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, f"pb.allocation pulled in: {result.stdout}{result.stderr}"
