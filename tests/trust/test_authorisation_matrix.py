"""The authorisation matrix (goal G5): every route in ``app.url_map`` x every method x
every principal x an object of theirs ("own") and someone else's ("other"), checked
against the one declared policy table in tests/trust/authz_policy.py.

Requests go through the test client (CSRF off); POSTs send an empty form, so an allowed
POST shows as a validation refusal (400) or a redirect and a refused one as 403, 404 or
the log-in page. Each principal's requests run in one test, on a fresh world: reads first,
then writes, then the requests that end the session. A route missing from the table, a
table row for a route that is gone, or any outcome other than the table's fails.
"""

from __future__ import annotations

import json
import os
from urllib.parse import urlsplit

import pytest
from flask import url_for

from tests.factories import PASSWORD
from tests.trust import authz_policy as policy
from tests.trust.authz_world import build_world, release_fixed_today

# The requests that end the session or the account come last in each principal's run.
SESSION_ENDERS = ("auth.logout", "auth.sign_out_everywhere", "privacy.delete_account")

ROUND_SLOT = {  # which round a rule's round_id takes (default: the round in its vote)
    "proposals.new": "proposals_round", "proposals.new_paper": "proposals_round",
    "proposals.browse": "proposals_round", "proposals.budget_total": "proposals_round",
    "proposals.review_list": "proposals_round", "admin.round_form": "proposals_round",
    "results.results": "closed_round", "results.certify": "closed_round",
    "results.override": "closed_round", "results.run_tally": "closed_round",
    "admin.carry_over_page": "closed_round", "api.round_results": "closed_round",
    "api.round_ballots_pb": "closed_round",
}
FIXED = {"token": "not-a-real-link", "key": "close-voting", "slug": "contact",
         "kind": "partnerships", "name": "round-budgets", "field": "age_band",
         "filename": "pb.css", "code": "cy"}
SLOT = {"proposal_id": "proposal", "event_id": "event", "device_id": "device",
        "paper_id": "paper", "staff_id": "staff", "batch_id": "batch", "grant_id": "grant",
        "return_id": "return", "tranche_id": "tranche", "milestone_id": "milestone",
        "programme_id": "programme", "job_id": "job", "assignment_id": "assignment",
        "area_id": "area"}


def url_arguments(rule, slots: dict) -> dict:
    values = {}
    for name in rule.arguments:
        if name in FIXED:
            values[name] = FIXED[name]
        elif name == "round_id":
            values[name] = slots[ROUND_SLOT.get(rule.endpoint, "round")]
        elif name == "document_id":
            area = rule.endpoint.split(".")[0]
            values[name] = slots["proposal_document" if area == "proposals" else "grant_document"]
        elif name == "item_id":
            values[name] = slots["partnership" if rule.endpoint.startswith("admin.") else "item"]
        else:
            values[name] = slots[SLOT[name]]
    return values


def route_methods(app):
    """(method, rule) for every rule of the app (HEAD and OPTIONS are Flask's own)."""
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield method, rule


def outcome(response) -> str:
    """The outcome class: allow, login, deny, 405, or the status when it is none of them."""
    status = response.status_code
    if status in (301, 302, 303, 307, 308):
        return "login" if urlsplit(response.location).path == "/account/login" else "allow"
    if 200 <= status < 300 or status in (400, 409, 410):
        return "allow"
    if status in (403, 404):
        return "deny"
    if status == 405:
        return "405"
    return str(status)


def requests_in_order(app, world):
    """(method, rule, variant, path): reads, then writes, then the session enders. Rules with
    no object in their URL run once ("own"); the others once per variant."""
    reads, writes, last = [], [], []
    with app.test_request_context():
        for method, rule in route_methods(app):
            variants = ("own", "other") if set(rule.arguments) - set(FIXED) else ("own",)
            for variant in variants:
                path = url_for(rule.endpoint, **url_arguments(rule, world[variant]))
                row = (method, rule, variant, urlsplit(path).path)
                (last if rule.endpoint in SESSION_ENDERS
                 else reads if method == "GET" else writes).append(row)
    return reads + writes + last


