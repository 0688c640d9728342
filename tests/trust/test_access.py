"""Who may reach the privacy pages: a route × role table that fails when a route of
pb/privacy has no row."""

from __future__ import annotations

import pytest

ROLES = ("anonymous", "resident", "officer", "event_staff", "scrutiny", "grant_officer",
         "grantee", "admin")
STAFF = {"officer": 403, "event_staff": 403, "scrutiny": 403, "grant_officer": 403,
         "grantee": 403, "admin": 403}
# (method, rule, expected status by role; roles not named get `default`)
TABLE = [
    ("GET", "/privacy", {}, 200),
    ("GET", "/account/data", {"anonymous": 302}, 200),
    ("GET", "/account/data.json", {"anonymous": 302}, 200),
    # A wrong password (the real one would delete the account): 400 for residents; staff
    # accounts are never deleted here.
    ("POST", "/account/delete", {"anonymous": 302, **STAFF}, 400),
]


def test_every_privacy_route_is_in_the_table(app):
    covered = {(method, rule) for method, rule, _, _ in TABLE}
    missing = [f"{method} {rule.rule}" for rule in app.url_map.iter_rules()
               if rule.endpoint.startswith("privacy.")
               for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
               if (method, rule.rule) not in covered]
    assert missing == []


@pytest.mark.parametrize("role", ROLES)
def test_privacy_routes_by_role(app, client, neighbourhood, sign_in, role):
    if role != "anonymous":
        sign_in(neighbourhood.users[role])
    got, expected = {}, {}
    for method, rule, statuses, default in TABLE:
        data = {"password": "not the password at all"} if method == "POST" else None
        got[(method, rule)] = client.open(rule, method=method, data=data).status_code
        expected[(method, rule)] = statuses.get(role, default)
    assert got == expected
