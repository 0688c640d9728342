"""Votes under stress: gunicorn with four workers, a prepared database, and the checks.

Each test gets its own database (a SQLite file, or a new PostgreSQL database on the
``PB_TEST_DATABASE_URL`` server, dropped afterwards) with the test neighbourhood, a round
in its vote, residents who can sign in and printed voting codes. ``Gunicorn`` serves it
as a process group of its own, so ``kill9`` ends the master and every worker at once and
touches no other server on the machine.

The sizes come from ``PB_STRESS``: unset, the short form that CI runs; ``mid``; or
``full``, the figures of goals G1-G4 (docs/security.md, "Votes under stress").
"""

from __future__ import annotations

import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import case, func, select

from tests.databases import TEST_CONFIG, build_schema, database_url, new_postgres_database
from tests.loopback import HOST, LoopbackBrowser

ROOT = Path(__file__).resolve().parents[2]
SECRET = "stress-secret-key-not-for-production"

SIZES = {
    # voters x attempts each; codes x attempts each; kill cycles x ballots each;
    # load threads; ballots acknowledged before the backup starts.
    "short": dict(voters=20, attempts=10, codes=40, per_code=4, cycles=2, ballots=100,
                  threads=8, before_backup=40),
    "mid": dict(voters=100, attempts=25, codes=100, per_code=25, cycles=8, ballots=400,
                threads=8, before_backup=300),
    "full": dict(voters=200, attempts=50, codes=200, per_code=50, cycles=20, ballots=1000,
                 threads=8, before_backup=1000),
}


def size() -> dict:
    """The form's sizes; PB_STRESS_<SIZE> (e.g. PB_STRESS_BALLOTS=250) overrides one."""
    name = os.environ.get("PB_STRESS", "short").strip().lower() or "short"
    chosen = {"name": name, **SIZES[name]}
    for key in SIZES[name]:
        override = os.environ.get(f"PB_STRESS_{key.upper()}", "").strip()
        if override.isdigit():
            chosen[key] = int(override)
            chosen["name"] += f", {key} {override}"
    return chosen


def voter_born(n: int) -> date:
    """Resident ``n``'s birthday, their own (one ballot counts per postcode and birthday)."""
    return date(1940, 1, 1) + timedelta(days=61 * n)


def holder_born(n: int) -> date:
    """The birthday the holder of code ``n`` gives (a South-ward postcode: never a resident's)."""
    return date(1950, 1, 1) + timedelta(days=59 * n)


HOLDER_POSTCODE = "SK11 7AD"


# The database ----------------------------------------------------------------------------

@dataclass
class Prepared:
    kind: str  # "sqlite" or "postgresql"
    url: str
    round_id: int
    projects: list[int]
    officer: str
    voters: list[str]  # email addresses
    codes: list[str]  # as printed
    tmp: Path
    app: object = field(default=None, repr=False)


def app_for(url: str):
    from pb import create_app

    return create_app({**TEST_CONFIG, "SECRET_KEY": SECRET, "SQLALCHEMY_DATABASE_URI": url,
                       "SERVER_NAME": None})


def _populate(app, voters: int, codes: int) -> dict:
    from pb.extensions import db
    from tests.factories import build_neighbourhood, make_ballot_round, make_codes, make_user

    with app.app_context():
        hood = build_neighbourhood()
        round_, projects = make_ballot_round(hood)
        emails = []
        for n in range(voters):
            user = make_user(f"resident{n:04d}@example.org", f"Resident {n}",
                             postcode="SK10 2LH", born=voter_born(n))
            emails.append(user.email)
        db.session.commit()
        printed = make_codes(round_, hood.users["officer"], codes) if codes else []
        facts = dict(round_id=round_.id, projects=[p.id for p in projects],
                     officer=hood.users["officer"].email, voters=emails, codes=printed)
        db.session.remove()
    return facts


@pytest.fixture
def prepared(tmp_path, request):
    """A populated database for this test; ``request.param`` is (voters, codes)."""
    voters, codes = getattr(request, "param", (0, 0))
    base = database_url()
    if base is None:
        url = f"sqlite:///{tmp_path / 'stress.sqlite'}"
        build_schema(url)
        kind, drop = "sqlite", None
    else:
        url, drop = new_postgres_database(base, "pb_stress")
        kind = "postgresql"
    app = app_for(url)
    try:
        facts = _populate(app, voters, codes)
        yield Prepared(kind, url, tmp=tmp_path, app=app, **facts)
    finally:
        from pb.extensions import db

        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        if drop:
            drop()


# The server ----------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def server_env(url: str, instance: Path) -> dict:
    return {**os.environ, "PB_DATABASE_URL": url, "PB_SECRET_KEY": SECRET,
            "PB_INSTANCE_PATH": str(instance), "PB_ARGON2_PROFILE": "CHEAPEST",
            "PB_WTF_CSRF_ENABLED": "false", "PB_RATELIMIT_ENABLED": "false",
            "PB_MAIL_BACKEND": "memory",
            # One proxy in front: each simulated kiosk has its own address (X-Forwarded-For),
            # so one code's losing attempts never slow down another code's holder.
            "PB_PROXY_COUNT": "1"}


