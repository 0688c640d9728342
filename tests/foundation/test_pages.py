"""The layout, error pages, security headers, health check and static files."""

from __future__ import annotations

import re

import pytest

from pb import create_app
from pb.extensions import db
from tests.databases import TEST_CONFIG

NAV = ("Manage rounds", "Audit log", "Admin")


def _nav(page: str) -> str:
    return page.split('<nav aria-label="Main">', 1)[1].split("</nav>", 1)[0]


# Layout --------------------------------------------------------------------------------------

def test_layout_has_a_skip_link_to_main_landmarks_and_a_footer(client, neighbourhood):
    page = client.get("/").get_data(as_text=True)
    assert page.index('class="skip-link" href="#main"') < page.index("<header")
    assert re.search(r'<main id="main"[^>]*tabindex="-1"', page)
    assert page.count("<main") == 1 and "<header" in page and "<footer" in page
    assert '<html lang="en-GB">' in page
    assert "<title>" in page and "pb participatory budgeting</title>" in page


@pytest.mark.parametrize("role, shown", [
    (None, ()),
    ("resident", ()),
    ("grantee", ()),
    ("grant_officer", ()),
    ("officer", ("Manage rounds",)),
    ("event_staff", ("Manage rounds",)),
    ("scrutiny", ("Audit log",)),
    ("admin", NAV),
])
def test_navigation_follows_the_roles(client, neighbourhood, sign_in, role, shown):
    if role:
        sign_in(neighbourhood.users[role])
    nav = _nav(client.get("/").get_data(as_text=True))
    for label in NAV:
        assert (f">{label}</a>" in nav) == (label in shown), label
    if role:
        assert "Sign out" in nav and neighbourhood.users[role].display_name in nav
        assert ">Sign in</a>" not in nav
    else:
        assert ">Sign in</a>" in nav and ">Register</a>" in nav


def test_the_current_page_is_marked_in_the_navigation(client, neighbourhood):
    nav = _nav(client.get("/rounds").get_data(as_text=True))
    assert '<a href="/rounds" aria-current="page">Rounds</a>' in nav


def test_flash_messages_show_once(client, neighbourhood, sign_in):
    response = sign_in(neighbourhood.users["resident"])
    page = client.get(response.location).get_data(as_text=True)
    assert 'class="flashes" role="status"' in page and "Signed in as Maureen." in page
    assert "Signed in as Maureen." not in client.get("/").get_data(as_text=True)


def test_the_home_page_lists_public_rounds_only(client, neighbourhood):
    page = client.get("/").get_data(as_text=True)
    assert "Macclesfield Community Health Fund 2026" in page
    assert "Winter Warmth Fund (draft)" not in page
    assert "£50,000" in page


def test_the_round_page_shows_its_facts(client, neighbourhood):
    page = client.get(f"/rounds/{neighbourhood.rounds['voting'].id}").get_data(as_text=True)
    assert "Voting open" in page and "Macclesfield Community Health Partnership" in page
    assert "£50,000" in page and "aged 11 or over" in page


# Error pages ---------------------------------------------------------------------------------

def test_friendly_403_and_404(client, neighbourhood, sign_in):
    sign_in(neighbourhood.users["resident"])
    forbidden = client.get("/admin/")
    assert forbidden.status_code == 403
    assert "Not allowed" in forbidden.get_data(as_text=True)
    assert 'class="skip-link"' in forbidden.get_data(as_text=True)
    missing = client.get("/no/such/page")
    assert missing.status_code == 404
    assert "Page not found" in missing.get_data(as_text=True)


def test_friendly_500_that_rolls_back_and_hides_the_error(app, client, neighbourhood):
    from pb.models import Theme

    def boom():
        db.session.add(Theme(slug="half-done", name="Half done"))
        db.session.flush()
        raise RuntimeError("secret detail: password=hunter2")

    app.add_url_rule("/test-boom", "test_boom", boom)
    response = client.get("/test-boom")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Sorry, something went wrong" in page
    assert "hunter2" not in page and "Traceback" not in page
    assert db.session.scalar(db.select(Theme).where(Theme.slug == "half-done")) is None


def test_a_500_under_the_api_is_json(app, client):
    app.add_url_rule("/api/v1/test-boom", "test_api_boom", lambda: 1 / 0)
    response = client.get("/api/v1/test-boom")
    assert response.status_code == 500 and response.is_json
    assert response.get_json()["error"]["status"] == 500


