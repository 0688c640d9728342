"""Background jobs: long work off the web worker, with progress anyone allowed can follow.

A *task* is a plain function registered by name::

    @task("explore-rules", title="Comparing allocation rules")
    def explore(ctx: JobContext, *, round_id: int) -> dict:
        for i, rule in enumerate(rules):
            ctx.progress(i, len(rules), f"Counting with {rule}")
            ...
        return {"rows": [...]}          # JSON-able: stored as the job's result

A service starts one with ``enqueue(kind, params, actor=...)`` inside its own
transaction: the ``Job`` row is written with the rest of the use case, and the job is
handed to a worker only once that transaction commits (never for a rolled-back one).

Workers: with ``REDIS_URL`` (``PB_REDIS_URL``) set, jobs go to an RQ queue on Redis and
``flask --app pb worker`` runs them, so any app server can start a job and any worker can
run it. Without Redis, a small thread pool inside the app server runs them, which serves
one machine. Either way the job's state lives in the ``jobs`` table.

Areas list the modules that define their tasks in ``TASK_MODULES``, so that workers know
every task.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from pb.extensions import db
from pb.models.job import Job

# Modules that register tasks with @task (imported by init_app and by workers).
TASK_MODULES: tuple[str, ...] = ("pb.results.explorer",)


@dataclass(frozen=True)
class Task:
    kind: str
    title: str
    run: Callable
    # Endpoint of the page that shows a finished job's result (it takes ``job_id``).
    result_endpoint: str | None = None


TASKS: dict[str, Task] = {}


def task(kind: str, *, title: str, result_endpoint: str | None = None):
    """Register ``function(ctx, **params) -> dict | None`` as the task ``kind``."""

    def register(function):
        TASKS[kind] = Task(kind, title, function, result_endpoint)
        return function

    return register


def enqueue(kind: str, params: dict | None = None, *, actor=None, title: str | None = None) -> Job:
    """Add a job to the current transaction; it is dispatched when that transaction commits."""
    if kind not in TASKS:
        raise KeyError(f"no task called {kind!r}")
    job = Job(kind=kind, title=title or TASKS[kind].title,
              params_json=json.dumps(params or {}, sort_keys=True),
              created_by_id=getattr(actor, "id", None))
    db.session.add(job)
    db.session.flush()
    pending = db.session().info.setdefault("pb_pending_jobs", [])
    pending.append((current_app._get_current_object(), job.id))
    return job


def _dispatch_after_commit(session: Session) -> None:
    from pb.jobs.runner import dispatch

    for app, job_id in session.info.pop("pb_pending_jobs", []):
        dispatch(app, job_id)


def _forget_after_rollback(session: Session) -> None:
    session.info.pop("pb_pending_jobs", None)


def load_task_modules() -> None:
    for module in TASK_MODULES:
        importlib.import_module(module)


def init_app(app: Flask) -> None:
    load_task_modules()
    if not event.contains(Session, "after_commit", _dispatch_after_commit):
        event.listen(Session, "after_commit", _dispatch_after_commit)
        event.listen(Session, "after_rollback", _forget_after_rollback)
    from pb.jobs import outbox
    from pb.jobs.views import bp

    outbox.init_app(app)

    app.register_blueprint(bp)
