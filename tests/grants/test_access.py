"""Who reaches every grants route: route x role, with the grant's own grantee and officers,
another organisation's grantee, another partnership's grant officer, scrutiny (reads
everything, writes nothing), a partnership officer, a resident and the public.

``ok`` means allowed: the page (200), done (303), or refused for the request's content or
the grant's state (400, 409), never for who asked. POSTs carry forms that the use case
refuses for their content where it would otherwise change something, so every role can
be tried on the same data. A route with no row fails ``test_every_grants_route_has_a_row``.
"""

from __future__ import annotations

import io
from datetime import date

import pytest
from PIL import Image

from pb.extensions import db
from pb.grants import evidence
from tests.factories import active_grant, add_grant_people, build_neighbourhood, make_programme
from tests.grants.helpers import accept_return, submit_return

ROLES = ("anonymous", "resident", "officer", "grantee", "other_grantee", "grant_officer",
         "grant_officer2", "other_grant_officer", "scrutiny", "admin")
OK, LOGIN, GONE, NO, MINE = "ok", "login", 404, 403, "redirect"


def expect(default, **by_role):
    assert not set(by_role) - set(ROLES)
    return {role: by_role.get(role, default) for role in ROLES}


EVERYONE = expect(OK)
VIEWERS = expect(GONE, anonymous=LOGIN, grantee=OK, grant_officer=OK, grant_officer2=OK,
                 scrutiny=OK, admin=OK)
# Officer-only routes (role checked first, then the grant): 403 without the role, 404 for
# another partnership's officer, scrutiny 403.
OFFICERS = expect(NO, anonymous=LOGIN, grant_officer=OK, grant_officer2=OK,
                  other_grant_officer=GONE, admin=OK)
# Signed-in routes on a grant where the use case decides: 404 if the grant is not theirs,
# 403 if it is but they may not do this.
OFFICER_USE_CASE = expect(GONE, anonymous=LOGIN, grantee=NO, grant_officer=OK,
                          grant_officer2=OK, scrutiny=NO, admin=OK)
GRANTEE_USE_CASE = expect(GONE, anonymous=LOGIN, grantee=OK, grant_officer=NO,
                          grant_officer2=NO, scrutiny=NO, admin=OK)
DESK = expect(NO, anonymous=LOGIN, grantee=MINE, other_grantee=MINE, grant_officer=OK,
              grant_officer2=OK, other_grant_officer=OK, scrutiny=OK, admin=OK)
GRANT_STAFF = expect(NO, anonymous=LOGIN, grant_officer=OK, grant_officer2=OK,
                     other_grant_officer=OK, scrutiny=OK, admin=OK)
PROGRAMME_SETUP = expect(NO, anonymous=LOGIN, grant_officer=OK, grant_officer2=OK,
                         other_grant_officer=OK, admin=OK)
PROGRAMME_EDIT = expect(NO, anonymous=LOGIN, grant_officer=OK, grant_officer2=OK, admin=OK)
# Release: the officer who set the grant up is refused (two-person rule).
RELEASE = {**OFFICERS, "grant_officer": NO}

