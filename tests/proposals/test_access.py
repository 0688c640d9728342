"""Who may reach which proposal page: every route against every kind of person."""

from __future__ import annotations

import pytest

from tests.factories import proposal_with_lines

LINES = [("Hall hire", 600_00), ("Refreshments", 150_00)]


@pytest.fixture
def items(neighbourhood):
    round_ = neighbourhood.rounds["proposals"]
    submitted = proposal_with_lines(round_, "Tytherington Walking Netball", LINES,
                                    proposer=neighbourhood.users["resident"],
                                    wards=[neighbourhood.wards["Macclesfield Tytherington"]])
    draft = proposal_with_lines(round_, "Hurdsfield Seed Swap", LINES, status="draft",
                                proposer=neighbourhood.users["resident"],
                                wards=[neighbourhood.wards["Macclesfield Hurdsfield"]])
    proposal_with_lines(neighbourhood.rounds["other"], "Congleton Park Run Buddies", LINES,
                                proposer=neighbourhood.users["resident2"])
    hidden = proposal_with_lines(neighbourhood.rounds["draft"], "Winter Warm Packs", LINES)
    return {"round": round_.id, "submitted": submitted.id, "draft": draft.id,
            "other_round": neighbourhood.rounds["other"].id, "draft_round": neighbourhood.rounds["draft"].id,
            "hidden": hidden.id}


ROLES = ["anonymous", "resident", "resident2", "officer", "other_officer", "event_staff",
         "scrutiny", "admin"]

# (url template, {role: expected status}); roles not listed expect `default`.
GETS = [
    ("/rounds/{round}/proposals", 200, {}),
    ("/rounds/{draft_round}/proposals", 404, {"officer": 200, "admin": 200, "scrutiny": 200}),
    ("/proposals/{submitted}", 200, {}),
    ("/proposals/{draft}", 404, {"resident": 200, "officer": 200, "admin": 200}),
    ("/proposals/{hidden}", 404, {"officer": 200, "admin": 200, "scrutiny": 200}),
    ("/rounds/{round}/proposals/new", 200, {"anonymous": 302}),
    ("/rounds/{round}/proposals/paper", 403, {"anonymous": 302, "officer": 200,
                                              "event_staff": 200, "admin": 200}),
    ("/rounds/{round}/proposals/review", 403, {"anonymous": 302, "officer": 200,
                                               "admin": 200}),
    ("/rounds/{other_round}/proposals/review", 403, {"anonymous": 302, "other_officer": 200,
                                                     "admin": 200}),
    ("/proposals/{submitted}/edit", 403, {"anonymous": 302, "resident": 200, "officer": 200,
                                          "admin": 200}),
    ("/proposals/{draft}/edit", 404, {"anonymous": 302, "resident": 200, "officer": 200,
                                      "admin": 200}),
    ("/proposals/{submitted}/merge", 403, {"anonymous": 302, "officer": 200, "admin": 200}),
    ("/proposals/{submitted}/withdraw", 403, {"anonymous": 302, "resident": 200,
                                              "officer": 200, "admin": 200}),
    ("/proposals/mine", 200, {"anonymous": 302}),
    ("/api/v1/rounds/{round}/proposals", 200, {}),
    ("/api/v1/rounds/{draft_round}/proposals", 404, {}),
]


def _as(client, sign_in, neighbourhood, role):
    if role == "anonymous":
        client.post("/account/logout")
    else:
        sign_in(neighbourhood.users[role])


@pytest.mark.parametrize("url, default, overrides", GETS)
def test_get_matrix(client, neighbourhood, sign_in, items, url, default, overrides):
    """Each URL against every role (one neighbourhood per URL keeps the suite quick)."""
    got = {}
    for role in ROLES:
        _as(client, sign_in, neighbourhood, role)
        got[role] = client.get(url.format(**items)).status_code
    assert got == {role: overrides.get(role, default) for role in ROLES}


POSTS = [
    # Review decisions: the round's partnership officers (and admins) only.
    ("/proposals/{submitted}/review", {"action": "start_review"}, 403,
     {"anonymous": 302, "officer": 303, "admin": 303}),
    ("/proposals/{submitted}/merge", {"target_id": "0", "reason": "x"}, 403,
     {"anonymous": 302, "officer": 400, "admin": 400}),
    # Supports: any signed-in resident except the proposer.
    ("/proposals/{submitted}/support", {}, 303, {"anonymous": 302}),
    ("/proposals/{draft}/support", {}, 404, {"anonymous": 302, "resident": 303,
                                             "officer": 303, "admin": 303}),
    ("/proposals/{draft}/submit", {}, 404, {"anonymous": 302, "resident": 303,
                                            "officer": 403, "admin": 403}),
]


@pytest.mark.parametrize("url, data, default, overrides", POSTS)
@pytest.mark.parametrize("role", ROLES)
def test_post_matrix(client, neighbourhood, sign_in, items, url, data, default, overrides, role):
    """State changes get a fresh neighbourhood per role, so one role's change cannot
    decide another's answer."""
    _as(client, sign_in, neighbourhood, role)
    response = client.post(url.format(**items), data=data)
    assert response.status_code == overrides.get(role, default), response.get_data(
        as_text=True)[:300]


@pytest.mark.parametrize("url", [
    "/proposals/{submitted}/review", "/proposals/{submitted}/submit",
    "/proposals/{submitted}/support", "/proposals/{submitted}/unsupport",
    "/rounds/{round}/proposals/new",
])
def test_state_changes_refuse_get_and_need_csrf(app, client, neighbourhood, sign_in, items, url):
    sign_in(neighbourhood.users["officer"])
    target = url.format(**items)
    if not target.endswith("/new"):
        assert client.get(target).status_code == 405
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert client.post(target, data={"action": "start_review"}).status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
