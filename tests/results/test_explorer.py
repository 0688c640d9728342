"""The rule explorer: bad uploads refused naming the line (never a 500, never a job), a
large real .pb run as a background job by the embedded worker and by RQ on Redis, a
past round's ballots, and the figures checked against the core called directly."""

from __future__ import annotations

import io
import os
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from pb.allocation import RULE_NAMES, Constraints, allocate, read_pb
from pb.extensions import db
from pb.models import Job

SHARED = Path(os.environ.get("PB_SHARED_PABULIB",
                             Path(__file__).resolve().parents[3] / "shared" / "pabulib"))
LARGE = SHARED / "Poland_Warszawa_2026.pb"  # 61,668 voters, 3.2 MB
SMALL_PB = """META
key;value
description;Macclesfield test
num_projects;2
num_votes;2
budget;1000
vote_type;approval
PROJECTS
project_id;cost;name
1;600;Walking group
2;500;Dementia cafe
VOTES
voter_id;vote
1;1,2
2;2
"""


def _wait(job_id: str, timeout: float = 120.0) -> Job:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.rollback()
        job = db.session.get(Job, job_id)
        if job is not None and job.finished:
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not finish in {timeout} s")


def _upload(client, data: bytes, **fields):
    form = MultiDict({"round_id": "0", "tie_breaks": "id", "settings": "min1"})
    form.setlist("rules", fields.pop("rules", ["greedy-approval"]))
    for key, values in fields.items():
        form.setlist(key, values)
    form.add("upload", FileStorage(io.BytesIO(data), "ballots.pb"))
    # Encoded in memory: the test client would spool a large body to a temporary file it
    # never closes (a ResourceWarning, which fails the run).
    boundary, body = encode_multipart(form)
    return client.post("/explorer", data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")


def _jobs() -> int:
    return db.session.scalar(select(func.count()).select_from(Job))


@pytest.mark.parametrize("data, message", [
    (b"", "The file is empty."),
    (SMALL_PB.encode().replace(b"Dementia cafe", b"Dementia caf\xe9"),
     "Line 11: the file is not UTF-8 text"),
    (SMALL_PB.encode().replace(b"2;2\n", b"2;2\x00\n"), "Line 15: the file contains a NUL"),
    (SMALL_PB.replace("1;600;Walking group", "1;lots;Walking group").encode(), "line 10"),
    (SMALL_PB.replace("VOTES\n", "").encode(), "This is not a pabulib file pb can read"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "not UTF-8 text"),
])
def test_bad_uploads_get_a_clear_message_and_no_job(client, sign_in, neighbourhood, data, message):
    sign_in(neighbourhood.users["officer"])
    response = _upload(client, data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _jobs() == 0


def test_an_oversized_upload_is_refused_with_the_limit(app, client, sign_in, neighbourhood):
    app.config["UPLOAD_MAX_BYTES"] = 200
    sign_in(neighbourhood.users["officer"])
    response = _upload(client, SMALL_PB.encode())
    assert response.status_code == 400
    assert "the limit is" in response.get_data(as_text=True) and _jobs() == 0


def _check_against_core(job: Job, path: Path, rules, tie_breaks):
    instance, profile = read_pb(path)
    rows = {(r["rule"], r["tie_break"]): r for r in job.result["rows"]}
    assert len(rows) == len(rules) * len(tie_breaks)
    for rule in rules:
        for tie_break in tie_breaks:
            direct = allocate(instance, profile, rule, tie_break, Constraints(min_votes=1))
            row = rows[(rule, tie_break)]
            assert row["selected"] == list(direct.selected)
            assert row["spent"] == direct.spent
            assert row["metrics"]["voters_with_funded_project"] == \
                direct.metrics["voters_with_funded_project"]


RULES = ["greedy-approval", "greedy-cost", "phragmen"]


@pytest.mark.skipif(not LARGE.exists(), reason="the shared pabulib files are not here")
def test_a_large_real_file_runs_with_the_embedded_worker(client, sign_in, neighbourhood):
    sign_in(neighbourhood.users["officer"])
    response = _upload(client, LARGE.read_bytes(), rules=RULES, tie_breaks=["id", "cost"])
    assert response.status_code == 303
    job_id = response.headers["Location"].rsplit("/", 1)[1]
    job = _wait(job_id)
    assert job.status == "done", job.error
    _check_against_core(job, LARGE, RULES, ["id", "cost"])
    page = client.get(f"/explorer/{job_id}").get_data(as_text=True)
    assert "61668 voters" in page or "61,668 voters" in page
    assert "explorer-differs" in page  # greedy and Phragmén disagree, highlighted


@pytest.fixture
def redis_app(app):
    redis = pytest.importorskip("redis")
    url = os.environ.get("PB_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url).ping()
    except redis.exceptions.ConnectionError as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"Redis at {url} is unreachable: {exc}")
    app.config.update(REDIS_URL=url, JOBS_QUEUE=f"pb-test-{uuid.uuid4().hex[:8]}")
    yield app
    app.config["REDIS_URL"] = None


@pytest.mark.skipif(not LARGE.exists(), reason="the shared pabulib files are not here")
def test_a_large_real_file_runs_as_an_rq_job_on_redis(redis_app, client, sign_in, neighbourhood):
    from pb.jobs.queue import connection, work

    sign_in(neighbourhood.users["officer"])
    response = _upload(client, LARGE.read_bytes(), rules=RULES[:2], tie_breaks=["id"])
    job_id = response.headers["Location"].rsplit("/", 1)[1]
    time.sleep(0.3)
    db.session.rollback()
    assert db.session.get(Job, job_id).status == "queued"  # no thread ran it
    work(redis_app, burst=True)
    job = _wait(job_id, timeout=60)
    assert job.status == "done", job.error
    _check_against_core(job, LARGE, RULES[:2], ["id"])
    connection(redis_app).delete(f"rq:queue:{redis_app.config['JOBS_QUEUE']}")


def test_a_past_rounds_ballots_under_its_own_constraints(client, sign_in, neighbourhood, counted):
    sign_in(neighbourhood.users["officer"])
    response = client.post("/explorer", data={
        "round_id": str(counted.round.id), "rules": ["greedy-approval", "phragmen", "max-utility"],
        "tie_breaks": ["id"], "settings": ["round", "none"]})
    assert response.status_code == 303
    job = _wait(response.headers["Location"].rsplit("/", 1)[1])
    assert job.status == "done", job.error
    rows = job.result["rows"]
    assert len(rows) == 6 and {r["setting"] for r in rows} == {"round", "none"}
    assert all("selected" in r for r in rows)
    # Others cannot see it.
    sign_in(neighbourhood.users["officer2"])
    assert client.get(f"/explorer/{job.id}").status_code == 404


def test_an_open_round_or_too_many_counts_is_refused(client, sign_in, neighbourhood):
    sign_in(neighbourhood.users["officer"])
    voting = neighbourhood.rounds["voting"]
    response = client.post("/explorer", data={"round_id": str(voting.id),
                                              "rules": ["greedy-approval"]})
    assert response.status_code == 400
    assert "Choose a round whose voting has closed." in response.get_data(as_text=True)
    response = _upload(client, SMALL_PB.encode(), rules=list(RULE_NAMES),
                       tie_breaks=["id", "cost", "votes"], settings=["none", "min1"])
    assert response.status_code == 400
    assert "That is 66 counts; choose at most 60." in response.get_data(as_text=True)
    assert _jobs() == 0
