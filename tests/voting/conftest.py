"""Fixtures for voting tests: a real threaded server for the concurrency test."""

from __future__ import annotations

import pytest

from tests.live import running_server


@pytest.fixture
def threaded_server(database, tmp_path):
    """(app, base URL) of the app served by Werkzeug with a thread per request."""
    pool = ({"pool_pre_ping": True, "pool_size": 25, "max_overflow": 30}
            if database[0] == "postgresql" else {"pool_pre_ping": True})
    with running_server(database, tmp_path, "threaded",
                        SQLALCHEMY_ENGINE_OPTIONS=pool) as served:
        yield served
