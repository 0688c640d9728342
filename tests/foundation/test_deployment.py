"""Behind a reverse proxy, and throttled clients told when to come back."""

from __future__ import annotations

from pb.extensions import db
from pb.models import LoginAttempt


def _fail_logins(client, email, times, **kwargs):
    for _ in range(times):
        client.post("/account/login", data={"email": email, "password": "not-the-password"},
                    **kwargs)


def test_throttled_log_in_says_when_to_retry(app, client, neighbourhood):
    email = neighbourhood.users["resident"].email
    _fail_logins(client, email, app.config["LOGIN_FREE_FAILURES_PER_ACCOUNT"])
    response = client.post("/account/login", data={"email": email, "password": "whatever"})
    assert response.status_code == 429
    # The first delay after the free failures (they double from there; pb.throttle).
    assert 0 < int(response.headers["Retry-After"]) <= int(
        app.config["THROTTLE_FIRST_DELAY"].total_seconds())


def test_without_proxy_setting_forwarded_for_is_ignored(app, client, neighbourhood):
    _fail_logins(client, "nobody@example.org", 1,
                 headers={"X-Forwarded-For": "203.0.113.9"})
    attempt = db.session.scalars(db.select(LoginAttempt)).one()
    assert attempt.ip_address == "127.0.0.1"


def test_with_one_proxy_the_client_address_is_used_for_throttling(app, neighbourhood):
    from pb import create_app

    proxied = create_app({**app.config, "PROXY_COUNT": 1})
    client = proxied.test_client()
    _fail_logins(client, "nobody@example.org", 1,
                 headers={"X-Forwarded-For": "203.0.113.9"})
    with proxied.app_context():
        from pb.extensions import db as proxied_db

        addresses = proxied_db.session.scalars(
            proxied_db.select(LoginAttempt.ip_address)).all()
        proxied_db.session.remove()
        proxied_db.engine.dispose()  # its own pool: close it, or a GC warning fails a later test
    assert addresses == ["203.0.113.9"]
