"""Who may reach every proposals route (and the proposals API): route x role x status.

``LOGIN`` means a redirect to the log-in page. GETs run every role against one
neighbourhood; POSTs change things, so each (row, role) gets a fresh neighbourhood.
Allowed POSTs send a valid form and answer 303 (done, then the page); refusals are 403
(not allowed), 404 (may not even know it exists) or, for a support the service turns
down, 303 with the reason on the page. ``test_every_proposals_route_is_in_the_table``
fails when a route has no row.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.factories import (
    BUDGET_LINES,
    add_document,
    proposal_form,
    proposal_with_lines,
    resident_proposal,
)

ROLES = ("anonymous", "resident", "resident2", "officer", "other_officer", "event_staff",
         "scrutiny", "grant_officer", "grantee", "admin")
LOGIN = "login"
# The view modules this table covers.
MODULES = ("pb.proposals.views", "pb.proposals.edit_views", "pb.proposals.review_views",
           "pb.api.proposals")


def expect(default, **by_role):
    unknown = set(by_role) - set(ROLES)
    assert not unknown, unknown
    return {role: by_role.get(role, default) for role in ROLES}


EVERYONE = expect(200)
SIGNED_IN = expect(200, anonymous=LOGIN)
# The proposer (Maureen, "resident") and the partnership's officers.
PROPOSER_AND_OFFICERS = expect(403, anonymous=LOGIN, resident=200, officer=200, admin=200)
OFFICERS = expect(403, anonymous=LOGIN, officer=200, admin=200)
# Draft rounds and draft proposals are unknown to whoever may not see them.
DRAFT_ROUND = expect(404, officer=200, scrutiny=200, admin=200)
DRAFT_PROPOSAL = expect(404, resident=200, officer=200, admin=200)


def done(allowed: dict) -> dict:
    """A POST's statuses: 303 (done) where ``allowed`` has 200, else its refusal."""
    return {role: 303 if status == 200 else status for role, status in allowed.items()}


