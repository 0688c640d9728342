"""Two app servers, one database, one Redis: the pieces of a scaled-out pb, for real.

``cluster`` serves pb from two gunicorn instances on different free ports of 127.0.0.1
over the session's PostgreSQL test database (``tests/databases.py``) and one Redis, with
the same ``PB_SECRET_KEY`` and the same instance folder, as docs/deploy.md tells an
operator to run them. The RQ worker (``flask --app pb worker``) is started by the test
that needs it. Each process runs in a process group of its own and gets SIGKILL at
teardown; the Redis keys the run made (all named with its own token) are deleted.

On SQLite the tests are skipped: two servers need a database server they both reach.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path

import pytest

from tests.databases import TEST_CONFIG, empty_postgres
from tests.loopback import HOST, LoopbackBrowser

ROOT = Path(__file__).resolve().parents[2]
SECRET = "scaleout-secret-key-not-for-production"
BIN = Path(sys.executable).parent


def redis_url() -> str:
    return os.environ.get("PB_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Process:
    """A command in a process group of its own, logging to a file; SIGKILL ends it all."""

    def __init__(self, name: str, command: list[str], env: dict, log: Path):
        self.name, self.command, self.env, self.log = name, command, env, log
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with open(self.log, "a") as log:
            self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env, stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True)

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        deadline = time.monotonic() + 10  # orphaned gunicorn workers are in the group too
        while time.monotonic() < deadline:
            try:
                os.killpg(self.process.pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.05)

    def output(self) -> str:
        return self.log.read_text() if self.log.exists() else ""


class Client(LoopbackBrowser):
    """One browser on one server: its own cookies, no redirects followed."""

    def on(self, port: int) -> Client:
        """The same browser (same cookies), talking to another server behind the balancer."""
        other = Client(port, address=self.address)
        other.cookies = self.cookies  # shared: what one server sets, the other is sent
        return other

    def form(self, path: str, action_end: str | None = None) -> dict:
        """The hidden fields (CSRF token included) of the form on ``path`` whose action
        ends with ``action_end`` (the first form with a CSRF token if None)."""
        page = self.get(path)
        assert page.status == 200, (path, page.status, page.text[:300])
        for match in re.finditer(r"<form\b([^>]*)>(.*?)</form>", page.text, re.S):
            action = re.search(r'action="([^"]*)"', match.group(1))
            target = unescape(action.group(1)) if action else path  # no action: itself
            if action_end and not target.endswith(action_end):
                continue
            fields = {}
            for tag in re.findall(r"<input\b[^>]*>", match.group(2)):
                if 'type="hidden"' not in tag:
                    continue
                name = re.search(r'name="([^"]+)"', tag)
                value = re.search(r'value="([^"]*)"', tag)
                if name:
                    fields[name.group(1)] = unescape(value.group(1)) if value else ""
            if "csrf_token" in fields:
                return fields
        raise AssertionError(f"no form ending {action_end!r} on {path}")

    def sign_in(self, email: str, password: str):
        fields = self.form("/account/login", "/account/login")
        return self.post("/account/login", {**fields, "email": email, "password": password})


@dataclass
class Cluster:
    url: str
    instance: Path
    env: dict
    servers: list[Process]
    ports: list[int]
    token: str
    facts: dict
    logs: Path
    worker: Process | None = None
    extra: list[Process] = field(default_factory=list)

    @property
    def a(self) -> int:
        return self.ports[0]

    @property
    def b(self) -> int:
        return self.ports[1]

    def start_worker(self) -> Process:
        self.worker = Process("worker", [str(BIN / "flask"), "--app", "pb", "worker"],
                              self.env, self.logs / "worker.log")
        self.worker.start()
        return self.worker

    def app(self):
        """An app on the same database, for checks made straight in the database."""
        from pb import create_app

        return create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": self.url,
                           "SERVER_NAME": None})


def _wait_until_serving(server: Process, port: int) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert server.alive(), server.output()[-2000:]
        try:
            if Client(port).get("/healthz").status == 200:
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"{server.name} did not start within 90 s:\n{server.output()[-2000:]}")


def _populate(url: str) -> dict:
    from pb import create_app
    from pb.extensions import db
    from tests.factories import build_neighbourhood, make_ballot_round, make_voter

    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url, "SERVER_NAME": None})
    with app.app_context():
        hood = build_neighbourhood()
        round_, projects = make_ballot_round(hood, name="Macclesfield Two Servers Vote")
        voters = [make_voter(n).email for n in range(1, 5)]
        facts = dict(round_id=round_.id, projects=[p.id for p in projects],
                     officer=hood.users["officer"].email,
                     resident=hood.users["resident"].email, voters=voters)
        db.session.remove()
        db.engine.dispose()
    return facts


def _clean_redis(url: str, token: str, job_ids: list[str]) -> None:
    from redis import Redis

    redis = Redis.from_url(url)
    try:
        queue = f"pb-scaleout-{token}"
        for worker in redis.smembers(f"rq:workers:{queue}"):
            redis.srem("rq:workers", worker)
            redis.delete(worker)
        redis.srem("rq:queues", f"rq:queue:{queue}")
        for key in redis.scan_iter(match=f"*{token}*", count=1000):
            redis.delete(key)
        for job_id in job_ids:
            redis.delete(f"rq:job:pb-{job_id}", f"rq:results:pb-{job_id}")
    finally:
        redis.close()


@pytest.fixture(scope="module")
def cluster(database, tmp_path_factory):
    """Two gunicorn instances over one PostgreSQL database and one Redis (see the module)."""
    if database[0] != "postgresql":
        pytest.skip("Two app servers need a database server they share: run with "
                    "PB_TEST_DATABASE_URL set to a PostgreSQL database.")
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(redis_url()).ping()
    except redis.exceptions.ConnectionError as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"Redis at {redis_url()} is unreachable: {exc}")

    url = database[1]
    tmp = tmp_path_factory.mktemp("scaleout")
    token = uuid.uuid4().hex[:12]
    facts = _populate(url)
    env = {**os.environ, "PB_DATABASE_URL": url, "PB_SECRET_KEY": SECRET,
           "PB_INSTANCE_PATH": str(tmp / "instance"),  # shared storage, as in production
           "PB_REDIS_URL": redis_url(), "PB_RATELIMIT_KEY_PREFIX": f"pb-scaleout-{token}",
           "PB_JOBS_QUEUE": f"pb-scaleout-{token}", "PB_ARGON2_PROFILE": "CHEAPEST",
           "PB_MAIL_BACKEND": "memory", "PB_RATELIMIT_ENABLED": "true",
           # One proxy in front (nginx): each test's browser has an address of its own.
           "PB_PROXY_COUNT": "1", "FLASK_DEBUG": "0"}
    env.pop("PB_TEST_DATABASE_URL", None)
    ports = [free_port(), free_port()]
    while ports[1] == ports[0]:
        ports[1] = free_port()
    servers = [Process(f"server {name}", [
        str(BIN / "gunicorn"), "-w", "2", "-b", f"{HOST}:{port}", "--timeout", "120",
        "--log-level", "warning", "--preload", "pb:create_app()"], env,
        tmp / f"gunicorn-{name}.log") for name, port in zip("ab", ports, strict=True)]
    made = Cluster(url=url, instance=tmp / "instance", env=env, servers=servers, ports=ports,
                   token=token, facts=facts, logs=tmp)
    try:
        for server in servers:
            server.start()
        for server, port in zip(servers, ports, strict=True):
            _wait_until_serving(server, port)
        yield made
    finally:
        for process in [*servers, made.worker, *made.extra]:
            if process is not None:
                process.kill()
        from pb.extensions import db
        from pb.models.job import Job

        app = made.app()
        with app.app_context():
            job_ids = list(db.session.scalars(db.select(Job.id)))
            db.session.remove()
            empty_postgres(db)
            db.engine.dispose()
        _clean_redis(redis_url(), token, job_ids)
