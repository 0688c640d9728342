"""Who reaches every open-data route and the audit log: route x role.

Open data is public (200 for everyone, JSON or CSV); the audit log is for council scrutiny
and administrators (the public is sent to sign in, everyone else refused). A route with no
row fails ``test_every_route_has_a_row``.
"""

from __future__ import annotations

import pytest

ROLES = ("anonymous", "resident", "officer", "grant_officer", "scrutiny", "admin")
OK, LOGIN, NO = 200, 302, 403
EVERYONE = dict.fromkeys(ROLES, OK)
SCRUTINY = {**dict.fromkeys(ROLES, NO), "anonymous": LOGIN, "scrutiny": OK, "admin": OK}

RD = "/api/v1/rounds/{round}"
PR = "/api/v1/programmes/{programme}"
TABLE = [
    ("/open-data", "/open-data", EVERYONE),
    ("/open-data/api", "/open-data/api", EVERYONE),
    ("/audit", "/audit", SCRUTINY),
    ("/audit?sign_ins=1&action=result", "/audit", SCRUTINY),
    ("/audit.csv", "/audit.csv", SCRUTINY),
    ("/api/v1/openapi.json", "/api/v1/openapi.json", EVERYONE),
    ("/api/v1/rounds", "/api/v1/rounds", EVERYONE),
    (RD, "/api/v1/rounds/<int:round_id>", EVERYONE),
    (RD + "/proposals", "/api/v1/rounds/<int:round_id>/proposals", EVERYONE),
    (RD + "/results", "/api/v1/rounds/<int:round_id>/results", EVERYONE),
    (RD + "/ballots.pb", "/api/v1/rounds/<int:round_id>/ballots.pb", EVERYONE),
    (RD + "/receipts", "/api/v1/rounds/<int:round_id>/receipts", EVERYONE),
    (RD + "/events", "/api/v1/rounds/<int:round_id>/events", EVERYONE),
    ("/api/v1/proposals", "/api/v1/proposals", EVERYONE),
    ("/api/v1/results", "/api/v1/results", EVERYONE),
    ("/api/v1/events", "/api/v1/events", EVERYONE),
    ("/api/v1/grants", "/api/v1/grants", EVERYONE),
    ("/api/v1/grants?format=csv", "/api/v1/grants", EVERYONE),
    ("/api/v1/programmes", "/api/v1/programmes", EVERYONE),
    (PR + "/kpis", "/api/v1/programmes/<int:programme_id>/kpis", EVERYONE),
    (PR + "/cost-benefit", "/api/v1/programmes/<int:programme_id>/cost-benefit", EVERYONE),
    ("/api/v1/payments", "/api/v1/payments", EVERYONE),
    ("/api/v1/kpis", "/api/v1/kpis", EVERYONE),
    ("/api/v1/cost-benefit", "/api/v1/cost-benefit", EVERYONE),
    ("/api/v1/spend", "/api/v1/spend", EVERYONE),
    ("/api/v1/grants/360giving.json", "/api/v1/grants/360giving.json", EVERYONE),
    ("/api/v1/grants/360giving.csv", "/api/v1/grants/360giving.csv", EVERYONE),
]


def test_every_route_has_a_row(app):
    covered = {rule for _url, rule, _expect in TABLE}
    mine = {r.rule for r in app.url_map.iter_rules()
            if r.endpoint.startswith(("api.", "opendata."))
            or r.endpoint in ("main.audit_log", "main.audit_csv")}
    assert mine - covered == set(), "add a row to TABLE for each of these"


@pytest.mark.parametrize("role", ROLES)
def test_route_by_role(client, sign_in, published, neighbourhood, role):
    if role != "anonymous":
        sign_in(neighbourhood.users[role])
    for url, _rule, expected in TABLE:
        url = url.format(round=published.round.id, programme=published.programme.id)
        response = client.get(url)
        assert response.status_code == expected[role], (role, url, response.status_code)
        if expected[role] == LOGIN:
            assert "/account/login" in response.headers["Location"]


def test_drafts_are_not_open_data(client, neighbourhood):
    draft = neighbourhood.rounds["draft"]
    for url in (f"/api/v1/rounds/{draft.id}", f"/api/v1/rounds/{draft.id}/proposals",
                f"/api/v1/rounds/{draft.id}/events"):
        assert client.get(url).status_code == 404
    rounds = client.get("/api/v1/rounds?format=csv").get_data(as_text=True)
    assert "Winter Warmth Fund" not in rounds
    page = client.get("/open-data").get_data(as_text=True)
    assert "Winter Warmth Fund" not in page