class Gunicorn:
    """gunicorn -w 4 serving pb, in a process group of its own."""

    def __init__(self, url: str, tmp: Path, workers: int = 4):
        self.url, self.tmp, self.workers = url, tmp, workers
        self.process: subprocess.Popen | None = None
        self.port = 0
        self.log = tmp / "gunicorn.log"
        self.starts = 0

    def start(self) -> None:
        self.port = free_port()
        command = [str(Path(sys.executable).parent / "gunicorn"), "-w", str(self.workers),
                   "-b", f"{HOST}:{self.port}", "--timeout", "120", "--graceful-timeout", "5",
                   "--log-level", "warning",
                   # The app is built once and forked: four workers start in seconds, not
                   # four imports racing for two cores. Building it opens no connection.
                   "--preload", "pb:create_app()"]
        with open(self.log, "a") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=server_env(self.url, self.tmp / "instance"),
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.starts += 1
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()[-2000:]
            try:
                if Client(self.port).get("/static/pb.css").status == 200:
                    return
            except OSError:
                time.sleep(0.1)
        raise AssertionError("gunicorn did not start within 60 s")

    def kill9(self) -> None:
        """SIGKILL to the whole process group: the master and every worker, mid-request."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        self._reap()

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)
        self._reap()

    def _reap(self) -> None:
        # Workers orphaned by the master's death are in the group too; wait until none is left.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                os.killpg(self.process.pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.05)

    def problems(self) -> dict[str, int]:
        """How often the server's log says 'database is locked' or shows a traceback."""
        log = self.log.read_text() if self.log.exists() else ""
        return {"database is locked": log.count("database is locked"),
                "tracebacks": log.count("Traceback")}


@pytest.fixture
def gunicorn(prepared):
    server = Gunicorn(prepared.url, prepared.tmp)
    server.start()
    try:
        yield server
    finally:
        server.stop()


# A browser -----------------------------------------------------------------------------

class Client(LoopbackBrowser):
    """One browser: its own cookies and address, no redirects followed."""

    def sign_in(self, email: str) -> Client:
        from tests.factories import PASSWORD

        response = self.post("/account/login", {"email": email, "password": PASSWORD})
        assert response.status == 302, response.text[:300]
        return self


def new_key() -> str:
    """A client-generated idempotency key (the form's ``submission``)."""
    return secrets.token_urlsafe(24)


def receipt_hash_for(app, key: str) -> str:
    """The stored receipt hash of the ballot a form with ``key`` made."""
    from pb.voting import codes

    with app.app_context():
        return codes.receipt_hash(codes.receipt_for(key))


# The load: residents changing their ballots ------------------------------------------------

class Ledger:
    """Acknowledged ballots, appended to a file with flush and fsync before they count.

    Every attempt's choices are kept too (by receipt hash), so a stored ballot can be
    compared with what was sent whether or not its answer arrived.
    """

    def __init__(self, path: Path, app):
        self.path, self.app = path, app
        self.lock = threading.Lock()
        self.sent: dict[str, tuple[int, ...]] = {}  # receipt hash -> choices sent
        self.acked_at: list[tuple[float, str]] = []  # (monotonic time, receipt hash)
        self.errors: dict[str, int] = {}

    def attempt(self, key: str, choices: tuple[int, ...]) -> str:
        digest = receipt_hash_for(self.app, key)
        with self.lock:
            self.sent[digest] = choices
        return digest

    def ack(self, digest: str) -> None:
        with self.lock:
            with open(self.path, "a") as handle:
                handle.write(f"{digest}\t{','.join(map(str, self.sent[digest]))}\n")
                handle.flush()
                os.fsync(handle.fileno())
            self.acked_at.append((time.monotonic(), digest))

    def error(self, what: str) -> None:
        with self.lock:
            self.errors[what] = self.errors.get(what, 0) + 1

    def acknowledged(self) -> dict[str, tuple[int, ...]]:
        """What the file says was acknowledged (the file, not memory, is the record)."""
        if not self.path.exists():
            return {}
        acked = {}
        for line in self.path.read_text().splitlines():
            digest, choices = line.split("\t")
            acked[digest] = tuple(int(c) for c in choices.split(","))
        return acked


def replaces_of(page: str) -> str:
    import re

    found = re.search(r'name="replaces" value="([^"]*)"', page)
    return found.group(1) if found else ""


