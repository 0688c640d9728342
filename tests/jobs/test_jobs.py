"""Background jobs: dispatched only on commit, run by a thread or an RQ worker, with
progress and results any app server can read, failures shown in words people can use."""

from __future__ import annotations

import os
import time
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from pb import jobs
from pb.errors import DomainError
from pb.extensions import db
from pb.models import Job, RoundWardBudget, utcnow


@jobs.task("test-ward-budget-totals", title="Adding up ward budgets",
           result_endpoint="main.index")
def ward_budget_totals(ctx, *, round_id: int) -> dict:
    """A small real task: sum a round's ward budgets, reporting progress per ward."""
    rows = db.session.scalars(select(RoundWardBudget).where(
        RoundWardBudget.round_id == round_id).order_by(RoundWardBudget.id)).all()
    total = 0
    for i, row in enumerate(rows, start=1):
        total += row.budget_pence
        ctx.progress(i, len(rows), f"Ward {i} of {len(rows)}")
    return {"wards": len(rows), "total_pence": total}


@jobs.task("test-refused", title="A job that is refused")
def refused(ctx, *, reason: str) -> None:
    raise DomainError(reason)


@jobs.task("test-crashes", title="A job that crashes")
def crashes(ctx) -> None:
    raise RuntimeError("internal detail that must not reach the page")


@jobs.task("test-slow", title="A job that runs too long")
def slow(ctx) -> None:
    for i in range(1000):
        time.sleep(0.01)
        ctx.progress(i, 1000)


def wait_for(job_id: str, timeout: float = 20.0) -> Job:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.rollback()  # end the read: SQLite would keep showing its old snapshot
        job = db.session.get(Job, job_id)
        if job is not None and job.finished:
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not finish in {timeout} s")


@pytest.fixture
def voting_round(neighbourhood):
    round_ = neighbourhood.rounds["voting"]
    wards = list(neighbourhood.wards.values())
    for ward, pounds in zip(wards, (6_000, 4_500, 3_000), strict=False):
        db.session.add(RoundWardBudget(round_id=round_.id, ward_id=ward.id,
                                       budget_pence=pounds * 100))
    db.session.commit()
    return round_


def test_a_committed_job_runs_in_a_thread_and_stores_its_result(app, voting_round,
                                                                 neighbourhood):
    officer = neighbourhood.users["officer"]
    job = jobs.enqueue("test-ward-budget-totals", {"round_id": voting_round.id}, actor=officer)
    job_id = job.id
    db.session.commit()
    done = wait_for(job_id)
    assert done.status == "done", done.error
    assert done.result == {"wards": 3, "total_pence": 13_500_00}
    assert done.progress_done == done.progress_total == 3
    assert done.started_at and done.finished_at and done.finished_at >= done.started_at


def test_a_rolled_back_job_is_never_run(app, voting_round, neighbourhood):
    job = jobs.enqueue("test-ward-budget-totals", {"round_id": voting_round.id},
                       actor=neighbourhood.users["officer"])
    job_id = job.id
    db.session.rollback()
    time.sleep(0.3)
    assert db.session.get(Job, job_id) is None
    assert db.session.scalar(select(func.count()).select_from(Job)) == 0


def test_a_refusal_is_shown_in_its_own_words_and_a_crash_is_not(app, neighbourhood):
    officer = neighbourhood.users["officer"]
    refusal = jobs.enqueue("test-refused", {"reason": "Voting has not closed yet."},
                           actor=officer).id
    crash = jobs.enqueue("test-crashes", {}, actor=officer).id
    db.session.commit()
    assert wait_for(refusal).error == "Voting has not closed yet."
    crashed = wait_for(crash)
    assert crashed.status == "failed"
    assert "internal detail" not in crashed.error and "Try again" in crashed.error


def test_a_job_past_its_time_limit_stops(app, neighbourhood):
    app.config["JOB_TIMEOUT_SECONDS"] = 0.2
    job_id = jobs.enqueue("test-slow", {}, actor=neighbourhood.users["officer"]).id
    db.session.commit()
    job = wait_for(job_id)
    assert job.status == "failed" and "time limit" in job.error


def test_progress_page_for_its_owner_only(app, client, sign_in, voting_round, neighbourhood):
    officer = neighbourhood.users["officer"]
    job_id = jobs.enqueue("test-ward-budget-totals", {"round_id": voting_round.id},
                          actor=officer).id
    db.session.commit()
    wait_for(job_id)
    url = f"/jobs/{job_id}"
    assert client.get(url).status_code == 302  # signed out: to the log-in page
    sign_in(neighbourhood.users["resident"])
    assert client.get(url).status_code == 404
    sign_in(officer)
    page = client.get(url)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Adding up ward budgets" in text and "Finished." in text and "See the result" in text
    fragment = client.get(url, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment and 'id="job-progress"' in fragment
    assert 'hx-trigger="every 1s"' not in fragment  # finished: polling stops
    sign_in(neighbourhood.users["admin"])
    assert client.get(url).status_code == 200
    assert client.get("/jobs/" + "0" * 32).status_code == 404
    assert client.get("/jobs/not-a-job-id").status_code == 404


def test_a_running_job_polls_and_works_without_javascript(app, client, sign_in, neighbourhood):
    officer = neighbourhood.users["officer"]
    job = Job(kind="test-slow", title="A job that runs too long", status="running",
              progress_done=250, progress_total=1000, message="Counting",
              created_by_id=officer.id)
    db.session.add(job)
    db.session.commit()
    sign_in(officer)
    text = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert 'hx-trigger="every 1s"' in text and "25% done" in text
    assert '<meta http-equiv="refresh" content="3">' in text


def test_a_job_whose_worker_died_says_so(app, client, sign_in, neighbourhood):
    officer = neighbourhood.users["officer"]
    long_ago = utcnow() - timedelta(seconds=app.config["JOB_TIMEOUT_SECONDS"] + 120)
    job = Job(kind="test-slow", title="A job that runs too long", status="running",
              created_by_id=officer.id, started_at=long_ago, heartbeat_at=long_ago)
    db.session.add(job)
    db.session.commit()
    sign_in(officer)
    text = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "stopped without finishing" in text and 'hx-trigger' not in text


def _redis_url() -> str:
    return os.environ.get("PB_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def redis_app(app):
    redis = pytest.importorskip("redis")
    url = _redis_url()
    try:
        redis.Redis.from_url(url).ping()
    except redis.exceptions.ConnectionError as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"Redis at {url} is unreachable: {exc}")
    app.config.update(REDIS_URL=url, JOBS_QUEUE=f"pb-test-{uuid.uuid4().hex[:8]}")
    yield app
    app.config["REDIS_URL"] = None


def test_with_redis_a_job_waits_for_the_rq_worker(redis_app, voting_round, neighbourhood):
    from pb.jobs.queue import connection, work

    job_id = jobs.enqueue("test-ward-budget-totals", {"round_id": voting_round.id},
                          actor=neighbourhood.users["officer"]).id
    db.session.commit()
    time.sleep(0.3)
    db.session.rollback()
    assert db.session.get(Job, job_id).status == "queued"  # no thread ran it
    work(redis_app, burst=True)
    job = wait_for(job_id, timeout=5)
    assert job.status == "done" and job.result["total_pence"] == 13_500_00
    connection(redis_app).delete(f"rq:queue:{redis_app.config['JOBS_QUEUE']}")


def test_worker_command_needs_redis(runner):
    result = runner.invoke(args=["worker", "--burst"])
    assert result.exit_code != 0 and "PB_REDIS_URL is not set" in result.output
