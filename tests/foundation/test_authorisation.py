"""Who may reach every foundation route: a table of route x role x expected status.

``LOGIN`` means a redirect to the log-in page (signed-out visitors on protected pages).
POSTs send an empty form, so "allowed" shows as 400 (the form's messages) and "not
allowed" as 403 before any validation. The test client runs without CSRF; the CSRF
tests at the end turn it on.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from pb.extensions import db
from pb.models import Role, RoleAssignment

ROLES = ("anonymous", "resident", "officer", "other_officer", "event_staff", "scrutiny",
         "grant_officer", "grantee", "admin")
LOGIN = "login"

# The foundation's views; feature blueprints (and their /api/v1 routes) test themselves.
FOUNDATION_MODULES = ("pb.main.views", "pb.auth.views", "pb.admin.views", "pb.api.rounds")


def expect(default, **by_role):
    unknown = set(by_role) - set(ROLES)
    assert not unknown, unknown
    return {role: by_role.get(role, default) for role in ROLES}


EVERYONE_200 = expect(200)
ADMIN_ONLY = expect(403, anonymous=LOGIN, admin=200)
ADMIN_ONLY_POST = expect(403, anonymous=LOGIN, admin=400)
SIGNED_IN_200 = expect(200, anonymous=LOGIN)
SIGNED_IN_POST_400 = expect(400, anonymous=LOGIN)
SIGNED_OUT_ONLY = expect(302, anonymous=200)
SIGNED_OUT_ONLY_POST = expect(302, anonymous=400)
OFFICERS = expect(403, anonymous=LOGIN, officer=200, other_officer=200, admin=200)

# (method, url template, rule it exercises, expected status by role)
TABLE = [
    # Public pages
    ("GET", "/", "/", EVERYONE_200),
    ("GET", "/rounds", "/rounds", EVERYONE_200),
    ("GET", "/rounds/{voting}", "/rounds/<int:round_id>", EVERYONE_200),
    ("GET", "/rounds/{other}", "/rounds/<int:round_id>", EVERYONE_200),
    ("GET", "/rounds/{draft}", "/rounds/<int:round_id>",
     expect(404, officer=200, scrutiny=200, admin=200)),
    ("GET", "/rounds/{missing}", "/rounds/<int:round_id>", expect(404)),
    ("GET", "/healthz", "/healthz", EVERYONE_200),
    ("POST", "/healthz", "/healthz", expect(405)),
    # Staff pages
    ("GET", "/manage", "/manage",
     expect(403, anonymous=LOGIN, officer=200, other_officer=200, event_staff=200, admin=200)),
    ("GET", "/audit", "/audit", expect(403, anonymous=LOGIN, scrutiny=200, admin=200)),
    # Accounts
    ("GET", "/account/", "/account/", SIGNED_IN_200),
    ("GET", "/account/login", "/account/login", SIGNED_OUT_ONLY),
    ("POST", "/account/login", "/account/login", SIGNED_OUT_ONLY_POST),
    ("GET", "/account/register", "/account/register", SIGNED_OUT_ONLY),
    ("POST", "/account/register", "/account/register", SIGNED_OUT_ONLY_POST),
    ("GET", "/account/forgot", "/account/forgot", EVERYONE_200),
    ("POST", "/account/forgot", "/account/forgot", expect(400)),
    ("GET", "/account/reset/not-a-token", "/account/reset/<token>", expect(400)),
    ("POST", "/account/reset/not-a-token", "/account/reset/<token>", expect(400)),
    ("GET", "/account/verify/not-a-token", "/account/verify/<token>", expect(400)),
    ("POST", "/account/verify/resend", "/account/verify/resend", expect(302, anonymous=LOGIN)),
    ("POST", "/account/logout", "/account/logout", expect(302)),
    ("GET", "/account/logout", "/account/logout", expect(405)),
    ("POST", "/account/profile", "/account/profile", SIGNED_IN_POST_400),
    ("POST", "/account/password", "/account/password", SIGNED_IN_POST_400),
    ("POST", "/account/email", "/account/email", SIGNED_IN_POST_400),
    # Signing out everywhere ends on the log-in page.
    ("POST", "/account/sign-out-everywhere", "/account/sign-out-everywhere", expect(LOGIN)),
    # The emailed unlock link (slowed-down sign-ins): anyone may ask; a bad link is a 400.
    ("POST", "/account/unlock", "/account/unlock", expect(303)),
    ("GET", "/account/unlock/not-a-token", "/account/unlock/<token>", expect(400)),
    ("POST", "/account/unlock/not-a-token", "/account/unlock/<token>", expect(400)),
    # Admin area
    ("GET", "/admin/", "/admin/", ADMIN_ONLY),
    ("GET", "/admin/areas", "/admin/areas", ADMIN_ONLY),
    ("GET", "/admin/areas/new", "/admin/areas/new", ADMIN_ONLY),
    ("POST", "/admin/areas/new", "/admin/areas/new", ADMIN_ONLY_POST),
    ("GET", "/admin/areas/{area}", "/admin/areas/<int:area_id>", ADMIN_ONLY),
    ("POST", "/admin/areas/{area}", "/admin/areas/<int:area_id>", ADMIN_ONLY_POST),
    ("GET", "/admin/areas/{missing}", "/admin/areas/<int:area_id>",
     expect(403, anonymous=LOGIN, admin=404)),
    *[row for kind, item in (("partnerships", "{partnership}"), ("themes", "{theme}"),
                             ("organisations", "{organisation}"))
      for row in (
          ("GET", f"/admin/{kind}", "/admin/<any(partnerships, themes, organisations):kind>",
           ADMIN_ONLY),
          ("GET", f"/admin/{kind}/new",
           "/admin/<any(partnerships, themes, organisations):kind>/new", ADMIN_ONLY),
          ("POST", f"/admin/{kind}/new",
           "/admin/<any(partnerships, themes, organisations):kind>/new", ADMIN_ONLY_POST),
          ("GET", f"/admin/{kind}/{item}",
           "/admin/<any(partnerships, themes, organisations):kind>/<int:item_id>", ADMIN_ONLY),
          ("POST", f"/admin/{kind}/{item}",
           "/admin/<any(partnerships, themes, organisations):kind>/<int:item_id>",
           ADMIN_ONLY_POST),
      )],
    ("GET", "/admin/wards", "/admin/<any(partnerships, themes, organisations):kind>",
     expect(404)),
    ("GET", "/admin/people", "/admin/people", ADMIN_ONLY),
    ("POST", "/admin/people", "/admin/people", ADMIN_ONLY_POST),
    ("POST", "/admin/roles/{assignment}/revoke", "/admin/roles/<int:assignment_id>/revoke",
     expect(403, anonymous=LOGIN, admin=302)),
    ("GET", "/admin/roles/{assignment}/revoke", "/admin/roles/<int:assignment_id>/revoke",
     expect(405)),
    # Round set-up: officers of the round's partnership, and admins.
    ("GET", "/admin/rounds/new", "/admin/rounds/new", OFFICERS),
    ("POST", "/admin/rounds/new", "/admin/rounds/new",
     expect(403, anonymous=LOGIN, officer=400, other_officer=400, admin=400)),
    ("GET", "/admin/rounds/{proposals}/edit", "/admin/rounds/<int:round_id>/edit",
     expect(403, anonymous=LOGIN, officer=200, admin=200)),
    ("POST", "/admin/rounds/{proposals}/edit", "/admin/rounds/<int:round_id>/edit",
     expect(403, anonymous=LOGIN, officer=400, admin=400)),
    ("GET", "/admin/rounds/{draft}/edit", "/admin/rounds/<int:round_id>/edit",
     expect(403, anonymous=LOGIN, officer=200, admin=200)),
    ("GET", "/admin/rounds/{other}/edit", "/admin/rounds/<int:round_id>/edit",
     expect(403, anonymous=LOGIN, other_officer=200, admin=200)),
    ("POST", "/admin/rounds/{other}/edit", "/admin/rounds/<int:round_id>/edit",
     expect(403, anonymous=LOGIN, other_officer=400, admin=400)),
    ("GET", "/admin/rounds/{missing}/edit", "/admin/rounds/<int:round_id>/edit",
     expect(403, anonymous=LOGIN, officer=404, other_officer=404, admin=404)),
    # Public JSON API
    ("GET", "/api/v1/rounds", "/api/v1/rounds", EVERYONE_200),
    ("GET", "/api/v1/rounds/{voting}", "/api/v1/rounds/<int:round_id>", EVERYONE_200),
    ("GET", "/api/v1/rounds/{draft}", "/api/v1/rounds/<int:round_id>", expect(404)),
    ("GET", "/api/v1/rounds/{missing}", "/api/v1/rounds/<int:round_id>", expect(404)),
    ("POST", "/api/v1/rounds", "/api/v1/rounds", expect(405)),
]


def _ids(neighbourhood) -> dict:
    spare = RoleAssignment(user=neighbourhood.users["resident2"], role=Role.EVENT_STAFF,
                           partnership_id=neighbourhood.partnership.id)
    db.session.add(spare)
    db.session.commit()
    return {"voting": neighbourhood.rounds["voting"].id, "draft": neighbourhood.rounds["draft"].id,
            "other": neighbourhood.rounds["other"].id,
            "proposals": neighbourhood.rounds["proposals"].id, "missing": 999_999,
            "area": neighbourhood.area.id, "partnership": neighbourhood.partnership.id,
            "theme": next(iter(neighbourhood.themes.values())).id,
            "organisation": next(iter(neighbourhood.organisations.values())).id,
            "assignment": spare.id}


def _outcome(response) -> object:
    if response.status_code == 302 and \
            urlsplit(response.location).path == "/account/login":
        return LOGIN
    return response.status_code


@pytest.mark.parametrize("method, url, rule, expected", TABLE,
                         ids=[f"{m} {u}" for m, u, _, _ in TABLE])
def test_route_by_role(app, neighbourhood, sign_in, method, url, rule, expected):
    ids = _ids(neighbourhood)
    path = url.format(**ids)
    wrong = []
    for role in ROLES:
        client = app.test_client()
        if role != "anonymous":
            sign_in(neighbourhood.users[role], client=client)
        response = client.open(path, method=method, data={})
        got = _outcome(response)
        if got != expected[role]:
            wrong.append(f"{role}: expected {expected[role]}, got {got}")
        if role == "admin" and method == "POST" and "revoke" in url:
            assert db.session.get(RoleAssignment, ids["assignment"]) is None
    assert not wrong, f"{method} {path}:\n  " + "\n  ".join(wrong)


def test_every_foundation_route_is_in_the_table(app):
    covered = {(method, rule) for method, _, rule, _ in TABLE}
    missing = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if view.__module__ not in FOUNDATION_MODULES:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if (method, rule.rule) not in covered:
                missing.append(f"{method} {rule.rule} ({rule.endpoint})")
    assert not missing, "routes without a row in the table:\n" + "\n".join(missing)


def test_the_table_rules_exist(app):
    rules = {r.rule for r in app.url_map.iter_rules()}
    assert {rule for _, _, rule, _ in TABLE} <= rules


# JSON errors --------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/api/v1/rounds/{draft}", "/api/v1/rounds/{missing}",
                                  "/api/v1/nothing-here"])
def test_api_not_found_is_json(app, client, neighbourhood, path):
    response = client.get(path.format(**_ids(neighbourhood)))
    assert response.status_code == 404
    assert response.is_json
    assert response.get_json()["error"]["status"] == 404
    assert "<html" not in response.get_data(as_text=True).lower()


def test_api_method_not_allowed_is_json(client, neighbourhood):
    response = client.post("/api/v1/rounds")
    assert response.status_code == 405
    assert response.is_json
    assert response.get_json()["error"]["status"] == 405
    assert "GET" in response.headers["Allow"]


def test_api_lists_only_published_rounds_with_the_documented_fields(client, neighbourhood):
    data = client.get("/api/v1/rounds").get_json()
    names = {r["name"] for r in data["rounds"]}
    assert "Macclesfield Community Health Fund 2026" in names
    assert "Winter Warmth Fund (draft)" not in names
    voting = next(r for r in data["rounds"] if r["id"] == neighbourhood.rounds["voting"].id)
    assert {"id", "name", "area", "budget_pence", "status"} <= set(voting)
    assert voting["area"] == "Macclesfield"
    assert voting["budget_pence"] == 50_000_00 and isinstance(voting["budget_pence"], int)
    assert voting["status"] == "voting"
    detail = client.get(f"/api/v1/rounds/{voting['id']}").get_json()
    assert detail["name"] == voting["name"]
    assert {w["name"] for w in detail["wards"]} == set(neighbourhood.wards)


def test_html_errors_are_friendly_pages(client, neighbourhood):
    response = client.get("/rounds/999999")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Page not found" in page and 'href="#main"' in page


def test_a_deactivated_account_loses_access_at_once(app, client, neighbourhood, sign_in):
    admin = neighbourhood.users["admin"]
    sign_in(admin)
    assert client.get("/admin/").status_code == 200
    admin.is_active_account = False
    db.session.commit()
    assert _outcome(client.get("/admin/")) == LOGIN


def test_a_revoked_role_takes_effect_on_the_next_request(app, client, neighbourhood, sign_in):
    officer = neighbourhood.users["officer"]
    sign_in(officer)
    assert client.get("/manage").status_code == 200
    assignment = db.session.scalar(select(RoleAssignment).where(
        RoleAssignment.user_id == officer.id, RoleAssignment.role == Role.OFFICER))
    db.session.delete(assignment)
    db.session.commit()
    assert client.get("/manage").status_code == 403


# CSRF ---------------------------------------------------------------------------------------------

POST_ROUTES = sorted({url for method, url, _, _ in TABLE if method == "POST"
                      and not url.startswith("/api/") and url != "/healthz"})


def test_posts_without_a_csrf_token_are_refused(app, neighbourhood, sign_in):
    ids = _ids(neighbourhood)
    admin = app.test_client()
    sign_in(neighbourhood.users["admin"], client=admin)
    app.config["WTF_CSRF_ENABLED"] = True
    wrong = []
    for url in POST_ROUTES:
        path = url.format(**ids)
        for who, client in (("admin", admin), ("anonymous", app.test_client())):
            response = client.post(path, data={"email": "x@example.org"})
            page = response.get_data(as_text=True)
            if response.status_code != 400 or \
                    "Your form expired or was sent from elsewhere" not in page or \
                    'class="skip-link"' not in page:  # the friendly page, in the layout
                wrong.append(f"{who} POST {path}: {response.status_code}")
    assert not wrong, "\n".join(wrong)
    assert db.session.get(RoleAssignment, ids["assignment"]) is not None
    assert signed_in_as_admin(admin)


def signed_in_as_admin(client) -> bool:
    return client.get("/admin/").status_code == 200


def test_a_csrf_token_from_another_session_is_refused(app, neighbourhood):
    app.config["WTF_CSRF_ENABLED"] = True
    attacker = app.test_client()
    page = attacker.get("/account/login").get_data(as_text=True)
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    victim = app.test_client()
    victim.get("/")
    response = victim.post("/account/login", data={
        "csrf_token": token, "email": neighbourhood.users["resident"].email,
        "password": "kettle-on-the-hob-42"})
    assert response.status_code == 400
    # With its own token, the same form works.
    own = victim.get("/account/login").get_data(as_text=True)
    own_token = own.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    ok = victim.post("/account/login", data={
        "csrf_token": own_token, "email": neighbourhood.users["resident"].email,
        "password": "kettle-on-the-hob-42"})
    assert ok.status_code == 302, ok.get_data(as_text=True)


def test_htmx_requests_carry_the_token_in_a_header(app, neighbourhood):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    page = client.get("/").get_data(as_text=True)
    token = page.split('"X-CSRFToken": "', 1)[1].split('"', 1)[0]
    response = client.post("/account/login", headers={"X-CSRFToken": token, "HX-Request": "true"},
                           data={"email": neighbourhood.users["resident"].email,
                                 "password": "kettle-on-the-hob-42"})
    assert response.status_code == 302