def vote_loop(client: Client, prepared: Prepared, ledger: Ledger, stop: threading.Event,
              rng) -> None:
    """One resident changing their ballot until ``stop`` or the server goes away."""
    path = f"/rounds/{prepared.round_id}/vote"
    while not stop.is_set():
        try:
            page = client.get(path)
            if page.status != 200:
                ledger.error(f"GET {page.status}")
                continue
            chosen = tuple(sorted(rng.sample(prepared.projects, rng.randint(1, 3))))
            key = new_key()
            digest = ledger.attempt(key, chosen)
            response = client.post(path, {"project": list(chosen), "submission": key,
                                          "replaces": replaces_of(page.text)})
        except (OSError, http.client.HTTPException):
            return  # the server is gone (killed): this ballot is unacknowledged
        if response.status == 303 and response.getheader("Location", "").endswith("/vote/done"):
            ledger.ack(digest)
        else:
            ledger.error(f"POST {response.status}")


def run_load(clients: list[Client], prepared: Prepared, ledger: Ledger, seed: int = 0):
    """Start one vote loop per client; returns (stop event, threads)."""
    import random

    stop = threading.Event()
    threads = [threading.Thread(target=vote_loop,
                                args=(c, prepared, ledger, stop, random.Random(seed + i)))
               for i, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    return stop, threads


# The checks ------------------------------------------------------------------------------

@dataclass
class Check:
    stored: int = 0
    lost: list = field(default_factory=list)
    partial: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    audit_entries: int = 0
    audit_head: str = ""


def check_database(url: str, ledger: Ledger | None = None, round_id: int | None = None,
                   must_hold: dict | None = None) -> Check:
    """Open ``url`` afresh (the server is stopped) and check it, as after a crash.

    * every ballot in ``must_hold`` (receipt hash -> choices) is stored with those choices;
    * no partial ballot: each ballot has its audit entry and its form key, and holds
      exactly the choices sent with it;
    * each voter has at most one counted ballot, and one if they have any ballot;
    * SQLite's integrity check is ok and its foreign-key check is empty;
    * the audit chain verifies.
    """
    from pb import audit
    from pb.extensions import db
    from pb.models import AuditEntry, Ballot, BallotChoice, Voter
    from pb.models.submission import Submission

    app = app_for(url)
    result = Check()
    with app.app_context():
        try:
            if db.engine.dialect.name == "sqlite":
                with db.engine.connect() as conn:
                    integrity = conn.exec_driver_sql("PRAGMA integrity_check").scalar()
                    keys = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if integrity != "ok":
                    result.problems.append(f"integrity_check: {integrity}")
                if keys:
                    result.problems.append(f"foreign_key_check: {keys[:5]}")
            where = [Ballot.round_id == round_id] if round_id else []
            ballots = dict(db.session.execute(select(Ballot.receipt_hash, Ballot.id)
                                              .where(*where)).all())
            result.stored = len(ballots)
            choices: dict[int, set] = {}
            for ballot_id, proposal_id in db.session.execute(
                    select(BallotChoice.ballot_id, BallotChoice.proposal_id)):
                choices.setdefault(ballot_id, set()).add(proposal_id)
            result.lost = [digest for digest in (must_hold or {}) if digest not in ballots]
            sent = ledger.sent if ledger else {}
            for digest, ballot_id in ballots.items():
                stored = choices.get(ballot_id, set())
                expected = sent.get(digest)
                if not stored or (expected is not None and stored != set(expected)):
                    result.partial.append((ballot_id, sorted(stored), expected))
            cast_entries = db.session.scalar(select(func.count()).select_from(AuditEntry).where(
                AuditEntry.action.in_(("ballot.cast", "ballot.changed"))))
            keyed = db.session.scalar(select(func.count()).select_from(Submission).where(
                Submission.action == "ballot.cast"))
            if cast_entries != len(ballots):
                result.problems.append(f"{len(ballots)} ballots but {cast_entries} audit entries")
            if ledger is not None and keyed != len(ballots):
                result.problems.append(f"{len(ballots)} ballots but {keyed} form keys")
            counted = db.session.execute(
                select(Voter.id, func.sum(case((Ballot.status == "counted", 1), else_=0)))
                .join(Ballot, Ballot.voter_id == Voter.id).group_by(Voter.id)).all()
            wrong = [(voter, n) for voter, n in counted if n != 1]
            if wrong:
                result.problems.append(f"voters without exactly one counted ballot: {wrong[:5]}")
            chain = audit.verify_chain()
            if not chain.ok:
                result.problems.append(f"audit chain broken at {chain.first_bad_id}: "
                                       f"{chain.problem}")
            result.audit_entries, result.audit_head = chain.entries, chain.head_hash
        finally:
            db.session.remove()
            db.engine.dispose()
    return result


def audit_verify_cli(url: str, tmp: Path) -> subprocess.CompletedProcess:
    """``flask --app pb audit-verify`` against ``url``, as an operator would run it."""
    return subprocess.run([str(Path(sys.executable).parent / "flask"), "--app", "pb",
                           "audit-verify"], cwd=ROOT, env=server_env(url, tmp / "instance"),
                          capture_output=True, text=True, timeout=300)
