"""Every results route, for every role (and no route is left out)."""

from __future__ import annotations

import pytest

from pb.results import services
from tests.factories import build_counted_round

ANON = None

# (path, method, role, state of the result, expected status)
TABLE = [
    ("/rounds/{r}/results", "GET", ANON, "none", 200),
    ("/rounds/{r}/results", "GET", ANON, "tallied", 200),
    ("/rounds/{r}/results", "GET", ANON, "certified", 200),
    ("/rounds/{r}/results", "GET", "scrutiny", "tallied", 200),
    ("/rounds/{draft}/results", "GET", ANON, "none", 404),
    ("/rounds/{r}/results/tally", "POST", ANON, "none", 302),
    ("/rounds/{r}/results/tally", "POST", "resident", "none", 403),
    ("/rounds/{r}/results/tally", "POST", "scrutiny", "none", 403),
    ("/rounds/{r}/results/tally", "POST", "event_staff", "none", 403),
    ("/rounds/{r}/results/tally", "POST", "other_officer", "none", 403),
    ("/rounds/{r}/results/tally", "POST", "officer", "none", 303),
    ("/rounds/{r}/results/tally", "POST", "admin", "none", 303),
    ("/rounds/{r}/results/tally", "GET", "officer", "none", 405),
    ("/rounds/{r}/results/certify", "POST", ANON, "tallied", 302),
    ("/rounds/{r}/results/certify", "POST", "resident", "tallied", 403),
    ("/rounds/{r}/results/certify", "POST", "scrutiny", "tallied", 403),
    ("/rounds/{r}/results/certify", "POST", "other_officer", "tallied", 403),
    ("/rounds/{r}/results/certify", "POST", "officer", "tallied", 403),  # counted it
    ("/rounds/{r}/results/certify", "POST", "officer2", "tallied", 303),
    ("/rounds/{r}/results/certify", "POST", "officer2", "none", 400),
    ("/rounds/{r}/results/override", "POST", ANON, "tallied", 302),
    ("/rounds/{r}/results/override", "POST", "resident", "tallied", 403),
    ("/rounds/{r}/results/override", "POST", "scrutiny", "tallied", 403),
    ("/rounds/{r}/results/override", "POST", "other_officer", "tallied", 403),
    ("/rounds/{r}/results/override", "POST", "officer2", "tallied", 303),
    ("/api/v1/rounds/{r}/results", "GET", ANON, "none", 404),
    ("/api/v1/rounds/{r}/results", "GET", ANON, "tallied", 404),
    ("/api/v1/rounds/{r}/results", "GET", ANON, "certified", 200),
    ("/api/v1/rounds/{draft}/results", "GET", ANON, "none", 404),
    ("/api/v1/rounds/{r}/ballots.pb", "GET", ANON, "none", 200),
    ("/api/v1/rounds/{r}/receipts", "GET", ANON, "none", 200),
    ("/api/v1/rounds/999999/receipts", "GET", ANON, "none", 404),
    ("/explorer", "GET", ANON, "none", 302),
    ("/explorer", "GET", "resident", "none", 403),
    ("/explorer", "GET", "scrutiny", "none", 403),
    ("/explorer", "GET", "officer", "none", 200),
    ("/explorer", "GET", "admin", "none", 200),
    ("/explorer", "POST", "resident", "none", 403),
    ("/explorer", "POST", "officer", "none", 400),  # nothing chosen
    ("/explorer/00000000000000000000000000000000", "GET", ANON, "none", 302),
    ("/explorer/00000000000000000000000000000000", "GET", "officer", "none", 404),
    ("/admin/rounds/{r}/carry-over", "GET", ANON, "none", 302),
    ("/admin/rounds/{r}/carry-over", "GET", "resident", "none", 403),
    ("/admin/rounds/{r}/carry-over", "GET", "scrutiny", "none", 403),
    ("/admin/rounds/{r}/carry-over", "GET", "other_officer", "none", 403),
    ("/admin/rounds/{r}/carry-over", "GET", "officer", "none", 200),
    ("/admin/rounds/{r}/carry-over", "GET", "admin", "none", 200),
    ("/admin/rounds/{r}/carry-over", "POST", ANON, "none", 302),
    ("/admin/rounds/{r}/carry-over", "POST", "resident", "none", 403),
    ("/admin/rounds/{r}/carry-over", "POST", "event_staff", "none", 403),
    ("/admin/rounds/{r}/carry-over", "POST", "other_officer", "none", 403),
    ("/admin/rounds/{r}/carry-over", "POST", "officer", "none", 400),  # voting has opened
    ("/admin/rounds/{draft}/carry-over", "GET", "officer", "none", 200),
]


@pytest.mark.parametrize("path, method, role, state, expected", TABLE)
def test_results_access(client, sign_in, neighbourhood, path, method, role, state, expected):
    counted = build_counted_round(neighbourhood, ballots=[[0, 1], [0], [2]])
    if state in ("tallied", "certified"):
        services.tally(counted.round, neighbourhood.users["officer"])
    if state == "certified":
        services.certify(counted.round, neighbourhood.users["officer2"])
    if role:
        sign_in(neighbourhood.users[role])
    data = {"read_it": "y", "selected": [counted.projects[2].pb_id],
            "submission": "a-fresh-submission-key-0001",
            "reason": "The cafe's landlord withdrew the offer of the building."}
    response = client.open(path.format(r=counted.round.id, draft=neighbourhood.rounds["draft"].id),
                           method=method, data=data if method == "POST" else None)
    assert response.status_code == expected, response.get_data(as_text=True)[:300]


def test_every_results_route_has_a_row(app):
    """The voting routes have their own table (tests/voting/test_access.py)."""
    import re

    def shape(path):
        return re.sub(r"<[^>]+>|\{[^}]+\}|\d+", "<x>", path)

    covered = {(method, shape(path)) for path, method, *_ in TABLE}
    missing = [f"{method} {rule.rule}" for rule in app.url_map.iter_rules()
               if app.view_functions[rule.endpoint].__module__ in (
                   "pb.results.views", "pb.api.voting", "pb.admin.carry_over_views")
               for method in rule.methods - {"HEAD", "OPTIONS"}
               if (method, shape(rule.rule)) not in covered]
    assert not missing, missing