G = "/grants/{grant}"
R = G + "/returns"
TABLE = [
    ("GET", "/grants/", "/grants/", DESK),
    ("GET", "/grants/mine", "/grants/mine",
     expect(NO, anonymous=LOGIN, grantee=OK, other_grantee=OK, admin=OK)),
    ("GET", "/grants/all", "/grants/all", GRANT_STAFF),
    ("GET", G, "/grants/<int:grant_id>", VIEWERS),
    ("GET", G + "/grantee", "/grants/<int:grant_id>/grantee", OFFICERS),
    ("POST", G + "/grantee", "/grants/<int:grant_id>/grantee", OFFICERS),
    ("GET", G + "/agreement", "/grants/<int:grant_id>/agreement", VIEWERS),
    ("POST", G + "/agreement", "/grants/<int:grant_id>/agreement", OFFICER_USE_CASE),
    ("POST", G + "/accept", "/grants/<int:grant_id>/accept",
     expect(NO, anonymous=LOGIN, grantee=OK, other_grantee=GONE)),
    ("POST", G + "/take-back", "/grants/<int:grant_id>/take-back", OFFICERS),
    ("POST", G + "/withdraw", "/grants/<int:grant_id>/withdraw", OFFICERS),
    ("POST", G + "/interest", "/grants/<int:grant_id>/interest", OFFICERS),
    ("POST", G + "/tranches/{planned}/release",
     "/grants/<int:grant_id>/tranches/<int:tranche_id>/release", RELEASE),
    ("POST", G + "/tranches/{planned}/withhold",
     "/grants/<int:grant_id>/tranches/<int:tranche_id>/withhold", OFFICERS),
    ("POST", G + "/money-back", "/grants/<int:grant_id>/money-back", OFFICERS),
    ("POST", G + "/milestones/{milestone}/met",
     "/grants/<int:grant_id>/milestones/<int:milestone_id>/met", OFFICERS),
    ("POST", G + "/rag", "/grants/<int:grant_id>/rag", OFFICERS),
    ("POST", G + "/corrections", "/grants/<int:grant_id>/corrections", OFFICERS),
    ("GET", G + "/savings", "/grants/<int:grant_id>/savings", VIEWERS),
    ("POST", G + "/savings", "/grants/<int:grant_id>/savings", OFFICER_USE_CASE),
    ("GET", G + "/close", "/grants/<int:grant_id>/close", OFFICERS),
    ("POST", G + "/close", "/grants/<int:grant_id>/close", OFFICERS),
    ("GET", R + "/{accepted}", "/grants/<int:grant_id>/returns/<int:return_id>", VIEWERS),
    ("POST", R + "/{accepted}", "/grants/<int:grant_id>/returns/<int:return_id>",
     GRANTEE_USE_CASE),
    ("POST", R + "/{accepted}/autosave",
     "/grants/<int:grant_id>/returns/<int:return_id>/autosave", GRANTEE_USE_CASE),
    ("POST", R + "/{submitted}/review",
     "/grants/<int:grant_id>/returns/<int:return_id>/review", OFFICER_USE_CASE),
    ("POST", R + "/{accepted}/files/{document}/remove",
     "/grants/<int:grant_id>/returns/<int:return_id>/files/<int:document_id>/remove",
     GRANTEE_USE_CASE),
    ("GET", G + "/files/{document}", "/grants/<int:grant_id>/files/<int:document_id>",
     VIEWERS),
    ("GET", G + "/progress", "/grants/<int:grant_id>/progress", EVERYONE),
    ("GET", G + "/photos/{document}", "/grants/<int:grant_id>/photos/<int:document_id>",
     EVERYONE),
    ("GET", "/grants/999999/progress", "/grants/<int:grant_id>/progress", expect(GONE)),
    ("GET", "/programmes", "/programmes", EVERYONE),
    ("GET", "/programmes/{programme}", "/programmes/<int:programme_id>", EVERYONE),
    ("GET", "/programmes/new", "/programmes/new", PROGRAMME_SETUP),
    ("POST", "/programmes/new", "/programmes/new", PROGRAMME_SETUP),
    ("GET", "/programmes/{programme}/edit", "/programmes/<int:programme_id>/edit",
     PROGRAMME_EDIT),
    ("POST", "/programmes/{programme}/edit", "/programmes/<int:programme_id>/edit",
     PROGRAMME_EDIT),
    ("GET", "/api/v1/grants", "/grants", EVERYONE),
    ("GET", "/api/v1/programmes", "/programmes", EVERYONE),
    ("GET", "/api/v1/programmes/{programme}/kpis", "/programmes/<int:programme_id>/kpis",
     EVERYONE),
    ("GET", "/api/v1/programmes/{programme}/cost-benefit",
     "/programmes/<int:programme_id>/cost-benefit", EVERYONE),
    ("GET", "/api/v1/programmes/999999/kpis", "/programmes/<int:programme_id>/kpis",
     expect(GONE)),
]


def _photo():
    from werkzeug.datastructures import FileStorage

    out = io.BytesIO()
    Image.new("RGB", (60, 40), (200, 120, 40)).save(out, format="JPEG")
    out.seek(0)
    return FileStorage(out, filename="cafe.jpg", content_type="image/jpeg")


