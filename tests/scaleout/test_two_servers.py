"""Issue 15, item 4: two app servers over one PostgreSQL and one Redis behave as one.

Two gunicorn instances (A and B, different ports) serve pb from the same database and
Redis, with the same secret key, as docs/deploy.md describes (see ``conftest.py``). The
tests show that:

* a session signed in on A is valid on B, and a sign-out on A ends it on B too;
* the limits count across both: wrong passwords for one account, and wrong voting codes
  from one device, sent alternately to A and B are slowed down after the same number as
  on one server (the counts are rows in the database, the device is a cookie), and
  sign-in attempts from one connection are refused after the same total
  (Flask-Limiter's counters are in Redis);
* ballots cast through A are counted by a tally an officer starts on B;
* a job queued through A waits for the RQ worker (no app server runs it), and the
  worker runs it; its progress page on B shows it done.
"""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest

from pb.limits import LIMITS
from tests.factories import PASSWORD
from tests.scaleout.conftest import Client

pytestmark = pytest.mark.slow


def _signed_in(client: Client) -> bool:
    response = client.get("/account/")
    if response.status == 200:
        return True
    assert response.status == 302 and "/account/login" in response.getheader("Location", "")
    return False


def test_a_session_from_one_server_is_valid_and_revoked_on_the_other(cluster):
    on_a = Client(cluster.a, address="10.1.0.1")
    assert on_a.sign_in(cluster.facts["resident"], PASSWORD).status == 302
    on_b = on_a.on(cluster.b)
    assert _signed_in(on_b)
    # A form from B, posted to A: the CSRF token is in the signed session, valid on both.
    fields = on_b.form("/account/", "/account/logout")
    copied = dict(on_a.cookies)  # what a thief, or a second tab, would still hold
    assert on_a.post("/account/logout", fields).status == 302
    assert not _signed_in(on_a)
    # The old cookie is still correctly signed, but the sign-out on A is in the database.
    assert not _signed_in(Client(cluster.b, cookies=copied, address="10.1.0.1"))


def _login_status(port: int, address: str, email: str, password: str) -> int:
    return Client(port, address=address).sign_in(email, password).status


def test_wrong_passwords_sent_to_both_servers_are_slowed_after_the_same_number(cluster):
    from pb.config import Config

    email, free = cluster.facts["voters"][0], Config.LOGIN_FREE_FAILURES_PER_ACCOUNT
    statuses = [_login_status(cluster.ports[n % 2], f"10.2.0.{n + 1}", email, "wrong password")
                for n in range(free + 1)]
    # The free failures are refused as wrong; the next one, whichever server it reaches,
    # is told to wait (429), as on one server: the failures are counted in the database.
    # (The wait is THROTTLE_FIRST_DELAY, 2 s, from the last failure: one request's time.)
    assert statuses == [400] * free + [429], statuses


def _set_voting(cluster, open_: bool) -> None:
    """The round's voting period is open, or has ended (as the clock would end it)."""
    from pb.extensions import db
    from pb.models import Round
    from pb.models.base import utcnow

    app = cluster.app()
    with app.app_context():
        round_ = db.session.get(Round, cluster.facts["round_id"])
        round_.voting_close_at = utcnow() + (timedelta(days=7) if open_
                                             else -timedelta(minutes=1))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def test_wrong_voting_codes_from_one_device_on_both_servers_are_slowed_alike(cluster):
    from pb.config import Config
    from pb.voting.codes import new_voting_code

    _set_voting(cluster, open_=True)
    free, round_id = Config.CODE_FREE_FAILURES_PER_DEVICE, cluster.facts["round_id"]
    path = f"/rounds/{round_id}/vote/code"
    kiosk = Client(cluster.a, address="10.6.0.1")  # one device: its pb_device cookie
    fields = kiosk.form(f"/rounds/{round_id}/vote", "/vote/code")
    statuses = []
    for n in range(free + 1):
        # Well-formed codes that exist nowhere, each with a prefix of its own, so that
        # only the device's failures add up (and the address has 100 free).
        code = new_voting_code(bytes([n + 1]) * 16)
        response = kiosk.on(cluster.ports[n % 2]).post(path, {
            **fields, "code": code, "postcode": "SK10 2LH", "date_of_birth-day": "1",
            "date_of_birth-month": "2", "date_of_birth-year": "1960"})
        statuses.append(response.status)
    assert "pb_device" in kiosk.cookies
    assert 429 not in statuses[:free] and 303 not in statuses[:free], statuses
    assert statuses[free] == 429, statuses


