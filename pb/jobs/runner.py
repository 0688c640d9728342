"""Running jobs: the two workers (an RQ worker on Redis, or a thread pool in the app
server) and what they share: mark the job running, call the task, store its result.

Progress is written on a connection of its own, so a task's long read never holds it
back; on SQLite a progress update that would have to wait for the write lock is skipped
(the next one catches up) rather than stalling the task.
"""

from __future__ import annotations

import json
import logging
import time
import traceback
from concurrent.futures import ThreadPoolExecutor

from flask import Flask, current_app
from sqlalchemy import update
from sqlalchemy.exc import OperationalError

from pb.database import writes
from pb.errors import DomainError
from pb.extensions import db
from pb.models.base import utcnow
from pb.models.job import JOB_DONE, JOB_FAILED, JOB_RUNNING, Job

log = logging.getLogger(__name__)

# A failure message people can act on; the traceback goes to the log, not the page.
FAILED = "The job stopped with an error. Try again; if it fails again, tell the administrator."


class JobCancelled(Exception):
    """Raised by ``JobContext.progress`` when the job has run past its time limit."""


class JobContext:
    """Handed to a task: report progress, and learn whether time is up."""

    def __init__(self, job_id: str, params: dict, time_limit: float | None = None,
                 report=None):
        self.job_id = job_id
        self.params = params
        self._deadline = time.monotonic() + time_limit if time_limit else None
        self._last = 0.0
        self._report = report

    def progress(self, done: int, total: int | None = None, message: str = "") -> None:
        if self._deadline is not None and time.monotonic() > self._deadline:
            raise JobCancelled("The job ran past its time limit.")
        if self._report is not None:
            self._report(done, total, message)
            return
        now = time.monotonic()
        if now - self._last < 0.5 and (total is None or done < total):
            return  # at most two writes a second
        self._last = now
        _write_progress(self.job_id, done, total, message)


def _write_progress(job_id: str, done: int, total: int | None, message: str) -> None:
    values = {"progress_done": done, "heartbeat_at": utcnow(), "message": message[:300]}
    if total is not None:
        values["progress_total"] = total
    try:
        with db.engine.begin() as conn:
            conn.execute(update(Job).where(Job.id == job_id).values(**values))
    except OperationalError:  # SQLite's write lock is busy: skip this update
        log.debug("progress update for job %s skipped: database busy", job_id)


def run_job(job_id: str) -> None:
    """Run one job to completion in the current app context (both workers call this)."""
    from pb.jobs import TASKS, load_task_modules

    load_task_modules()
    job = db.session.get(Job, job_id)
    if job is None or job.finished:
        db.session.remove()
        return
    task = TASKS.get(job.kind)
    params = job.params
    _mark(job_id, status=JOB_RUNNING, started_at=utcnow(), heartbeat_at=utcnow())
    db.session.rollback()  # end the read: the task opens its own transactions
    limit = current_app.config["JOB_TIMEOUT_SECONDS"]
    try:
        if task is None:
            raise LookupError(f"no task called {job.kind!r}")
        result = task.run(JobContext(job_id, params, time_limit=limit), **params)
    except Exception as exc:  # noqa: BLE001 - any failure is recorded on the job
        db.session.rollback()
        log.error("job %s (%s) failed:\n%s", job_id, job.kind, traceback.format_exc())
        if isinstance(exc, DomainError):  # a refusal meant for people: show it as it is
            message = exc.message
        else:
            message = str(exc) if isinstance(exc, JobCancelled) else FAILED
        _mark(job_id, status=JOB_FAILED, finished_at=utcnow(), error=message)
    else:
        db.session.rollback()
        _mark(job_id, status=JOB_DONE, finished_at=utcnow(),
              result_json=json.dumps(result, sort_keys=True) if result is not None else None,
              message="Finished.")
    finally:
        db.session.remove()


@writes
def _mark(job_id: str, **values) -> None:
    with db.engine.begin() as conn:
        conn.execute(update(Job).where(Job.id == job_id).values(**values))


# Dispatch --------------------------------------------------------------------------------

def dispatch(app: Flask, job_id: str) -> None:
    """Hand a committed job to a worker: RQ when Redis is configured, else a thread."""
    if app.config.get("REDIS_URL"):
        from pb.jobs import queue

        queue.enqueue(app, job_id)
        return
    _executor(app).submit(_run_in_thread, app, job_id)


def _executor(app: Flask) -> ThreadPoolExecutor:
    executor = app.extensions.get("pb_job_threads")
    if executor is None:
        executor = ThreadPoolExecutor(max_workers=app.config["JOB_THREADS"],
                                      thread_name_prefix="pb-job")
        app.extensions["pb_job_threads"] = executor
    return executor


def _run_in_thread(app: Flask, job_id: str) -> None:
    with app.app_context():
        try:
            run_job(job_id)
        except Exception:  # noqa: BLE001 - a thread must not die silently
            log.exception("job %s could not be run", job_id)