# (method, url template, rule, expected status by role, form to send)
TABLE = [
    # Browsing and reading
    ("GET", "/rounds/{round}/proposals", "/rounds/<int:round_id>/proposals", EVERYONE, None),
    ("GET", "/rounds/{draft_round}/proposals", "/rounds/<int:round_id>/proposals",
     DRAFT_ROUND, None),
    ("GET", "/rounds/{round}/proposals/budget-total?lines-0-amount=250",
     "/rounds/<int:round_id>/proposals/budget-total", EVERYONE, None),
    ("GET", "/rounds/{draft_round}/proposals/budget-total",
     "/rounds/<int:round_id>/proposals/budget-total", DRAFT_ROUND, None),
    ("GET", "/proposals/{submitted}", "/proposals/<int:proposal_id>", EVERYONE, None),
    ("GET", "/proposals/{draft}", "/proposals/<int:proposal_id>", DRAFT_PROPOSAL, None),
    ("GET", "/proposals/{hidden}", "/proposals/<int:proposal_id>", DRAFT_ROUND, None),
    ("GET", "/proposals/mine", "/proposals/mine", SIGNED_IN, None),
    ("GET", "/proposals/{submitted}/files/{document}",
     "/proposals/<int:proposal_id>/files/<int:document_id>", EVERYONE, None),
    ("GET", "/proposals/{draft}/files/{draft_document}",
     "/proposals/<int:proposal_id>/files/<int:document_id>", DRAFT_PROPOSAL, None),
    ("GET", "/api/v1/rounds/{round}/proposals", "/api/v1/rounds/<int:round_id>/proposals",
     EVERYONE, None),
    ("GET", "/api/v1/rounds/{draft_round}/proposals",
     "/api/v1/rounds/<int:round_id>/proposals", expect(404), None),
    # Putting proposals forward: any signed-in person online; paper ones by staff.
    ("GET", "/rounds/{round}/proposals/new", "/rounds/<int:round_id>/proposals/new",
     SIGNED_IN, None),
    ("POST", "/rounds/{round}/proposals/new", "/rounds/<int:round_id>/proposals/new",
     done(SIGNED_IN), "new"),
    ("GET", "/rounds/{round}/proposals/paper", "/rounds/<int:round_id>/proposals/paper",
     expect(403, anonymous=LOGIN, officer=200, event_staff=200, admin=200), None),
    ("POST", "/rounds/{round}/proposals/paper", "/rounds/<int:round_id>/proposals/paper",
     expect(403, anonymous=LOGIN, officer=303, event_staff=303, admin=303), "paper"),
    # Changing a proposal: its proposer and the partnership's officers.
    ("GET", "/proposals/{submitted}/edit", "/proposals/<int:proposal_id>/edit",
     PROPOSER_AND_OFFICERS, None),
    ("GET", "/proposals/{draft}/edit", "/proposals/<int:proposal_id>/edit",
     expect(404, anonymous=LOGIN, resident=200, officer=200, admin=200), None),
    ("POST", "/proposals/{submitted}/edit", "/proposals/<int:proposal_id>/edit",
     done(PROPOSER_AND_OFFICERS), "edit"),
    ("POST", "/proposals/{draft}/submit", "/proposals/<int:proposal_id>/submit",
     expect(404, anonymous=LOGIN, resident=303, officer=403, admin=403), {}),
    ("GET", "/proposals/{submitted}/withdraw", "/proposals/<int:proposal_id>/withdraw",
     PROPOSER_AND_OFFICERS, None),
    ("POST", "/proposals/{submitted}/withdraw", "/proposals/<int:proposal_id>/withdraw",
     done(PROPOSER_AND_OFFICERS), {"reason": "The hall has closed for repairs."}),
    ("POST", "/proposals/{submitted}/files/{document}/remove",
     "/proposals/<int:proposal_id>/files/<int:document_id>/remove",
     done(PROPOSER_AND_OFFICERS), {"reason": "The quote has expired."}),
    # Supports: any signed-in person (the proposer is told they cannot support their own).
    ("POST", "/proposals/{submitted}/support", "/proposals/<int:proposal_id>/support",
     expect(303, anonymous=LOGIN), {}),
    ("POST", "/proposals/{draft}/support", "/proposals/<int:proposal_id>/support",
     expect(404, anonymous=LOGIN, resident=303, officer=303, admin=303), {}),
    ("POST", "/proposals/{submitted}/unsupport", "/proposals/<int:proposal_id>/unsupport",
     expect(303, anonymous=LOGIN), {}),
    # The review: the round's partnership officers (and admins) only.
    ("GET", "/rounds/{round}/proposals/review", "/rounds/<int:round_id>/proposals/review",
     OFFICERS, None),
    ("GET", "/rounds/{other_round}/proposals/review",
     "/rounds/<int:round_id>/proposals/review",
     expect(403, anonymous=LOGIN, other_officer=200, admin=200), None),
    ("POST", "/proposals/{submitted}/review", "/proposals/<int:proposal_id>/review",
     done(OFFICERS), {"action": "start_review"}),
    ("GET", "/proposals/{submitted}/merge", "/proposals/<int:proposal_id>/merge",
     OFFICERS, None),
    ("POST", "/proposals/{submitted}/merge", "/proposals/<int:proposal_id>/merge",
     done(OFFICERS), "merge"),
]


def _items(neighbourhood) -> dict:
    round_ = neighbourhood.rounds["proposals"]
    submitted = resident_proposal(neighbourhood)
    draft = resident_proposal(neighbourhood, status="draft", title="Hurdsfield Seed Swap",
                              wards=[neighbourhood.wards["Macclesfield Hurdsfield"]])
    target = resident_proposal(neighbourhood, title="Tytherington Netball for Everyone",
                               proposer=neighbourhood.users["resident2"])
    proposal_with_lines(neighbourhood.rounds["other"], "Congleton Park Run Buddies",
                        BUDGET_LINES, proposer=neighbourhood.users["resident2"])
    hidden = proposal_with_lines(neighbourhood.rounds["draft"], "Winter Warm Packs",
                                 BUDGET_LINES)
    return {"round": round_.id, "submitted": submitted.id, "draft": draft.id,
            "target": target.id, "other_round": neighbourhood.rounds["other"].id,
            "draft_round": neighbourhood.rounds["draft"].id, "hidden": hidden.id,
            "document": add_document(submitted).id,
            "draft_document": add_document(draft).id}


