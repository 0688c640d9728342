"""50 simultaneous submissions for the same voter against a real threaded server."""

from __future__ import annotations

import http.client
import threading
from collections import Counter
from urllib.parse import urlencode, urlsplit

import pytest
from sqlalchemy import func, select

from pb.extensions import db
from pb.models.voting import Ballot, Voter
from tests.factories import PASSWORD, build_neighbourhood, make_ballot_round

THREADS = 50


def _post(url: str, data: dict, cookie: str | None = None) -> http.client.HTTPResponse:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if cookie:
        headers["Cookie"] = cookie
    conn.request("POST", parts.path, body=urlencode(data, doseq=True), headers=headers)
    response = conn.getresponse()
    response.read()
    conn.close()
    return response


def _storm(url: str, cookie: str, data: dict) -> Counter:
    barrier = threading.Barrier(THREADS)
    statuses: list[int] = []
    lock = threading.Lock()

    def submit():
        barrier.wait()
        try:
            status = _post(url, data, cookie).status
        except OSError as exc:  # pragma: no cover - reported by the assertion
            status = f"error: {exc}"
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=submit) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return Counter(statuses)


def _setup(app):
    with app.app_context():
        hood = build_neighbourhood()
        round_, projects = make_ballot_round(hood)
        ids = (round_.id, [p.id for p in projects], hood.users["resident"].email)
        db.session.remove()
    return ids


def _sign_in(base: str, email: str):
    response = _post(f"{base}/account/login", {"email": email, "password": PASSWORD})
    assert response.status == 302
    cookie = response.getheader("Set-Cookie")
    return cookie.split(";", 1)[0]


def _ballots(app, round_id):
    with app.app_context():
        rows = db.session.execute(select(Ballot.status, func.count()).where(
            Ballot.round_id == round_id).group_by(Ballot.status)).all()
        voters = db.session.scalar(select(func.count()).select_from(Voter))
        db.session.remove()
    return dict(rows), voters


@pytest.mark.slow
def test_fifty_simultaneous_first_ballots_leave_one(threaded_server):
    app, base = threaded_server
    round_id, project_ids, email = _setup(app)
    cookie = _sign_in(base, email)
    statuses = _storm(f"{base}/rounds/{round_id}/vote", cookie,
                      {"project": [project_ids[0], project_ids[1]]})
    assert statuses[303] == 1, statuses
    assert statuses[409] == THREADS - 1, statuses  # "you have already voted", never a 500
    assert _ballots(app, round_id) == ({"counted": 1}, 1)


@pytest.mark.slow
def test_fifty_simultaneous_changes_leave_one_counted(threaded_server):
    app, base = threaded_server
    round_id, project_ids, email = _setup(app)
    cookie = _sign_in(base, email)
    first = _post(f"{base}/rounds/{round_id}/vote", {"project": [project_ids[0]]}, cookie)
    assert first.status == 303
    with app.app_context():
        first_id = db.session.scalar(select(Ballot.id))
        db.session.remove()
    statuses = _storm(f"{base}/rounds/{round_id}/vote", cookie,
                      {"project": [project_ids[2]], "replaces": str(first_id)})
    assert statuses[303] == 1, statuses
    assert statuses[409] == THREADS - 1, statuses
    assert _ballots(app, round_id) == ({"counted": 1, "superseded": 1}, 1)
