"""Who may use the language switcher: everyone, signed in or not (a route × role table that
fails when a route of pb.i18n has no row)."""

from __future__ import annotations

import pytest

ROLES = ("anonymous", "resident", "officer", "event_staff", "scrutiny", "grant_officer",
         "grantee", "admin")
# (method, path, rule, expected status)
TABLE = [
    ("GET", "/language/cy?next=/rounds", "/language/<code>", 303),
    ("GET", "/language/en", "/language/<code>", 303),
    ("GET", "/language/fr", "/language/<code>", 404),  # not a language pb has
]


def test_every_route_is_in_the_table(app):
    covered = {(method, rule) for method, _path, rule, _ in TABLE}
    missing = [f"{method} {rule.rule}" for rule in app.url_map.iter_rules()
               if app.view_functions[rule.endpoint].__module__ == "pb.i18n"
               for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
               if (method, rule.rule) not in covered]
    assert missing == []


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method, path, rule, expected", TABLE)
def test_route_by_role(client, neighbourhood, sign_in, role, method, path, rule, expected):
    if role != "anonymous":
        sign_in(neighbourhood.users[role])
    response = client.open(path, method=method)
    assert response.status_code == expected
    if expected == 303:
        assert response.headers["Location"] in ("/rounds", "/")
