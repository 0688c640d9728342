"""Who reaches every scrutiny route: route x role. The dashboard, its CSVs and the
equality tables are public; the decisions page is for scrutiny and administrators only,
and every scrutiny route only reads. A route with no row fails
``test_every_scrutiny_route_has_a_row``."""

from __future__ import annotations

import pytest

from tests.factories import PASSWORD

ROLES = ("anonymous", "resident", "officer", "event_staff", "grant_officer", "grantee",
         "scrutiny", "admin")
OK, LOGIN, NO, GONE = 200, "login", 403, 404


def expect(default, **by_role):
    assert not set(by_role) - set(ROLES)
    return {role: by_role.get(role, default) for role in ROLES}


EVERYONE = expect(OK)
SCRUTINY = expect(NO, anonymous=LOGIN, scrutiny=OK, admin=OK)

TABLE = [
    ("GET", "/scrutiny/", "/scrutiny/", EVERYONE),
    ("GET", "/scrutiny/?round={decided}&from=2025-01-01", "/scrutiny/", EVERYONE),
    ("GET", "/scrutiny/charts/grants-by-ward.csv", "/scrutiny/charts/<name>.csv", EVERYONE),
    ("GET", "/scrutiny/charts/nothing.csv", "/scrutiny/charts/<name>.csv", expect(GONE)),
    ("GET", "/scrutiny/equality/age_band.csv", "/scrutiny/equality/<field>.csv", EVERYONE),
    ("GET", "/scrutiny/equality/postcode.csv", "/scrutiny/equality/<field>.csv", expect(GONE)),
    ("GET", "/scrutiny/detail", "/scrutiny/detail", SCRUTINY),
    ("GET", "/scrutiny/detail?round={decided}", "/scrutiny/detail", SCRUTINY),
    ("POST", "/scrutiny/", "/scrutiny/", expect(405)),
]


def _outcome(response):
    if response.status_code == 302:
        return LOGIN if "/account/login" in response.headers["Location"] else 302
    return response.status_code


@pytest.mark.parametrize("method, template, rule, expected", TABLE,
                         ids=[f"{m} {t}" for m, t, _r, _e in TABLE])
def test_scrutiny_access(app, world, method, template, rule, expected):
    hood, w = world
    path = template.format(decided=w["decided"].id)
    wrong = []
    for role in ROLES:
        client = app.test_client()
        if role != "anonymous":
            response = client.post("/account/login", data={"email": hood.users[role].email,
                                                           "password": PASSWORD})
            assert response.status_code == 302
        got = _outcome(client.open(path, method=method))
        if got != expected[role]:
            wrong.append(f"{role}: expected {expected[role]}, got {got}")
    assert not wrong, f"{method} {path}:\n  " + "\n  ".join(wrong)


def test_every_scrutiny_route_has_a_row(app):
    covered = {(method, rule) for method, _t, rule, _e in TABLE}
    missing = [f"{method} {rule.rule}" for rule in app.url_map.iter_rules()
               if app.view_functions[rule.endpoint].__module__ == "pb.scrutiny.views"
               for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
               if (method, rule.rule) not in covered]
    assert not missing, "scrutiny routes without a row:\n" + "\n".join(missing)


def test_only_scrutiny_sees_turnout_before_results_are_published(app, world):
    hood, w = world
    still_voting = w["voting"].name
    anonymous = app.test_client().get("/scrutiny/").get_data(as_text=True)
    client = app.test_client()
    client.post("/account/login", data={"email": hood.users["scrutiny"].email,
                                        "password": PASSWORD})
    scrutiny = client.get("/scrutiny/").get_data(as_text=True)
    def turnout_section(page):
        return page.split('id="turnout-heading"')[1].split('id="equality-heading"')[0]

    assert still_voting not in turnout_section(anonymous)
    assert still_voting in turnout_section(scrutiny)
