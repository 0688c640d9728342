"""Parallel supports from one person, against a real threaded server: one support, no 500s.

Uses the shared ``live_app`` fixture (a Werkzeug server in a thread, CSRF on).
"""

from __future__ import annotations

import http.cookiejar
import re
import threading
import urllib.error
import urllib.parse
import urllib.request

from sqlalchemy import func, select

from pb.extensions import db
from pb.models import Round, User
from pb.models.proposal import ProposalSupport
from tests import factories
from tests.factories import proposal_form, proposal_with_lines

THREADS = 12
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _browser():
    jar = http.cookiejar.CookieJar()
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)


def _open(opener, url, data=None):
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    try:
        with opener.open(url, data=body, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_parallel_supports_from_one_person_count_once(live_app, live_server):  # noqa: F811
    with live_app.app_context():
        neighbourhood = factories.build_neighbourhood()
        proposal = proposal_with_lines(db.session.get(Round, neighbourhood.rounds["proposals"].id),
                                       "Tytherington Walking Netball", [("Coach", 900_00)],
                                       proposer=neighbourhood.users["resident"])
        proposal_id = proposal.id
        email = neighbourhood.users["resident2"].email
        db.session.remove()

    openers, tokens = [], []
    for _ in range(THREADS):
        opener = _browser()
        _, page = _open(opener, f"{live_server}/account/login")
        status, _ = _open(opener, f"{live_server}/account/login", {
            "csrf_token": TOKEN.search(page).group(1), "email": email,
            "password": factories.PASSWORD})
        assert status == 302
        _, page = _open(opener, f"{live_server}/proposals/{proposal_id}")
        openers.append(opener)
        tokens.append(TOKEN.search(page).group(1))

    barrier = threading.Barrier(THREADS)
    statuses: list[int] = []

    def support(opener, token):
        barrier.wait()
        status, _ = _open(opener, f"{live_server}/proposals/{proposal_id}/support",
                          {"csrf_token": token})
        statuses.append(status)

    threads = [threading.Thread(target=support, args=pair) for pair in zip(openers, tokens)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses) == [303] * THREADS
    with live_app.app_context():
        user = User.by_email(email)
        count = db.session.scalar(select(func.count()).select_from(ProposalSupport).where(
            ProposalSupport.proposal_id == proposal_id, ProposalSupport.user_id == user.id))
        assert count == 1
        db.session.remove()


def test_a_double_clicked_submit_makes_one_proposal(live_app, live_server):  # noqa: F811
    from pb.models.proposal import Proposal

    with live_app.app_context():
        neighbourhood = factories.build_neighbourhood()
        round_id = neighbourhood.rounds["proposals"].id
        email = neighbourhood.users["resident"].email
        data = proposal_form(neighbourhood)
        db.session.remove()

    opener = _browser()
    _, page = _open(opener, f"{live_server}/account/login")
    _open(opener, f"{live_server}/account/login", {
        "csrf_token": TOKEN.search(page).group(1), "email": email,
        "password": factories.PASSWORD})
    _, page = _open(opener, f"{live_server}/rounds/{round_id}/proposals/new")
    body = {**data, "csrf_token": TOKEN.search(page).group(1),
            "idempotency_key": re.search(r'name="idempotency_key" type="hidden" value="(\w+)"',
                                         page).group(1)}
    body = [(k, v) for k, values in body.items()
            for v in (values if isinstance(values, list) else [values])]

    barrier = threading.Barrier(6)
    results: list[tuple[int, str]] = []

    def click():
        barrier.wait()
        encoded = urllib.parse.urlencode(body).encode()
        try:
            with opener.open(f"{live_server}/rounds/{round_id}/proposals/new", data=encoded,
                             timeout=30) as response:
                results.append((response.status, ""))
        except urllib.error.HTTPError as error:
            results.append((error.code, error.headers.get("Location", "")))

    threads = [threading.Thread(target=click) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert [status for status, _ in results] == [303] * 6
    assert len({location for _, location in results}) == 1
    with live_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Proposal)) == 1
        db.session.remove()
