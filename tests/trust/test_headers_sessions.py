"""Headers, cookies, sessions and tokens (G8, G9): security headers on every kind of response,
Secure __Host- cookies and HSTS over https, idle and absolute session limits (shorter for
staff), and emailed tokens refused after expiry, after use, or for another purpose."""

from __future__ import annotations

import os
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from pb.auth import AccountError
from pb.auth.tokens import make_token, read_token
from pb.config import env_overrides
from pb.extensions import db
from pb.models import AuditEntry, UserSession
from tests.databases import TEST_CONFIG
from tests.factories import PASSWORD, add_document, make_event, resident_proposal

SECURITY_HEADERS = ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy",
                    "X-Frame-Options", "Cross-Origin-Opener-Policy", "Permissions-Policy")


def _boom():
    raise RuntimeError("an unexpected failure, to see the error page's headers")


def test_every_kind_of_response_carries_the_security_headers(app, client, neighbourhood,
                                                             sign_in, figure):
    app.add_url_rule("/trust-test-failure", "trust_failure", _boom)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    officer = neighbourhood.users["officer"]
    proposal = resident_proposal(neighbourhood)
    document = add_document(proposal)
    event = make_event(neighbourhood.rounds["voting"], officer)
    samples = {
        "page": ("GET", "/", {}),
        "page (browse)": ("GET", f"/rounds/{neighbourhood.rounds['proposals'].id}/proposals", {}),
        "fragment (htmx)": ("GET", f"/rounds/{neighbourhood.rounds['proposals'].id}/proposals",
                            {"HX-Request": "true"}),
        "error 404": ("GET", "/no-such-page", {}),
        "error 405": ("DELETE", "/", {}),
        "error 500": ("GET", "/trust-test-failure", {}),
        "static": ("GET", "/static/pb.css", {}),
        "redirect": ("GET", "/account/", {}),
        "JSON": ("GET", "/api/v1/rounds", {}),
        "JSON error": ("GET", "/api/v1/rounds/999999", {}),
        "download (PDF)": ("GET", f"/proposals/{proposal.id}/files/{document.id}", {}),
        "download (CSV)": ("GET", f"/events/{event.id}/report.csv", {}),
    }
    missing, kinds = {}, {}
    for kind, (method, url, headers) in samples.items():
        if kind == "download (CSV)":
            sign_in(officer)
        response = client.open(url, method=method, headers=headers)
        kinds[kind] = response.status_code
        absent = [name for name in SECURITY_HEADERS if name not in response.headers]
        if absent:
            missing[kind] = absent
    figure("security headers", responses=len(samples), kinds=len(kinds),
           statuses=sorted(set(kinds.values())), missing=sum(map(len, missing.values())))
    assert kinds["error 500"] == 500 and kinds["error 404"] == 404 and kinds["redirect"] == 302
    assert kinds["download (CSV)"] == 200 and kinds["download (PDF)"] == 200
    assert missing == {}


# HTTPS -----------------------------------------------------------------------------------------

@pytest.fixture
def https_app(app, db_url, tmp_path):
    from pb import create_app

    os.environ["PB_INSTANCE_PATH"] = str(tmp_path / "https-instance")
    try:
        https = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": db_url,
                            **env_overrides({"PB_HTTPS": "1"})})
    finally:
        os.environ.pop("PB_INSTANCE_PATH", None)
    https.test_client_class = app.test_client_class
    yield https
    with https.app_context():
        db.session.remove()
        db.engine.dispose()  # its own pool: close it, or a GC warning fails a later test


def _cookies(response) -> dict[str, str]:
    return {c.split("=", 1)[0]: c for c in response.headers.getlist("Set-Cookie")}


def test_with_pb_https_cookies_are_secure_host_cookies_and_hsts_is_sent(https_app, neighbourhood,
                                                                         figure):
    client = https_app.test_client()
    # Read the address here: loading it inside the other app's context would open a connection
    # on this app's engine that nothing closes.
    email = neighbourhood.users["resident"].email
    with https_app.app_context():
        response = client.post("/account/login", base_url="https://pb.test",
                               data={"email": email, "password": PASSWORD,
                                     "remember": "y"})
    cookies = _cookies(response)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    assert set(cookies) == {"__Host-pb_session", "__Host-remember_token"}
    for cookie in cookies.values():
        attributes = [part.strip().lower() for part in cookie.split(";")[1:]]
        assert "secure" in attributes and "httponly" in attributes and "path=/" in attributes
        assert not any(part.startswith("domain=") for part in attributes)
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert https_app.config["PREFERRED_URL_SCHEME"] == "https"
    figure("https cookies", cookies=len(cookies),
           secure=sum("; Secure" in c for c in cookies.values()),
           host_prefixed=sum(name.startswith("__Host-") for name in cookies),
           hsts=int("Strict-Transport-Security" in response.headers))