def test_an_oversized_request_gets_413(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1000
    response = client.post("/account/login", data={"email": "x" * 5000, "password": "y"})
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)


# Security headers --------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/", "/account/login", "/no/such/page", "/api/v1/rounds",
                                  "/static/pb.css", "/healthz"])
def test_security_headers_on_every_response(client, neighbourhood, path):
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]
    assert "Strict-Transport-Security" not in response.headers  # plain http here


def test_signed_in_pages_are_not_cached(client, neighbourhood, sign_in):
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")
    sign_in(neighbourhood.users["resident"])
    for path in ("/", "/account/", "/rounds", "/no/such/page"):
        assert client.get(path).headers["Cache-Control"] == "no-store", path


def test_https_adds_hsts(app, client):
    app.config["PREFERRED_URL_SCHEME"] = "https"
    assert "max-age=" in client.get("/").headers["Strict-Transport-Security"]


def test_session_cookie_flags(client, neighbourhood, sign_in):
    response = sign_in(neighbourhood.users["resident"])
    cookie = next(c for c in response.headers.getlist("Set-Cookie")
                  if c.startswith("pb_session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie


# Health check -------------------------------------------------------------------------------------

def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


@pytest.mark.parametrize("url", [
    "sqlite:////nonexistent-folder-for-pb-tests/pb.sqlite",
    "postgresql+psycopg://postgres@127.0.0.1:1/pb",
])
def test_healthz_says_503_when_the_database_is_unreachable(tmp_path, monkeypatch, url):
    monkeypatch.setenv("PB_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "error" and body["database"] == "unreachable"
    assert "nonexistent" not in response.get_data(as_text=True)


# Static files and no CDN --------------------------------------------------------------------------

def test_htmx_is_vendored_and_served_from_static(client):
    page = client.get("/").get_data(as_text=True)
    src = re.search(r'<script src="([^"]+)"', page).group(1)
    assert src.startswith("/static/vendor/htmx-2.")
    response = client.get(src)
    assert response.status_code == 200
    assert "javascript" in response.headers["Content-Type"]
    assert b"htmx" in response.data[:2000]
    assert client.get("/static/pb.css").status_code == 200


def _pages(client, neighbourhood, sign_in) -> list[str]:
    paths = ["/", "/rounds", f"/rounds/{neighbourhood.rounds['voting'].id}", "/account/login",
             "/account/register", "/account/forgot", "/no/such/page"]
    signed_in = ["/account/", "/manage", "/audit", "/admin/", "/admin/areas",
                 "/admin/areas/new", f"/admin/areas/{neighbourhood.area.id}", "/admin/partnerships",
                 "/admin/partnerships/new", "/admin/themes", "/admin/organisations/new",
                 "/admin/people", "/admin/rounds/new",
                 f"/admin/rounds/{neighbourhood.rounds['voting'].id}/edit"]
    pages = [client.get(p).get_data(as_text=True) for p in paths]
    sign_in(neighbourhood.users["admin"])
    for path in signed_in:
        response = client.get(path)
        assert response.status_code == 200, path
        pages.append(response.get_data(as_text=True))
    return pages


def test_no_page_loads_anything_from_another_host_or_inline(client, neighbourhood, sign_in):
    for page in _pages(client, neighbourhood, sign_in):
        for tag, _attr, value in re.findall(
                r"<(script|link|img|iframe|source|video|audio)\b[^>]*?\b(src|href)=\"([^\"]*)\"",
                page):
            assert value.startswith("/") and not value.startswith("//"), (tag, value)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), "inline script"
        assert "<style" not in page and " style=" not in page, "inline style"
        assert "hx-on" not in page and "javascript:" not in page


XSS = '<script>alert("pb")</script><img src=x onerror=alert(1)>'


def test_names_and_reflected_input_are_escaped(client, neighbourhood, sign_in):
    resident = neighbourhood.users["resident"]
    resident.display_name = XSS[:80]
    db.session.commit()
    sign_in(neighbourhood.users["admin"])
    pages = [client.get("/admin/people").get_data(as_text=True),
             client.get("/audit", query_string={"action": XSS}).get_data(as_text=True),
             client.get("/admin/people", query_string={"q": XSS[:100]}).get_data(as_text=True)]
    client.post("/account/logout")
    sign_in(resident)
    pages.append(client.get("/account/").get_data(as_text=True))
    for page in pages:
        assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(" in pages[0]
