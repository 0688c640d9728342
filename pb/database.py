"""Engine set-up: SQLite pragmas and write transactions that cannot deadlock.

SQLite's default deferred BEGIN lets two requests both read and then both try to
write; one of them then fails with "database is locked" however long the busy
timeout is. Requests that change state (and CLI commands) therefore open their
transactions with BEGIN IMMEDIATE, which waits for the write lock up front.
Read-only requests keep the cheap deferred BEGIN so that WAL readers never block.
"""

from __future__ import annotations

import functools
from contextvars import ContextVar

from sqlalchemy import event
from sqlalchemy.engine import Engine

write_intent: ContextVar[bool] = ContextVar("pb_sqlite_write_intent", default=False)


def configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy's "begin" event, not pysqlite, decide how transactions start.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        # FULL: an acknowledged ballot survives a power cut, not only a crash.
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write_intent.get() else "BEGIN")


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def writes(function):
    """Mark a CLI command or background task as a writer: on SQLite its transactions
    take the write lock up front (BEGIN IMMEDIATE), as POST requests do."""

    @functools.wraps(function)
    def wrapped(*args, **kwargs):
        token = write_intent.set(True)
        try:
            return function(*args, **kwargs)
        finally:
            write_intent.reset(token)

    return wrapped