def _form(kind, neighbourhood, items) -> dict:
    if not isinstance(kind, str):
        return kind
    data = proposal_form(neighbourhood)
    if kind == "paper":
        data |= {"paper_name": "Mrs Joan Birtles", "paper_contact": "01625 000000"}
    elif kind == "edit":
        data |= {"action": "save", "reason": "The hall raised its price."}
    elif kind == "merge":
        data = {"target_id": str(items["target"]), "reason": "The same netball sessions."}
    return data


def _as(role, neighbourhood, sign_in, client):
    if role == "anonymous":
        client.post("/account/logout")
    else:
        sign_in(neighbourhood.users[role])


def _outcome(response):
    if response.status_code == 302 and urlsplit(response.location).path == "/account/login":
        return LOGIN
    return response.status_code


GETS = [row for row in TABLE if row[0] == "GET"]
POSTS = [row for row in TABLE if row[0] == "POST"]


@pytest.mark.parametrize("method, url, rule, expected, form", GETS,
                         ids=[url for _, url, *_ in GETS])
def test_get_by_role(client, neighbourhood, sign_in, method, url, rule, expected, form):
    path = url.format(**_items(neighbourhood))
    got = {}
    for role in ROLES:
        _as(role, neighbourhood, sign_in, client)
        got[role] = _outcome(client.get(path))
    assert got == expected


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method, url, rule, expected, form", POSTS,
                         ids=[url for _, url, *_ in POSTS])
def test_post_by_role(client, neighbourhood, sign_in, role, method, url, rule, expected,
                      form):
    items = _items(neighbourhood)
    _as(role, neighbourhood, sign_in, client)
    response = client.post(url.format(**items), data=_form(form, neighbourhood, items))
    assert _outcome(response) == expected[role], response.get_data(as_text=True)[:300]


def test_every_proposals_route_is_in_the_table(app):
    covered = {(method, rule) for method, _, rule, *_ in TABLE}
    missing = [f"{method} {rule.rule}" for rule in app.url_map.iter_rules()
               if app.view_functions[rule.endpoint].__module__ in MODULES
               for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
               if (method, rule.rule) not in covered]
    assert not missing, "routes without a row in the table:\n" + "\n".join(missing)
    assert {rule for _, _, rule, *_ in TABLE} <= {r.rule for r in app.url_map.iter_rules()}


@pytest.mark.parametrize("url", [
    "/proposals/{submitted}/review", "/proposals/{submitted}/submit",
    "/proposals/{submitted}/support", "/proposals/{submitted}/unsupport",
    "/proposals/{submitted}/files/{document}/remove", "/rounds/{round}/proposals/new",
])
def test_state_changes_refuse_get_and_need_csrf(app, client, neighbourhood, sign_in, url):
    sign_in(neighbourhood.users["officer"])
    target = url.format(**_items(neighbourhood))
    if not target.endswith("/new"):
        assert client.get(target).status_code == 405
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert client.post(target, data={"action": "start_review"}).status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


@pytest.mark.parametrize("url", ["/proposals/99999999999999",
                                 "/proposals/1/files/99999999999999",
                                 "/api/v1/rounds/1/proposals?status=%00",
                                 "/rounds/99999999999999/proposals",
                                 "/api/v1/rounds/99999999999999/proposals"])
def test_huge_ids_are_not_found_not_errors(client, neighbourhood, url):
    resident_proposal(neighbourhood)
    assert client.get(url).status_code in (200, 404)