@pytest.fixture
def world(app):
    """An active grant: return 1 accepted (with a public photo), return 2 submitted."""
    from pb.grants import common

    hood = build_neighbourhood()
    add_grant_people(hood)
    programme = make_programme(hood)
    common.FIXED_TODAY = date(2026, 5, 10)
    try:
        grant = active_grant(hood, programme, start=date(2025, 11, 1))
        first, second = grant.returns[0], grant.returns[1]
        photo = evidence.upload(grant, first, hood.users["grantee"], _photo(), kind="photo",
                                caption="Tea and cake", consent=True, public=True)
        submit_return(grant, first, hood.users["grantee"])
        accept_return(grant, first, hood.users["grant_officer2"])
        submit_return(grant, second, hood.users["grantee"])
        ids = {"grant": grant.id, "planned": grant.tranches[1].id,
               "milestone": grant.milestones[1].id, "accepted": first.id,
               "submitted": second.id, "document": photo.id, "programme": programme.id}
        db.session.commit()
        yield hood, ids
    finally:
        common.FIXED_TODAY = None


def _outcome(response) -> object:
    if response.status_code == 302:
        return LOGIN if "/account/login" in response.headers["Location"] else MINE
    if response.status_code in (200, 303, 400, 409):
        return OK
    return response.status_code


@pytest.mark.parametrize("method, template, rule, expected", TABLE,
                         ids=[f"{m} {t}" for m, t, _r, _e in TABLE])
def test_grants_access(app, world, method, template, rule, expected):
    hood, ids = world
    path = template.format(**ids)
    wrong = []
    for role in ROLES:
        client = app.test_client()
        if role != "anonymous":
            response = client.post("/account/login", data={
                "email": hood.users[role].email, "password": "kettle-on-the-hob-42"})
            assert response.status_code == 302
        response = client.open(path, method=method, data={} if method == "POST" else None)
        got = _outcome(response)
        if got != expected[role]:
            wrong.append(f"{role}: expected {expected[role]}, got {got}")
    assert not wrong, f"{method} {path}:\n  " + "\n  ".join(wrong)


GRANT_MODULES = ("pb.grants.views", "pb.grants.money_views", "pb.grants.return_views",
                 "pb.grants.public_views", "pb.api.grants")


def test_every_grants_route_has_a_row(app):
    covered = {(method, rule) for method, _t, rule, _e in TABLE}
    missing = [f"{method} {rule.rule}" for rule in app.url_map.iter_rules()
               if app.view_functions[rule.endpoint].__module__ in GRANT_MODULES
               for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
               if (method, rule.rule.removeprefix("/api/v1")) not in covered]
    assert not missing, "grants routes without a row in the table:\n" + "\n".join(missing)


def test_scrutiny_reads_everything_and_writes_nothing(app, world):
    hood, ids = world
    client = app.test_client()
    client.post("/account/login", data={"email": hood.users["scrutiny"].email,
                                        "password": "kettle-on-the-hob-42"})
    for method, template, _rule, expected in TABLE:
        response = client.open(template.format(**ids), method=method,
                               data={} if method == "POST" else None)
        if method == "POST":
            assert response.status_code == 403, template
        elif expected["scrutiny"] == OK:
            assert response.status_code == 200, template


def test_the_public_never_sees_personal_data_or_unpublished_narrative(app, world):
    hood, ids = world
    client = app.test_client()
    from pb.models import MonitoringReturn

    submitted = db.session.get(MonitoringReturn, ids["submitted"])
    accepted = db.session.get(MonitoringReturn, ids["accepted"])
    public = [client.get(f"/grants/{ids['grant']}/progress").get_data(as_text=True),
              client.get("/api/v1/grants").get_data(as_text=True),
              client.get(f"/programmes/{ids['programme']}").get_data(as_text=True),
              client.get(f"/api/v1/programmes/{ids['programme']}/kpis").get_data(as_text=True)]
    text = "\n".join(public)
    assert accepted.public_update in text  # published once accepted
    assert submitted.narrative not in text and accepted.narrative not in text
    for user in hood.users.values():
        assert user.email not in text
    assert "Dave Booth" not in text  # the lead's signature is not public
