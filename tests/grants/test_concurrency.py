"""A second officer action racing the first, against a real threaded server: officers
releasing the same payment, and reviewing the same return, at the same moment. Exactly
one wins; the others get a clear 409; no 500s; one payment, one review."""

from __future__ import annotations

import http.cookiejar
import re
import threading
import urllib.error
import urllib.parse
import urllib.request

from sqlalchemy import func, select

from pb.extensions import db
from pb.grants.common import today
from pb.models import AuditEntry, Grant, MonitoringReturn, SectionReview, Tranche
from pb.models.monitoring import SECTIONS
from tests import factories
from tests.grants.helpers import submit_return

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _open(opener, url, data=None):
    body = urllib.parse.urlencode(data).encode() if data is not None else None
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
    return opener, TOKEN.search(body).group(1)


def _race(calls) -> list[tuple[int, str]]:
    barrier = threading.Barrier(len(calls))
    answers: list[tuple[int, str]] = []

    def run(call):
        barrier.wait()
        answers.append(call())

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return answers


def _setup(live_app):
    with live_app.app_context():
        hood = factories.build_neighbourhood()
        factories.add_grant_people(hood)
        grant = factories.active_grant(hood)
        ret = grant.returns[0]
        submit_return(grant, ret, hood.users["grantee"])
        ids = (grant.id, grant.tranches[0].id, ret.id, grant.version, ret.version)
        emails = [hood.users["grant_officer2"].email, hood.users["admin"].email]
        db.session.remove()
    return ids, emails


def test_two_officers_release_the_same_payment_at_once(live_app, live_server):
    (grant_id, tranche_id, _ret, version, _rv), emails = _setup(live_app)
    sessions = [_signed_in(live_server, email, f"/grants/{grant_id}") for email in emails]
    url = f"{live_server}/grants/{grant_id}/tranches/{tranche_id}/release"
    calls = [lambda o=o, t=t: _open(o, url, {"csrf_token": t, "paid_on": today().isoformat(),
                                             "reference": "CEC-RACE-1", "version": version})
             for o, t in sessions]
    answers = _race(calls)
    statuses = sorted(status for status, _ in answers)
    assert statuses == [303, 409], statuses
    refused = next(body for status, body in answers if status == 409)
    assert "already been released" in refused or "Someone else changed this grant" in refused
    with live_app.app_context():
        tranche = db.session.get(Tranche, tranche_id)
        assert tranche.status == "released" and tranche.paid_pence == 2_400_00
        assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "grant.tranche_released")) == 1
        assert db.session.get(Grant, grant_id).version == version + 1


def test_two_officers_review_the_same_return_at_once(live_app, live_server):
    (grant_id, _t, return_id, _v, ret_version), emails = _setup(live_app)
    page = f"/grants/{grant_id}/returns/{return_id}"
    sessions = [_signed_in(live_server, email, page) for email in emails]
    url = f"{live_server}{page}/review"
    accept = {f"decision-{s}": "accepted" for s in SECTIONS}
    send_back = {**accept, "decision-spend": "changes",
                 "comment-spend": "Please upload the receipt for the hall hire."}
    calls = [lambda o=o, t=t, d=d: _open(o, url, {"csrf_token": t, "version": ret_version, **d})
             for (o, t), d in zip(sessions, (accept, send_back))]
    answers = _race(calls)
    assert sorted(status for status, _ in answers) == [303, 409]
    with live_app.app_context():
        ret = db.session.get(MonitoringReturn, return_id)
        assert ret.status in ("accepted", "sent_back")
        assert db.session.scalar(select(func.count()).select_from(SectionReview).where(
            SectionReview.return_id == return_id)) == len(SECTIONS)
