"""A real server for tests that need one: the app served by Werkzeug, a thread per request."""

from __future__ import annotations

import os
import threading
from contextlib import contextmanager

from werkzeug.serving import make_server

from tests.databases import TEST_CONFIG, empty_postgres, url_for_test


@contextmanager
def running_server(database, tmp_path, name: str, **config):
    """Yield ``(app, base_url)`` for an app on its own copy of the test database.

    ``database`` is the session fixture's ("sqlite", template) or ("postgresql", url);
    on PostgreSQL the session database is emptied afterwards.
    """
    from pb import create_app
    from pb.extensions import db

    url = url_for_test(database, tmp_path, name)
    os.environ["PB_INSTANCE_PATH"] = str(tmp_path / f"{name}-instance")
    try:
        app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url, "SERVER_NAME": None,
                          **config})
    finally:
        os.environ.pop("PB_INSTANCE_PATH", None)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    # A client has its response before the request thread returns its database connection;
    # joining request threads on close stops teardown disposing an engine still in use.
    server.daemon_threads = False
    server.block_on_close = True
    base_url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, name=f"pb-{name}", daemon=True)
    thread.start()
    try:
        yield app, base_url
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        with app.app_context():
            db.session.remove()
            if database[0] == "postgresql":
                empty_postgres(db)
            db.engine.dispose()
