"""Who reaches every decision-day route: route x role. Officers set events up; staff on duty
work the desk, the paper and the report; event staff of the partnership who are not on duty,
other partnerships' officers, scrutiny (for writes), residents and the public do not. The
live screen is public. Tablets are reached only with an enrolled tablet's cookie.

``ok`` means allowed: the page (200), done (303), or refused for the request's content or
state (400, 409, 410), never for who asked. A route with no row fails
``test_every_decision_day_route_has_a_row``.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from pb import submissions
from pb.events import devices, paper, setup
from pb.events.paper import Reading
from pb.extensions import db
from pb.models import EventStaff, Role, VotingCodeBatch
from tests.factories import (
    check_in_person,
    make_ballot_round,
    make_codes,
    make_event,
    make_user,
)

ROLES = ("anonymous", "resident", "officer", "officer2", "other_officer", "event_staff",
         "idle_staff", "scrutiny", "grant_officer", "admin")
OK, LOGIN, GONE, NO = "ok", "login", 404, 403


def expect(default, **by_role):
    assert not set(by_role) - set(ROLES)
    return {role: by_role.get(role, default) for role in ROLES}


EVERYONE = expect(OK)
SET_UP = expect(NO, anonymous=LOGIN, officer=OK, officer2=OK, admin=OK)
WORK = expect(NO, anonymous=LOGIN, officer=OK, officer2=OK, event_staff=OK, admin=OK)
REPORT = expect(NO, anonymous=GONE, officer=OK, officer2=OK, event_staff=OK, scrutiny=OK,
                admin=OK)
TABLET_ONLY = expect(NO)  # no enrolled tablet's cookie: "not enrolled" (403) for everyone
DRAFT = expect(GONE, officer=OK, officer2=OK, scrutiny=OK, admin=OK)

E = "/events/{event}"
TABLE = [
    ("GET", "/rounds/{round}/events", "/rounds/<int:round_id>/events",
     expect(NO, anonymous=LOGIN, officer=OK, officer2=OK, event_staff=OK, admin=OK)),
    ("GET", "/rounds/{round}/events/new", "/rounds/<int:round_id>/events/new", SET_UP),
    ("POST", "/rounds/{round}/events/new", "/rounds/<int:round_id>/events/new", SET_UP),
    ("GET", E + "/edit", "/events/<int:event_id>/edit", SET_UP),
    ("POST", E + "/edit", "/events/<int:event_id>/edit", SET_UP),
    ("GET", E, "/events/<int:event_id>", WORK),
    ("GET", "/events/999999", "/events/<int:event_id>", expect(GONE, anonymous=LOGIN)),
    ("POST", E + "/agenda/{item}/move", "/events/<int:event_id>/agenda/<int:item_id>/move",
     SET_UP),
    ("POST", E + "/agenda/refresh", "/events/<int:event_id>/agenda/refresh", SET_UP),
    ("POST", E + "/staff", "/events/<int:event_id>/staff", SET_UP),
    ("POST", E + "/staff/{staff}/remove", "/events/<int:event_id>/staff/<int:staff_id>/remove",
     SET_UP),
    ("POST", E + "/devices", "/events/<int:event_id>/devices", SET_UP),
    ("POST", E + "/devices/{device}/revoke",
     "/events/<int:event_id>/devices/<int:device_id>/revoke", SET_UP),
    ("POST", E + "/print", "/events/<int:event_id>/print", WORK),
    ("GET", E + "/print/{batch}", "/events/<int:event_id>/print/<int:batch_id>", WORK),
    ("GET", E + "/desk", "/events/<int:event_id>/desk", WORK),
    ("POST", E + "/desk", "/events/<int:event_id>/desk", WORK),
    ("GET", E + "/paper", "/events/<int:event_id>/paper", WORK),
    ("POST", E + "/paper/received", "/events/<int:event_id>/paper/received", WORK),
    ("GET", E + "/paper/enter", "/events/<int:event_id>/paper/enter", WORK),
    ("POST", E + "/paper/enter", "/events/<int:event_id>/paper/enter", WORK),
    ("GET", E + "/paper/{paper}", "/events/<int:event_id>/paper/<int:paper_id>", WORK),
    ("POST", E + "/paper/{paper}", "/events/<int:event_id>/paper/<int:paper_id>", WORK),
    ("GET", E + "/paper/print", "/events/<int:event_id>/paper/print", WORK),
    ("GET", E + "/live", "/events/<int:event_id>/live", EVERYONE),
    ("GET", "/events/{draft_event}/live", "/events/<int:event_id>/live", DRAFT),
    ("POST", E + "/live/totals", "/events/<int:event_id>/live/totals", SET_UP),
    ("POST", E + "/live/reveal", "/events/<int:event_id>/live/reveal", SET_UP),
    ("GET", E + "/close", "/events/<int:event_id>/close", SET_UP),
    ("POST", E + "/close/waiver", "/events/<int:event_id>/close/waiver", SET_UP),
    ("GET", E + "/report", "/events/<int:event_id>/report", REPORT),
    ("GET", E + "/report.csv", "/events/<int:event_id>/report.csv", REPORT),
    ("GET", "/kiosk/enrol/not-a-real-link", "/kiosk/enrol/<token>", EVERYONE),
    ("POST", "/kiosk/enrol/not-a-real-link", "/kiosk/enrol/<token>", EVERYONE),
    ("GET", "/kiosk", "/kiosk", TABLET_ONLY),
    ("POST", "/kiosk", "/kiosk", TABLET_ONLY),
    ("GET", "/kiosk/ballot", "/kiosk/ballot", TABLET_ONLY),
    ("POST", "/kiosk/ballot", "/kiosk/ballot", TABLET_ONLY),
    ("POST", "/kiosk/reset", "/kiosk/reset", EVERYONE),
    ("GET", "/admin/rounds/{round}/phases", "/rounds/<int:round_id>/phases", SET_UP),
    ("GET", "/admin/rounds/{round}/phases/close-voting",
     "/rounds/<int:round_id>/phases/<key>", SET_UP),
    ("POST", "/admin/rounds/{round}/phases/close-voting",
     "/rounds/<int:round_id>/phases/<key>", SET_UP),
    ("GET", "/api/v1/rounds/{round}/events", "/rounds/<int:round_id>/events", EVERYONE),
    ("GET", "/api/v1/rounds/{draft}/events", "/rounds/<int:round_id>/events", expect(GONE)),
]


@pytest.fixture
def world(app, neighbourhood):
    hood = neighbourhood
    hood.users["idle_staff"] = make_user("ola.bankole@macc.example.org", "Ola",
                                         (Role.EVENT_STAFF, {"partnership_id":
                                                             hood.partnership.id}))
    round_, _proposals = make_ballot_round(hood)
    event = make_event(round_, hood.users["officer"], staff=[hood.users["event_staff"]])
    draft_event = make_event(hood.rounds["draft"], hood.users["officer"], name="Winter day")
    device, _token = devices.new_device(hood.users["officer"], event, "Tablet 1",
                                        submissions.new_key())
    _, code = check_in_person(event, hood.users["event_staff"])
    keyed = paper.enter(hood.users["event_staff"], event, code,
                        Reading({_proposals[0].id: 1}))
    make_codes(round_, hood.users["officer"])
    ids = {"round": round_.id, "event": event.id, "draft_event": draft_event.id,
           "draft": hood.rounds["draft"].id, "item": event.projects[0].id,
           "device": device.id, "paper": keyed.paper.id,
           "batch": db.session.scalar(select(VotingCodeBatch.id))}

    def current() -> dict:
        """Ids as they are now: a removed member of staff is put back first."""
        if db.session.scalar(select(EventStaff.id).where(
                EventStaff.user_id == hood.users["officer2"].id)) is None:
            setup.add_staff(hood.users["officer"], event, hood.users["officer2"].id)
        return {**ids, "staff": db.session.scalar(select(EventStaff.id).where(
            EventStaff.user_id == hood.users["officer2"].id))}

    return hood, current


def _outcome(response) -> object:
    if response.status_code == 302 and "/account/login" in response.headers["Location"]:
        return LOGIN
    if response.status_code in (200, 303, 400, 409, 410):
        return OK
    return response.status_code


@pytest.mark.parametrize("method, template, rule, expected", TABLE,
                         ids=[f"{m} {t}" for m, t, _r, _e in TABLE])
def test_decision_day_access(app, world, method, template, rule, expected):
    hood, current = world
    wrong = []
    for role in ROLES:
        client = app.test_client()
        if role != "anonymous":
            response = client.post("/account/login", data={
                "email": hood.users[role].email, "password": "kettle-on-the-hob-42"})
            assert response.status_code == 302
        path = template.format(**current())
        response = client.open(path, method=method, data={} if method == "POST" else None)
        got = _outcome(response)
        if got != expected[role]:
            wrong.append(f"{role}: expected {expected[role]}, got {got}")
    assert not wrong, f"{method} {template}:\n  " + "\n  ".join(wrong)


EVENT_MODULES = ("pb.events.views", "pb.events.desk_views", "pb.events.kiosk_views",
                 "pb.events.paper_views", "pb.events.live_views", "pb.admin.phase_views",
                 "pb.api.events")


def test_every_decision_day_route_has_a_row(app):
    covered = {(method, rule) for method, _t, rule, _e in TABLE}
    missing = [f"{method} {rule.rule}" for rule in app.url_map.iter_rules()
               if app.view_functions[rule.endpoint].__module__ in EVENT_MODULES
               for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
               if (method, rule.rule.removeprefix("/api/v1")) not in covered
               and (method, rule.rule.removeprefix("/admin")) not in covered]
    assert not missing, "decision-day routes without a row:\n" + "\n".join(missing)


def test_staff_not_on_duty_are_told_how_to_get_on_duty(app, world, sign_in):
    hood, current = world
    client = app.test_client()
    client.post("/account/login", data={"email": hood.users["idle_staff"].email,
                                        "password": "kettle-on-the-hob-42"})
    response = client.get(f"/events/{current()['event']}/desk")
    assert response.status_code == 403
    assert "ask an officer to put you on duty" in response.get_data(as_text=True)