def test_sign_in_attempts_from_one_connection_are_limited_across_both_servers(cluster):
    (rule,) = [r for r in LIMITS if r.endpoint == "auth.login" and r.per == "address"]
    allowed = int(rule.limit.split()[0])
    address = "10.3.0.1"
    browser = Client(cluster.a, address=address)
    fields = browser.form("/account/login", "/account/login")
    statuses = []
    for n in range(allowed + 2):
        client = browser.on(cluster.ports[n % 2])
        # Each attempt names a different (unknown) account, so only the address counts.
        response = client.post("/account/login", {**fields, "email": f"nobody{n}@example.org",
                                                  "password": "wrong password"})
        statuses.append(response.status)
    # Half went to each server; with counters per server each would allow ``allowed``.
    assert statuses[:allowed].count(429) == 0, statuses
    assert statuses[allowed:] == [429, 429], statuses
    refused = browser.on(cluster.b).post(
        "/account/login", {**fields, "email": "nobody@example.org", "password": "x"})
    assert refused.status == 429 and refused.getheader("Retry-After")
    assert "sign-in attempts from this connection" in refused.text


def _vote(port: int, email: str, round_id: int, projects: list[int]) -> None:
    voter = Client(port, address="10.4.0.1")
    assert voter.sign_in(email, PASSWORD).status == 302
    path = f"/rounds/{round_id}/vote"
    fields = voter.form(path, path)
    response = voter.post(path, {**fields, "project": projects})
    assert response.status == 303, response.text[:500]
    assert response.getheader("Location").endswith("/vote/done")


def _close_voting(cluster) -> None:
    _set_voting(cluster, open_=False)


def test_ballots_cast_through_a_are_counted_by_a_tally_started_on_b(cluster):
    from sqlalchemy import select

    from pb.extensions import db
    from pb.models import Ballot, RoundResult

    round_id, projects = cluster.facts["round_id"], cluster.facts["projects"]
    chosen = [[projects[0], projects[1]], [projects[0]]]
    for email, picks in zip(cluster.facts["voters"][1:], chosen, strict=True):
        _vote(cluster.a, email, round_id, picks)
    _close_voting(cluster)

    officer = Client(cluster.b, address="10.4.1.1")
    assert officer.sign_in(cluster.facts["officer"], PASSWORD).status == 302
    results = f"/rounds/{round_id}/results"
    fields = officer.form(results, "/results/tally")
    response = officer.post(f"{results}/tally", fields)
    assert response.status == 303, response.text[:500]
    assert "Counted 2 ballots" in officer.get(results).text

    app = cluster.app()
    with app.app_context():
        result = db.session.scalar(select(RoundResult).where(RoundResult.round_id == round_id))
        counted = db.session.scalar(select(db.func.count()).select_from(Ballot).where(
            Ballot.round_id == round_id, Ballot.status == "counted"))
        assert result is not None and result.ballots_counted == counted == 2
        db.session.remove()
        db.engine.dispose()


def _job_status(cluster, job_id: str) -> str:
    from pb.extensions import db
    from pb.models.job import Job

    app = cluster.app()
    with app.app_context():
        status = db.session.get(Job, job_id).status
        db.session.remove()
        db.engine.dispose()
    return status


def test_a_job_queued_through_a_is_run_by_the_worker(cluster):
    _close_voting(cluster)
    officer = Client(cluster.a, address="10.5.0.1")
    assert officer.sign_in(cluster.facts["officer"], PASSWORD).status == 302
    fields = officer.form("/explorer", "/explorer")
    response = officer.post("/explorer", {
        **fields, "round_id": cluster.facts["round_id"], "rules": ["greedy-approval"],
        "tie_breaks": ["id"], "settings": ["min1"]})
    assert response.status == 303, response.text[:500]
    job_id = re.search(r"/jobs/([^/?#]+)$", response.getheader("Location")).group(1)

    # With PB_REDIS_URL the app servers run no jobs themselves: it waits on the queue.
    time.sleep(1.5)
    assert _job_status(cluster, job_id) == "queued"
    worker = cluster.start_worker()
    on_b = officer.on(cluster.b)
    deadline = time.monotonic() + 90
    while _job_status(cluster, job_id) != "done":
        assert worker.alive(), worker.output()[-2000:]
        assert time.monotonic() < deadline, worker.output()[-2000:]
        time.sleep(0.3)
    page = on_b.get(f"/jobs/{job_id}")
    assert page.status == 200 and f"/explorer/{job_id}" in page.text
    assert on_b.get(f"/explorer/{job_id}").status == 200
    assert "Traceback" not in worker.output()
