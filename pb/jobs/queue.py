"""The RQ side of background jobs: the queue on Redis, and the worker that empties it."""

from __future__ import annotations

from flask import Flask, current_app
from redis import Redis
from rq import Queue, SimpleWorker

from pb.jobs.runner import run_job


def connection(app: Flask | None = None) -> Redis:
    app = app or current_app
    return Redis.from_url(app.config["REDIS_URL"])


def _queue(app: Flask) -> Queue:
    return Queue(app.config["JOBS_QUEUE"], connection=connection(app))


def enqueue(app: Flask, job_id: str) -> None:
    # The RQ job carries only our job's id; everything else is read from the database.
    _queue(app).enqueue_call(
        "pb.jobs.queue.run_queued_job", args=(job_id,), job_id=f"pb-{job_id}",
        timeout=app.config["JOB_TIMEOUT_SECONDS"] + 60, result_ttl=0,
        failure_ttl=24 * 3600)


def enqueue_call(app: Flask, function: str) -> None:
    """Queue a call of ``function`` (a dotted path, no arguments) for the worker."""
    _queue(app).enqueue_call(function, timeout=app.config["JOB_TIMEOUT_SECONDS"] + 60,
                             result_ttl=0, failure_ttl=24 * 3600)


def run_queued_job(job_id: str) -> None:
    """What the RQ worker calls, inside the app context ``work`` set up."""
    run_job(job_id)


def work(app: Flask, burst: bool = False) -> bool:
    """Run an RQ worker in this process (no fork: each job runs in the app context)."""
    worker = SimpleWorker([_queue(app)], connection=connection(app))
    return worker.work(burst=burst)
