"""Receipt emails go through the outbox: written with the ballot, sent after, never lost,
never twice (pb/jobs/outbox.py)."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from pb.extensions import db
from pb.jobs import outbox as mail_outbox
from pb.models.base import utcnow
from pb.models.outbox import OutboxEmail
from pb.models.voting import Ballot
from pb.voting import services
from tests.factories import cast_for, make_ballot_round, make_voter


def _rows() -> list[OutboxEmail]:
    db.session.rollback()  # a fresh read: the senders write on connections of their own
    return db.session.scalars(select(OutboxEmail).order_by(OutboxEmail.id)).all()


def _ballots(round_id: int) -> int:
    return db.session.scalar(select(func.count(Ballot.id)).where(Ballot.round_id == round_id))


def _no_wake(monkeypatch):
    """The rows wait in the outbox after the commit, as with a worker that is not running."""
    monkeypatch.setattr(mail_outbox, "wake", lambda app: None)


def test_the_receipt_is_written_with_the_ballot_and_sent_once_drained(
        app, neighbourhood, outbox, monkeypatch):
    _no_wake(monkeypatch)
    round_, projects = make_ballot_round(neighbourhood, ballot_max_choices=3)
    resident = neighbourhood.users["resident"]
    cast = cast_for(round_, resident, {projects[0].id: 1})
    rows = _rows()
    assert [r.recipient for r in rows] == [resident.email]
    assert rows[0].attempts == 0 and rows[0].last_error is None
    assert outbox == []  # not sent in the request

    done = mail_outbox.send_due()
    assert (done.sent, done.failed) == (1, 0)
    assert len(outbox) == 1 and outbox[0]["To"] == resident.email
    assert services.display_receipt(cast.receipt) in outbox[0].get_content()
    # Sent: the row (and the receipt code in it) is gone.
    assert _rows() == []
    assert mail_outbox.send_due().sent == 0 and len(outbox) == 1


def test_a_failure_after_the_insert_rolls_back_the_ballot_and_its_email(
        app, neighbourhood, outbox, monkeypatch):
    _no_wake(monkeypatch)
    round_, projects = make_ballot_round(neighbourhood, ballot_max_choices=3)
    round_id = round_.id
    resident = neighbourhood.users["resident"]
    identity = services.account_identity(round_, resident)
    paper = services.build_paper(round_, identity)

    def fails(ballot):
        db.session.flush()
        assert _pending_rows() == 1  # the outbox row is in this transaction...
        raise RuntimeError("the disk is full")

    def _pending_rows():
        return db.session.scalar(select(func.count(OutboxEmail.id)))

    with pytest.raises(RuntimeError):
        services.cast_ballot(round_, identity, paper, {projects[0].id: 1}, None,
                             record_with=fails)
    db.session.rollback()
    # ...and goes with the ballot.
    assert _ballots(round_id) == 0 and _rows() == []
    assert mail_outbox.send_due().sent == 0 and outbox == []


def test_a_failing_mail_server_keeps_the_row_and_it_is_retried(
        app, neighbourhood, outbox, monkeypatch):
    _no_wake(monkeypatch)
    round_, projects = make_ballot_round(neighbourhood, ballot_max_choices=3)
    resident = neighbourhood.users["resident"]
    cast_for(round_, resident, {projects[0].id: 1})
    # Nothing listens on port 9 of this machine: the connection is refused.
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=9)
    before = utcnow()
    done = mail_outbox.send_due()
    assert (done.sent, done.failed) == (0, 1)
    [row] = _rows()
    assert row.attempts == 1 and row.last_error
    assert row.next_attempt_at >= before + mail_outbox.FIRST_RETRY - timedelta(seconds=1)
    # Not due yet: a second send leaves it alone.
    assert mail_outbox.send_due().failed == 0 and _rows()[0].attempts == 1
    # A second failure once due waits twice as long.
    later = row.next_attempt_at + timedelta(seconds=1)
    assert mail_outbox.send_due(later).failed == 1
    [row] = _rows()
    assert row.attempts == 2
    assert row.next_attempt_at >= utcnow() + 2 * mail_outbox.FIRST_RETRY - timedelta(seconds=5)

    app.config["MAIL_BACKEND"] = "memory"  # the server is back
    assert mail_outbox.send_due(row.next_attempt_at).sent == 1
    assert _rows() == [] and len(outbox) == 1 and outbox[0]["To"] == resident.email


def test_the_cli_sends_what_is_waiting(app, runner, neighbourhood, outbox, monkeypatch):
    _no_wake(monkeypatch)
    round_, projects = make_ballot_round(neighbourhood, ballot_max_choices=3)
    cast_for(round_, neighbourhood.users["resident"], {projects[0].id: 1})
    result = runner.invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    assert "Sent 1, failed 0; 0 waiting" in result.output
    assert len(outbox) == 1 and _rows() == []


def test_two_senders_at_once_never_send_one_email_twice(app, neighbourhood, monkeypatch):
    _no_wake(monkeypatch)
    round_, projects = make_ballot_round(neighbourhood, ballot_max_choices=3)
    voters = [make_voter(n) for n in range(1, 13)]
    for voter in voters:
        cast_for(round_, voter, {projects[0].id: 1})
    db.session.remove()
    sent, lock = [], threading.Lock()

    def slow_backend(message):  # a slow mail server, so that the senders overlap
        time.sleep(0.02)
        with lock:
            sent.append(message["To"])

    monkeypatch.setitem(mail_outbox_backends(), "memory", slow_backend)
    start = threading.Barrier(2)
    results, errors = [], []

    def sender():
        with app.app_context():
            try:
                start.wait()
                results.append(mail_outbox.send_due())
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors, errors
    assert sorted(sent) == sorted(v.email for v in voters)  # each once, none lost
    assert sum(r.sent for r in results) == len(voters)
    assert _rows() == []


def mail_outbox_backends():
    from pb.mail import BACKENDS

    return BACKENDS


def test_without_redis_a_thread_of_the_app_server_sends_after_the_commit(
        app, neighbourhood, outbox):
    app.config["MAIL_OUTBOX_SEND"] = "worker"
    app.config["REDIS_URL"] = None
    round_, projects = make_ballot_round(neighbourhood, ballot_max_choices=3)
    resident = neighbourhood.users["resident"]
    cast_for(round_, resident, {projects[0].id: 1})
    mail_outbox.wait_for_sender(app)
    assert len(outbox) == 1 and outbox[0]["To"] == resident.email
    assert _rows() == []


def test_with_redis_the_worker_sends_after_the_commit(app, neighbourhood, outbox):
    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    app.config.update(MAIL_OUTBOX_SEND="worker", REDIS_URL=url,
                      JOBS_QUEUE=f"pb-test-outbox-{time.monotonic_ns()}")
    from pb.jobs.queue import connection, work

    connection(app).delete(mail_outbox.queued_key(app))  # a clean start
    round_, projects = make_ballot_round(neighbourhood, ballot_max_choices=3)
    voters = [neighbourhood.users["resident"], make_voter(1)]
    for voter in voters:
        cast_for(round_, voter, {projects[0].id: 1})
    assert outbox == [] and len(_rows()) == 2  # waiting for the worker
    work(app, burst=True)
    assert sorted(m["To"] for m in outbox) == sorted(v.email for v in voters)
    assert _rows() == []
