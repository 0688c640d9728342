"""The mail outbox: emails written in a use case's transaction, sent after it by a worker.

``add(to, subject, body)`` puts a row in ``outbox_emails`` in the current transaction (one
INSERT for all of a request's emails). When that transaction commits, the sender is woken:

- with ``PB_REDIS_URL``, a "send the outbox" call goes to the jobs' RQ queue (at most one
  waiting at a time) and ``flask --app pb worker`` runs it;
- without Redis, a thread of the app server's own sends (one per process, apart from the
  jobs' threads so that a long rule-explorer run never holds receipts back);
- with ``MAIL_OUTBOX_SEND = "inline"`` (the test suite), the request sends its own rows
  right after its commit, before it answers, as pb did before the outbox.

``flask --app pb outbox send`` sends whatever is due (run it from cron every minute or
two): rows left by a crash between the commit and the wake-up, and failed rows whose wait
is over. No Job row is written per email: a Job is for work people follow on a progress
page, and the outbox row is already the durable record of what is to be sent.

A sender first *claims* the due rows in a short transaction (``FOR UPDATE SKIP LOCKED`` on
PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite) by moving their ``next_attempt_at`` a lease
ahead, then sends outside any transaction (a slow mail server holds no lock), then
deletes the batch's sent rows in one short transaction; so two senders never send one
email twice. A failure keeps the
row, counts the attempt, keeps the error and waits longer (backoff, capped); a sender that
dies mid-send leaves its rows to be taken again when the lease runs out (at least once).

Sending is logged, not audited per email: the audit entry of the change that wrote the
row (the ballot's "ballot.cast") already records the event, an entry per email would
double the writes on the audit chain's lock that every ballot waits for, and the email's
content (a receipt code) must not reach the audit log, which is kept for good.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Flask, current_app
from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from pb.database import writes
from pb.extensions import db
from pb.mail import send_mail
from pb.models.base import utcnow
from pb.models.outbox import OutboxEmail

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=10)  # a sender's hold on a claimed row (far above SMTP's timeout)
FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=6)
BATCH = 50
SETTLE = 1.0  # seconds the thread waits after a wake-up, for more rows to send at once
PENDING = "pb_pending_outbox"


def add(emails: list[tuple[str, str, str]]) -> None:
    """Write (to, subject, body) rows in the current transaction; sent once it commits."""
    if not emails:
        return
    now = utcnow()
    rows = [{"recipient": to, "subject": subject, "body": body, "created_at": now,
             "attempts": 0, "next_attempt_at": now} for to, subject, body in emails]
    db.session.execute(insert(OutboxEmail), rows)
    db.session().info[PENDING] = current_app._get_current_object()


@dataclass
class Sent:
    sent: int = 0
    failed: int = 0


def send_due(now: datetime | None = None, *, limit: int | None = None) -> Sent:
    """Send every row due at ``now`` (claimed batch by batch); return what happened."""
    done = Sent()
    while limit is None or done.sent + done.failed < limit:
        batch = claim(now or utcnow(), BATCH if limit is None
                      else min(BATCH, limit - done.sent - done.failed))
        if not batch:
            break
        sent, failed = [], []
        for row in batch:
            error = _send_one(row)
            if error is None:
                sent.append(row.id)
            else:
                failed.append((row, error))
        _finish(sent, failed)
        done.sent += len(sent)
        done.failed += len(failed)
    return done


@writes
def claim(now: datetime, size: int) -> list:
    """Take up to ``size`` due rows for this sender: their lease starts now."""
    with db.engine.begin() as conn:
        rows = conn.execute(
            select(OutboxEmail.id, OutboxEmail.recipient, OutboxEmail.subject,
                   OutboxEmail.body, OutboxEmail.attempts)
            .where(OutboxEmail.next_attempt_at <= now).order_by(OutboxEmail.id).limit(size)
            .with_for_update(skip_locked=True)).all()
        if rows:
            conn.execute(update(OutboxEmail).where(OutboxEmail.id.in_([r.id for r in rows]))
                         .values(next_attempt_at=now + LEASE))
    return rows


def _send_one(row) -> str | None:
    """Send one claimed row; the error if it failed."""
    try:
        send_mail(row.recipient, row.subject, row.body)
    except Exception as exc:  # noqa: BLE001 - any failure keeps the row for a retry
        log.warning("outbox email %s to %s not sent (attempt %s): %s", row.id, row.recipient,
                    row.attempts + 1, exc)
        return f"{type(exc).__name__}: {exc}"[:500]
    log.info("outbox email %s sent to %s: %s", row.id, row.recipient, row.subject)
    return None


@writes
def _finish(sent: list[int], failed: list) -> None:
    """One transaction per batch: the sent rows go, the failed ones wait longer. (A sender
    that dies before this leaves its batch to be sent again after the lease.)"""
    with db.engine.begin() as conn:
        if sent:
            conn.execute(delete(OutboxEmail).where(OutboxEmail.id.in_(sent)))
        for row, error in failed:
            wait = min(FIRST_RETRY * 2 ** row.attempts, LONGEST_WAIT)
            conn.execute(update(OutboxEmail).where(OutboxEmail.id == row.id).values(
                attempts=OutboxEmail.attempts + 1, last_error=error,
                next_attempt_at=utcnow() + wait))


# Waking the sender after a commit ---------------------------------------------------------

def _after_commit(session: Session) -> None:
    app = session.info.pop(PENDING, None)
    if app is None:
        return
    try:
        wake(app)
    except Exception:  # noqa: BLE001 - the rows are committed; cron's send picks them up
        log.exception("the outbox sender could not be woken; `flask --app pb outbox send` "
                      "will send what is waiting")


def _after_rollback(session: Session) -> None:
    session.info.pop(PENDING, None)


def wake(app: Flask) -> None:
    mode = app.config.get("MAIL_OUTBOX_SEND", "worker")
    if mode == "inline":
        send_due()
    elif app.config.get("REDIS_URL"):
        _wake_rq(app)
    else:
        _sender(app).wake()


def queued_key(app: Flask) -> str:
    return f"pb:{app.config['JOBS_QUEUE']}:outbox-queued"


def _wake_rq(app: Flask) -> None:
    from pb.jobs.queue import connection, enqueue_call

    # At most one send waiting on the queue: the key is dropped when a send starts, so a
    # row committed after that start wakes another.
    if connection(app).set(queued_key(app), "1", nx=True, ex=int(LEASE.total_seconds())):
        enqueue_call(app, "pb.jobs.outbox.run_queued_send")


def run_queued_send() -> None:
    """What the RQ worker calls (in the app context ``pb.jobs.queue.work`` set up)."""
    from pb.jobs.queue import connection

    app = current_app._get_current_object()
    connection(app).delete(queued_key(app))
    try:
        send_due()
    finally:
        db.session.remove()


class _Sender:
    """One thread per process that sends while there is anything new to send."""

    def __init__(self, app: Flask):
        self.app = app
        self.lock = threading.Lock()
        self.again = False
        self.running = False
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pb-mail")

    def wake(self) -> None:
        with self.lock:
            self.again = True
            if self.running:
                return
            self.running = True
        self.pool.submit(self._run)

    def _run(self) -> None:
        while True:
            # Let a busy moment's receipts gather, so that one claim and one delete (two
            # short write transactions) serve many ballots rather than each its own.
            time.sleep(SETTLE)
            with self.lock:
                if not self.again:
                    self.running = False
                    return
                self.again = False
            with self.app.app_context():
                try:
                    send_due()
                except Exception:  # noqa: BLE001 - a thread must not die silently
                    log.exception("the outbox sender failed; rows stay for the next send")
                finally:
                    db.session.remove()


_SENDERS_LOCK = threading.Lock()


def _sender(app: Flask) -> _Sender:
    with _SENDERS_LOCK:
        sender = app.extensions.get("pb_outbox_sender")
        if sender is None:
            sender = app.extensions["pb_outbox_sender"] = _Sender(app)
    return sender


def wait_for_sender(app: Flask, timeout: float = 10.0) -> None:
    """Tests: wait until this process's sender thread has nothing left to do."""
    sender = app.extensions.get("pb_outbox_sender")
    if sender is not None:
        sender.pool.submit(lambda: None).result(timeout)


def init_app(app: Flask) -> None:
    from sqlalchemy import event

    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_rollback", _after_rollback)