@pytest.mark.parametrize("principal", policy.PRINCIPALS)
def test_authorisation_matrix(app, neighbourhood, principal, figure):
    world = build_world(neighbourhood)
    try:
        client = app.test_client()
        if principal != "anonymous":
            response = client.post("/account/login", data={
                "email": neighbourhood.users[principal].email,
                "password": PASSWORD})
            assert response.status_code == 302
        unexpected, seen, made, leaks, own_ballot = [], {}, 0, [], 0
        for method, rule, variant, path in requests_in_order(app, world):
            response = client.open(path, method=method, data={} if method == "POST" else None)
            got = outcome(response)
            made += 1
            if shows_the_ballot(response, world["ballot"]):
                if principal == "resident":
                    own_ballot += 1
                else:
                    leaks.append(f"{method} {path}")
            seen[f"{method} {rule.rule} {variant}"] = got
            wanted = policy.expected(method, rule.rule, principal, variant)
            if got != wanted:
                unexpected.append(f"{method} {path} ({rule.rule}, {variant}): "
                                  f"expected {wanted}, got {got}")
    finally:
        release_fixed_today()
    record = os.environ.get("PB_AUTHZ_RECORD")
    if record:
        with open(f"{record}.{principal}.json", "w", encoding="utf-8") as out:
            json.dump(seen, out, indent=0, sort_keys=True)
    pairs = len(list(route_methods(app)))
    missing = sum(1 for method, rule in route_methods(app)
                  if (method, rule.rule) not in policy.POLICY)
    figure("authz matrix", principal=principal, route_methods=pairs, requests=made,
           unexpected=len(unexpected), missing_rules=missing, ballot_leaks=len(leaks))
    assert not unexpected, f"{principal}:\n  " + "\n  ".join(unexpected)
    assert not leaks, f"{principal} sees how Maureen voted on:\n  " + "\n  ".join(leaks)
    # The check can fire: Maureen herself sees her choice on her vote page.
    assert principal != "resident" or own_ballot > 0


def shows_the_ballot(response, ballot) -> bool:
    """The page names the voter and the project she chose (her ballot's content)."""
    body, voter = response.get_data(), ballot["voter"]  # bytes: files are served too
    named = voter.email.encode() in body or voter.display_name.encode() in body
    return named and ballot["choice"].encode() in body


def test_every_route_has_a_row_and_every_row_a_route(app, figure):
    """A route missing from the table fails; so does a row for a route that is gone."""
    routes = {(method, rule.rule) for method, rule in route_methods(app)}
    missing = sorted(routes - set(policy.POLICY))
    stale = sorted(set(policy.POLICY) - routes)
    per_principal = sum(2 if set(rule.arguments) - set(FIXED) else 1
                        for _method, rule in route_methods(app))
    figure("authz table", route_methods=len(routes), principals=len(policy.PRINCIPALS),
           requests=f"{len(routes)} route-methods x {len(policy.PRINCIPALS)} principals x "
                    f"own/other = {per_principal * len(policy.PRINCIPALS)}",
           missing_rules=len(missing), stale_rows=len(stale))
    assert not missing, "routes with no row in tests/trust/authz_policy.py:\n" + "\n".join(
        f"{m} {r}" for m, r in missing)
    assert not stale, "rows for routes that no longer exist:\n" + "\n".join(
        f"{m} {r}" for m, r in stale)


def test_scrutiny_never_writes():
    """Scrutiny is allowed no write except what any resident may do for themselves (their
    account, vote and proposals), where it gets exactly what a resident gets."""
    writes = []
    for (method, rule), row in policy.POLICY.items():
        if method == "GET" or policy.A not in row["scrutiny"]:
            continue
        if (method, rule) in policy.SELF_SERVICE and row["scrutiny"] == row["resident"]:
            continue
        writes.append(f"{method} {rule}")
    assert not writes, "scrutiny may write through:\n" + "\n".join(writes)
    assert all(row["scrutiny"] == row["resident"] for key, row in policy.POLICY.items()
               if key in policy.SELF_SERVICE)


def test_the_other_tenant_is_never_allowed_what_the_owner_is_refused():
    """Officers, grant officers and grantees of one partnership or organisation are never
    allowed on the other's objects where the other's own people are not: every scoped row
    is symmetric (own for one side is other for the other side)."""
    pairs = (("officer", "other_officer"), ("grant_officer", "other_grant_officer"),
             ("grantee", "other_grantee"))
    wrong = []
    for (method, rule), row in policy.POLICY.items():
        for mine, theirs in pairs:
            if row[mine] != tuple(reversed(row[theirs])) and row[mine] != row[theirs]:
                wrong.append(f"{method} {rule}: {mine} {row[mine]}, {theirs} {row[theirs]}")
    assert not wrong, "\n".join(wrong)