def test_behind_a_proxy_that_says_https_cookies_are_secure_and_hsts_is_sent(app, client,
                                                                            neighbourhood):
    from werkzeug.middleware.proxy_fix import ProxyFix

    app.wsgi_app = ProxyFix(app.wsgi_app, x_proto=1, x_for=1)
    resident = neighbourhood.users["resident"]
    over_https = client.post("/account/login", headers={"X-Forwarded-Proto": "https"},
                             data={"email": resident.email, "password": PASSWORD})
    assert over_https.status_code == 302
    assert "Strict-Transport-Security" in over_https.headers
    assert all("; Secure" in c for c in over_https.headers.getlist("Set-Cookie"))
    plain = client.get("/")
    assert "Strict-Transport-Security" not in plain.headers


def test_plain_http_development_keeps_cookies_usable(app, client, neighbourhood, sign_in):
    response = sign_in(neighbourhood.users["resident"])
    assert "pb_session" in _cookies(response)
    assert "Strict-Transport-Security" not in response.headers


# Sessions --------------------------------------------------------------------------------------

class Clock:
    def __init__(self):
        self.now = datetime(2026, 6, 1, 9, 0)

    def __call__(self):
        return self.now

    def advance(self, **delta):
        self.now += timedelta(**delta)


@pytest.fixture
def clock(app):
    clock = Clock()
    app.config["CLOCK"] = clock
    return clock


def _signed_in(client) -> bool:
    response = client.get("/account/")
    return response.status_code == 200


def _expired_entries(reason: str) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "account.session_expired")) or 0


@pytest.mark.parametrize("who, idle_minutes", [("resident", 60), ("officer", 30), ("admin", 30)])
def test_sessions_end_after_the_idle_limit(app, client, neighbourhood, sign_in, clock, who,
                                           idle_minutes, figure):
    sign_in(neighbourhood.users[who])
    clock.advance(minutes=idle_minutes - 1)
    assert _signed_in(client)
    clock.advance(minutes=idle_minutes - 1)  # used a minute before the limit: still in
    assert _signed_in(client)
    clock.advance(minutes=idle_minutes + 1)
    response = client.get("/account/")
    assert response.status_code == 303 and "/account/login" in response.headers["Location"]
    assert not _signed_in(client)
    assert db.session.scalar(select(func.count()).select_from(UserSession).where(
        UserSession.revoked_at.is_(None), UserSession.user_id == neighbourhood.users[who].id)) == 0
    assert _expired_entries("idle") == 1
    figure("idle timeout", role=who, limit_minutes=idle_minutes, signed_out_after_minutes=
           idle_minutes + 1)


def test_staff_sessions_end_after_the_absolute_limit_even_when_busy(app, client, neighbourhood,
                                                                    sign_in, clock):
    sign_in(neighbourhood.users["officer"])
    for _ in range(8 * 3):  # a request every 20 minutes for 8 hours
        clock.advance(minutes=20)
        assert _signed_in(client)
    clock.advance(minutes=20)
    assert not _signed_in(client)


def test_keep_me_signed_in_holds_for_residents_but_not_for_staff(app, client, neighbourhood,
                                                                clock):
    for who, survives in (("resident", True), ("officer", False)):
        client.post("/account/logout")
        client.post("/account/login", data={"email": neighbourhood.users[who].email,
                                             "password": PASSWORD,
                                             "remember": "y"})
        clock.advance(hours=3)
        assert _signed_in(client) is survives
        # The browser is closed: the session cookie goes, the "keep me signed in" one stays.
        client.delete_cookie("pb_session", domain="pb.test")
        clock.advance(minutes=5)
        assert _signed_in(client) is survives


# Tokens ----------------------------------------------------------------------------------------

def test_tokens_are_refused_after_expiry_reuse_or_for_another_purpose(app, client, neighbourhood,
                                                                      monkeypatch, figure):
    import time

    user = neighbourhood.users["resident"]
    refused = []

    def refused_read(purpose, token, max_age=3600):
        try:
            read_token(purpose, token, max_age)
        except AccountError:
            refused.append(purpose)
            return True
        return False

    reset = make_token("reset", user)
    assert not refused_read("reset", reset)
    # For another purpose: a reset link is not a confirm or unlock link, and the reverse.
    assert refused_read("verify", reset)
    assert refused_read("unlock", reset)
    assert refused_read("reset", make_token("verify", user))
    # Expired: read as if three days later.
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + 3 * 86400)
    assert refused_read("reset", reset, max_age=1800)
    monkeypatch.setattr(time, "time", real_time)
    # Reused: a reset link spends itself by changing the password it was bound to.
    page = client.post(f"/account/reset/{reset}", data={"password": "a new long passphrase 1",
                                                        "confirm": "a new long passphrase 1"})
    assert page.status_code in (302, 303), page.get_data(as_text=True)[:500]
    assert refused_read("reset", reset)
    again = client.get(f"/account/reset/{reset}")
    assert again.status_code == 400
    # Tampered and for another person.
    assert refused_read("reset", reset[:-2] + ("AA" if not reset.endswith("AA") else "BB"))
    figure("tokens", tried=6, refused=len(refused))
    assert len(refused) == 6
