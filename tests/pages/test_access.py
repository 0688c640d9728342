"""Who may reach the public pages and their admin screens: a route × role table that
fails when a route of pb/pages or pb/admin/page_views has no row."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

ROLES = ("anonymous", "resident", "officer", "event_staff", "scrutiny", "grant_officer",
         "grantee", "admin")
LOGIN = "login"
STAFF_403 = {"resident": 403, "officer": 403, "event_staff": 403, "scrutiny": 403,
             "grant_officer": 403, "grantee": 403, "anonymous": LOGIN}
# (method, path, rule, expected status by role; roles not named get `default`)
TABLE = [
    ("GET", "/accessibility", "/accessibility", {}, 200),
    ("GET", "/contact", "/contact", {}, 200),
    ("GET", "/cookies", "/cookies", {}, 200),
    ("GET", "/terms", "/terms", {}, 200),
    ("GET", "/glossary", "/glossary", {}, 200),
    ("GET", "/favicon.ico", "/favicon.ico", {}, 200),
    ("GET", "/admin/pages", "/admin/pages", STAFF_403, 200),
    ("GET", "/admin/pages/terms", "/admin/pages/<any(accessibility, contact, cookies, terms, "
     "glossary, privacy):slug>", STAFF_403, 200),
    # An empty form: the admin gets the form's messages (400), everyone else no further.
    ("POST", "/admin/pages/terms", "/admin/pages/<any(accessibility, contact, cookies, terms, "
     "glossary, privacy):slug>", STAFF_403, 400),
    ("GET", "/admin/pages/nonsense", None, {}, 404),  # no such page, for anyone
]
MODULES = ("pb.pages.views", "pb.admin.page_views")


def test_every_route_is_in_the_table(app):
    covered = {(method, rule) for method, _path, rule, _, _ in TABLE}
    missing = [f"{method} {rule.rule}" for rule in app.url_map.iter_rules()
               if app.view_functions[rule.endpoint].__module__ in MODULES
               for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
               if (method, rule.rule) not in covered]
    assert missing == []


def _outcome(response):
    if response.status_code == 302 and urlsplit(response.location).path == "/account/login":
        return LOGIN
    return response.status_code


@pytest.mark.parametrize("role", ROLES)
def test_routes_by_role(app, client, neighbourhood, sign_in, role):
    if role != "anonymous":
        sign_in(neighbourhood.users[role])
    got, expected = {}, {}
    for method, path, _rule, statuses, default in TABLE:
        got[(method, path)] = _outcome(client.open(path, method=method,
                                                   data={} if method == "POST" else None))
        expected[(method, path)] = statuses.get(role, default)
    assert got == expected
