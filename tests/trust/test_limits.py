"""Abuse limits (G16): per connection, per account and per email address through
Flask-Limiter (pb/limits.py); in Redis they hold across app servers; a 429 says what was
limited and when to try again."""

from __future__ import annotations

import os
import uuid

import pytest

from pb import limits
from pb.extensions import db
from tests.databases import TEST_CONFIG


def _server(db_url, tmp_path, name, **config):
    from pb import create_app

    os.environ["PB_INSTANCE_PATH"] = str(tmp_path / f"instance-{name}")
    try:
        return create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": db_url,
                           "RATELIMIT_ENABLED": True, **config})
    finally:
        os.environ.pop("PB_INSTANCE_PATH", None)


def _close(server):
    with server.app_context():
        db.session.remove()
        db.engine.dispose()  # its own pool: close it, or a GC warning fails a later test


@pytest.fixture
def limited(app, db_url, tmp_path):
    server = _server(db_url, tmp_path, "limited")
    server.test_client_class = app.test_client_class
    yield server
    _close(server)


def _redis_url() -> str:
    return os.environ.get("PB_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_or_skip():
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(_redis_url()).ping()
    except redis.exceptions.ConnectionError as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"Redis at {_redis_url()} is unreachable: {exc}")


def test_every_limit_names_a_real_route_and_says_what_it_limits(app):
    for rule in limits.LIMITS:
        assert limits._endpoints(app, rule.endpoint), rule
        assert rule.per in limits.KEYS and rule.what and " per " in rule.limit


def test_reset_emails_are_limited_per_address_typed_and_the_page_says_when_to_retry(
        limited, neighbourhood, figure):
    client = limited.test_client()
    resident = neighbourhood.users["resident"].email
    statuses = [client.post("/account/forgot", data={"email": resident}).status_code
                for _ in range(6)]
    assert statuses == [302] * 5 + [429]
    refused = client.post("/account/forgot", data={"email": resident})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 429
    assert ("You have reached the limit of 5 password reset emails to this address an hour"
            in page)
    assert "Try again in" in page
    assert 0 < int(refused.headers["Retry-After"]) <= 3600
    # Someone else's address is its own count (until this connection's own limit).
    other = client.post("/account/forgot", data={"email": neighbourhood.users["officer"].email})
    assert other.status_code == 302
    figure("abuse limits: reset emails per address", sent=statuses.count(302),
           refused_after=5, retry_after_s=int(refused.headers["Retry-After"]))


def test_verification_emails_are_limited_per_account_not_per_connection(limited, neighbourhood,
                                                                        sign_in):
    from tests.factories import make_user

    people = [make_user(f"new.resident{n}@example.org", f"New Resident {n}", verified=False)
              for n in (1, 2)]
    db.session.commit()
    for person in people:
        client = limited.test_client()
        sign_in(person.email, client=client)
        statuses = [client.post("/account/verify/resend").status_code for _ in range(6)]
        assert 429 not in statuses[:5] and statuses[5] == 429, statuses


def test_the_api_answers_429_in_json_with_retry_after(app, db_url, tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "LIMITS", (
        limits.Rule("api.", limits.ADDRESS, "3 per minute", "open data requests from this "
                    "connection", methods=("GET",)),))
    server = _server(db_url, tmp_path, "api")
    try:
        client = server.test_client()
        statuses = [client.get("/api/v1/rounds").status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        refused = client.get("/api/v1/rounds")
        body = refused.get_json()
        assert body["error"]["status"] == 429
        assert "3 open data requests from this connection a minute" in body["error"]["message"]
        assert 0 < int(refused.headers["Retry-After"]) <= 60
        # Another connection is counted apart.
        assert client.get("/api/v1/rounds",
                          environ_base={"REMOTE_ADDR": "198.51.100.7"}).status_code == 200
    finally:
        _close(server)


def test_with_redis_a_limit_holds_across_two_app_servers(app, db_url, tmp_path, monkeypatch,
                                                        figure):
    _redis_or_skip()
    monkeypatch.setattr(limits, "LIMITS", (
        limits.Rule("api.", limits.ADDRESS, "5 per minute", "open data requests from this "
                    "connection", methods=("GET",)),))
    prefix = f"pb-test-{uuid.uuid4().hex[:8]}"
    shared = {"REDIS_URL": _redis_url(), "RATELIMIT_KEY_PREFIX": prefix}
    one, two = (_server(db_url, tmp_path, name, **shared) for name in ("one", "two"))
    alone = _server(db_url, tmp_path, "alone")  # no Redis: its own memory
    try:
        a, b = one.test_client(), two.test_client()
        statuses = [c.get("/api/v1/rounds").status_code for c in (a, b, a, b, a, b)]
        assert statuses == [200] * 5 + [429]
        assert a.get("/api/v1/rounds").status_code == 429
        # Without Redis a server keeps its own count (the embedded default, one machine).
        assert alone.test_client().get("/api/v1/rounds").status_code == 200
        figure("abuse limits: two app servers on Redis", limit=5, allowed=statuses.count(200),
               refused_from_second_server=int(statuses[-1] == 429))
    finally:
        for server in (one, two, alone):
            _close(server)
        import redis

        connection = redis.Redis.from_url(_redis_url())
        for key in connection.scan_iter(f"{prefix}*"):
            connection.delete(key)
        connection.close()
