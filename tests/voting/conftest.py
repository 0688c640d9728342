"""Fixtures for voting tests: a real threaded server for the concurrency test."""

from __future__ import annotations

import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from tests.conftest import TEST_CONFIG, _empty_postgres


@pytest.fixture
def threaded_server(database, tmp_path):
    """(app, base URL) of the app served by Werkzeug with a thread per request."""
    from pb import create_app
    from pb.extensions import db

    kind, where = database
    if kind == "sqlite":
        path = tmp_path / "threaded.sqlite"
        shutil.copy(where, path)
        url = f"sqlite:///{path}"
    else:
        url = where
    os.environ["PB_INSTANCE_PATH"] = str(tmp_path / "threaded-instance")
    try:
        app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url, "SERVER_NAME": None,
                          "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True,
                                                        "pool_size": 25, "max_overflow": 30}
                          if kind == "postgresql" else {"pool_pre_ping": True}})
    finally:
        os.environ.pop("PB_INSTANCE_PATH", None)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield app, f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        with app.app_context():
            db.session.remove()
            if kind == "postgresql":
                _empty_postgres(db)
            db.engine.dispose()
