"""Two people acting at once, against a real threaded server: two officers pressing "Close
voting now", two staff keying the second entry of the same paper, two desks handing out the
same card. One wins; the other is told clearly; nothing is done twice; no 500s."""

from __future__ import annotations

import http.cookiejar
import re
import threading
import urllib.error
import urllib.parse
import urllib.request

from sqlalchemy import func, select

from pb.events import paper
from pb.events.paper import Reading
from pb.extensions import db
from pb.models import AuditEntry, Ballot, CheckIn, PaperEntry, Role, Round
from tests import factories

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _open(opener, url, data=None):
    body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
    try:
        with opener.open(url, data=body, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _signed_in(base: str, email: str, page: str):
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect)
    _, login = _open(opener, f"{base}/account/login")
    status, _ = _open(opener, f"{base}/account/login", {
        "csrf_token": TOKEN.search(login).group(1), "email": email,
        "password": factories.PASSWORD})
    assert status == 302
    _, body = _open(opener, f"{base}{page}")
    return opener, body


def _race(calls):
    barrier = threading.Barrier(len(calls))
    answers = []

    def run(call):
        barrier.wait()
        answers.append(call())

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return answers


def _day(live_app):
    with live_app.app_context():
        hood = factories.build_neighbourhood()
        round_, proposals = factories.make_ballot_round(hood)
        sam = factories.make_user("sam.hughes@macc.example.org", "Sam",
                                  (Role.EVENT_STAFF, {"partnership_id": hood.partnership.id}))
        ola = factories.make_user("ola.bankole@macc.example.org", "Ola",
                                  (Role.EVENT_STAFF, {"partnership_id": hood.partnership.id}))
        event = factories.make_event(round_, hood.users["officer"],
                                     staff=[hood.users["event_staff"], sam, ola])
        data = {"round": round_.id, "event": event.id, "proposal": proposals[0].id,
                "officers": [hood.users["officer"].email, hood.users["officer2"].email],
                "grace": hood.users["event_staff"], "staff": [sam.email, ola.email],
                "event_obj": event}
        return data


def test_two_officers_close_voting_at_the_same_moment(live_app, live_server):
    day = _day(live_app)
    with live_app.app_context():
        db.session.remove()
    page = f"/admin/rounds/{day['round']}/phases/close-voting"
    sessions = [_signed_in(live_server, email, page) for email in day["officers"]]
    calls = []
    for opener, body in sessions:
        fields = dict(re.findall(r'name="(csrf_token|submission|seen)" (?:type="hidden" )?'
                                 r'value="([^"]+)"', body))
        calls.append(lambda o=opener, f=fields: _open(o, f"{live_server}{page}", f))
    answers = _race(calls)
    assert sorted(status for status, _ in answers) == [303, 409], [s for s, _ in answers]
    refused = next(body for status, body in answers if status == 409)
    assert "Nothing was changed" in refused
    with live_app.app_context():
        assert db.session.get(Round, day["round"]).status == "closed"
        assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "round.phase_changed")) == 1


def test_two_staff_key_the_second_entry_of_a_paper_at_once(live_app, live_server):
    day = _day(live_app)
    with live_app.app_context():
        event = db.session.merge(day["event_obj"])
        grace = db.session.merge(day["grace"])
        _, code = factories.check_in_person(event, grace)
        paper.enter(grace, event, code, Reading({day["proposal"]: 1}))
        number = next(ep.number for ep in event.projects if ep.proposal_id == day["proposal"])
        db.session.remove()
    page = f"/events/{day['event']}/paper/enter"
    sessions = [_signed_in(live_server, email, page) for email in day["staff"]]
    calls = [lambda o=o, b=b: _open(o, f"{live_server}{page}", {
        "csrf_token": TOKEN.search(b).group(1), "code": code, "ticked": str(number)})
        for o, b in sessions]
    answers = _race(calls)
    statuses = sorted(status for status, _ in answers)
    assert 500 not in statuses and statuses[0] == 303, statuses
    with live_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Ballot)) == 1
        assert db.session.scalar(select(func.count()).select_from(PaperEntry)) == 2


def test_two_desks_hand_out_the_same_card_at_once(live_app, live_server):
    day = _day(live_app)
    with live_app.app_context():
        officer = db.session.scalar(select(factories.User).where(
            factories.User.email == day["officers"][0]))
        card = factories.make_codes(db.session.get(Round, day["round"]), officer)[0]
        db.session.remove()
    page = f"/events/{day['event']}/desk"
    sessions = [_signed_in(live_server, email, page) for email in day["staff"]]
    calls = []
    for n, (opener, body) in enumerate(sessions):
        fields = {"csrf_token": TOKEN.search(body).group(1),
                  "submission": re.search(r'name="submission" type="hidden" value="([^"]+)"',
                                          body).group(1),
                  "first_name": f"Person{n}", "postcode": "SK10 2LH", "age_band": "35-44",
                  "hand": "card", "card_code": card}
        calls.append(lambda o=opener, f=fields: _open(o, f"{live_server}{page}", f))
    answers = _race(calls)
    statuses = sorted(status for status, _ in answers)
    assert statuses == [200, 400] or statuses == [200, 409], statuses
    refused = next(body for status, body in answers if status != 200)
    assert "handed to someone" in refused
    with live_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CheckIn)) == 1
