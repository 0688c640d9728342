"""Ballot casting under gunicorn, against the static stylesheet served in the same run.

    .venv/bin/python bench/casting.py --seconds 20                       # SQLite
    .venv/bin/python bench/casting.py --seconds 20 \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test  # PostgreSQL

Builds a fresh database (a SQLite file in a temporary folder, or a new database on the
given PostgreSQL server, dropped afterwards) with the demo's Macclesfield and one round
open for voting, and ``--voters`` eligible residents, each signed in before the load: their
session cookies and CSRF tokens are made through the app's own session interface, so
argon2 stays out of the measurement. Then gunicorn (4 workers) serves pb on 127.0.0.1 and
wrk (``--clients`` connections, 4 threads, ``--seconds``) loads the static stylesheet, then
the ballot POST, each request a different voter with a valid ballot. Prints ballots/s, p50
and p99, the stylesheet's req/s and p99, the ratio (target: 15%), errors, the "database
is locked" lines in the server's log, and checks every acknowledged ballot (303) is counted.
Everything goes to 127.0.0.1, each load is bounded by ``--seconds``, and the server's
process group is killed (SIGKILL) at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.loadgen import HOST, serve  # noqa: E402

SECRET = "bench-casting-secret-key"
USER_AGENT = "pb-bench-casting"  # the session is bound to it (Flask-Login "strong")
TARGET = 0.15

# wrk's Lua: each thread takes every 4th voter from its own offset, so no voter votes
# twice; the acknowledged (303) ballots are counted per thread and summed in done().
LUA = r"""
local voters, threads, counter, step = {}, {}, 0, 1
local path = "%(path)s"
for line in io.lines("%(voters)s") do
  local cookie, body = line:match("([^\t]*)\t(.*)")
  voters[#voters + 1] = {cookie, body}
end
local n_threads = 0
function setup(thread)
  n_threads = n_threads + 1
  thread:set("offset", n_threads - 1)
  table.insert(threads, thread)
end
function init(args)
  counter = offset
  step = %(threads)d
  acked, other, exhausted = 0, 0, 0
end
function request()
  local i = counter %% #voters + 1
  if counter >= #voters then exhausted = exhausted + 1 end
  counter = counter + step
  local v = voters[i]
  return wrk.format("POST", path, {
    ["Cookie"] = v[1], ["User-Agent"] = "%(agent)s",
    ["Content-Type"] = "application/x-www-form-urlencoded"}, v[2])
end
function response(status, headers, body)
  if status == 303 then acked = acked + 1 else other = other + 1 end
end
function done(summary, latency, requests)
  local a, o, x = 0, 0, 0
  for _, t in ipairs(threads) do
    a = a + t:get("acked"); o = o + t:get("other"); x = x + t:get("exhausted")
  end
  io.write(string.format('PBRESULT {"requests": %%d, "seconds": %%f, "p50_ms": %%f, ' ..
    '"p99_ms": %%f, "socket_errors": %%d, "non_2xx_3xx": %%d, "acked": %%d, ' ..
    '"other": %%d, "exhausted": %%d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout, summary.errors.status, a, o, x))
end
"""

STATIC_LUA = r"""
function done(summary, latency, requests)
  io.write(string.format('PBRESULT {"requests": %d, "seconds": %f, "p50_ms": %f, ' ..
    '"p99_ms": %f, "socket_errors": %d, "non_2xx_3xx": %d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout, summary.errors.status))
end
"""


@contextmanager
def fresh_database(postgres_url: str | None, folder: Path):
    """The URL of an empty database: a SQLite file, or a new PostgreSQL database."""
    if not postgres_url:
        yield f"sqlite:///{folder / 'casting.sqlite'}"
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from pb.config import normalise_database_url

    base = make_url(normalise_database_url(postgres_url))
    name = f"pb_bench_casting_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def build(database_url: str, instance: Path, voters: int, projects: int,
          choices: int) -> tuple[int, list[str]]:
    """The round's id, and one line per voter: "cookie<TAB>form body"."""
    from flask import g, session
    from flask_login import login_user
    from flask_wtf.csrf import generate_csrf
    from sqlalchemy import insert, select

    from pb import create_app, submissions
    from pb.auth.idle import stamp_new_session
    from pb.database import writes
    from pb.demo import seed_place
    from pb.demo.scale import build_city
    from pb.extensions import db
    from pb.models import PostcodeCoverage, Proposal, User, UserSession
    from pb.models.base import utcnow
    from pb.models.user import session_token_hash
    from pb.passwords import hash_password

    os.environ["PB_INSTANCE_PATH"] = str(instance)
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": SECRET,
                      "ARGON2_PROFILE": "CHEAPEST"})
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["db", "upgrade"])
        if result.exit_code != 0:
            raise SystemExit(f"db upgrade failed:\n{result.output}")

        @writes
        def populate():
            area, partnership = seed_place()
            city = build_city(area, partnership, voters=0, projects=projects, status="voting")
            round_id = city.round.id
            db.session.commit()
            prefixes = db.session.scalars(select(PostcodeCoverage.prefix)).all()
            # Argon2 only once, at its cheapest: nobody signs in with it here.
            password = hash_password("bench-password-never-used")
            now = utcnow()
            rows = [{"email": f"voter{i}@bench.pb.localhost", "display_name": f"Voter {i}",
                     "password_hash": password, "email_verified_at": now,
                     "postcode": f"{prefixes[i % len(prefixes)]}AA",
                     "date_of_birth": date(1940, 1, 1) + timedelta(days=i % 20_000),
                     "created_at": now, "updated_at": now} for i in range(voters)]
            for start in range(0, voters, 5_000):
                db.session.execute(insert(User), rows[start:start + 5_000])
            db.session.commit()
            area_wide = db.session.scalars(
                select(Proposal.id).where(Proposal.round_id == round_id,
                                          Proposal.is_area_wide.is_(True))
                .order_by(Proposal.id)).all()
            return round_id, area_wide[:choices]

        round_id, ballot = populate()
        users = db.session.scalars(select(User).where(User.email.like("voter%@bench.%"))
                                   .order_by(User.id)).all()
        lines, tokens = [], []
        serializer = app.session_interface.get_signing_serializer(app)
        cookie_name = app.config["SESSION_COOKIE_NAME"]
        for user in users:
            token = secrets.token_urlsafe(32)
            tokens.append({"user_id": user.id, "token_hash": session_token_hash(token),
                           "created_at": utcnow()})
            user.session_token = token
            with app.test_request_context(environ_base={"REMOTE_ADDR": HOST},
                                          headers={"User-Agent": USER_AGENT}):
                for name in list(g):  # g lives in the app context: one voter's token each
                    g.pop(name)
                login_user(user)
                stamp_new_session(False)
                csrf = generate_csrf()
                cookie = serializer.dumps(dict(session))
            body = "&".join([f"csrf_token={csrf}", f"submission={submissions.new_key()}",
                             *(f"project={pid}" for pid in ballot)])
            lines.append(f"{cookie_name}={cookie}\t{body}")

        @writes
        def sessions():
            for start in range(0, len(tokens), 5_000):
                db.session.execute(insert(UserSession), tokens[start:start + 5_000])
            db.session.commit()

        sessions()
        db.session.remove()
        db.engine.dispose()
    return round_id, lines


def wrk(port: int, path: str, script: Path, clients: int, seconds: float) -> dict:
    command = ["wrk", "-c", str(clients), "-t", "4", "-d", f"{int(seconds)}s",
               "--timeout", "30s", "-s", str(script), f"http://{HOST}:{port}{path}"]
    # Bounded: wrk stops after --seconds; the timeout is a backstop.
    out = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60,
                         check=False).stdout
    line = next((x for x in out.splitlines() if x.startswith("PBRESULT ")), None)
    if line is None:
        raise SystemExit(f"wrk gave no result:\n{out}")
    result = json.loads(line.removeprefix("PBRESULT "))
    result["rate"] = result["requests"] / result["seconds"]
    return result


def server_cpu_seconds(port: int) -> float:
    """CPU time (user + system) used so far by the gunicorn serving ``port``, all processes
    of its group: a measure of cost per request that the machine's other load does not
    change much, unlike the rates."""
    out = subprocess.run(["ps", "-eo", "pgid=,args="], capture_output=True, text=True,
                         check=True).stdout
    group = next(line.split()[0] for line in out.splitlines()
                 if f"{HOST}:{port}" in line and "gunicorn" in line)
    pids = subprocess.run(["ps", "-o", "pid=", "-g", group], capture_output=True, text=True,
                          check=True).stdout.split()
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def measured(port: int, path: str, script: Path, clients: int, seconds: float) -> dict:
    cpu = server_cpu_seconds(port)
    result = wrk(port, path, script, clients, seconds)
    time.sleep(0.5)
    result["cpu_ms"] = (server_cpu_seconds(port) - cpu) * 1000 / max(result["requests"], 1)
    return result


def counted_ballots(database_url: str, round_id: int) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    with engine.connect() as conn:
        n = conn.execute(text("SELECT count(*) FROM ballots WHERE round_id = :r AND "
                              "status = 'counted'"), {"r": round_id}).scalar()
    engine.dispose()
    return n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=None,
                        help="a PostgreSQL server URL (a new database is made on it); "
                             "SQLite in a temporary folder when not given")
    parser.add_argument("--voters", type=int, default=20_000)
    parser.add_argument("--projects", type=int, default=30)
    parser.add_argument("--choices", type=int, default=4, help="projects on each ballot")
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--mail-backend", default="console",
                        help="how the outbox's sender sends receipts (console: logged)")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="instead of the load: N ballot POSTs in process under cProfile")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    if args.profile and args.voters < 2 * args.profile + 20:
        raise SystemExit(f"--profile {args.profile} needs --voters {2 * args.profile + 20} "
                         "or more (each POST is a different voter)")
    if args.database_url and not args.database_url.startswith("postgres"):
        raise SystemExit("--database-url takes a PostgreSQL URL (SQLite is the default)")
    folder = Path(tempfile.mkdtemp(prefix="pb-bench-casting-"))
    try:
        with fresh_database(args.database_url, folder) as url:
            run(args, url, folder)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


def profile(url: str, folder: Path, round_id: int, lines: list[str], count: int) -> None:
    """``count`` ballot POSTs in process (Flask's test client), under cProfile."""
    import cProfile
    import pstats

    from pb import create_app

    os.environ["PB_INSTANCE_PATH"] = str(folder / "instance")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET,
                      "MAIL_BACKEND": "console"})
    client = app.test_client()
    path = f"/rounds/{round_id}/vote"

    def post(line: str) -> int:
        cookie, body = line.split("\t")
        name, _, value = cookie.partition("=")
        client.set_cookie(name, value)
        return client.post(path, data=body, headers={
            "User-Agent": USER_AGENT,
            "Content-Type": "application/x-www-form-urlencoded"},
            environ_base={"REMOTE_ADDR": HOST}).status_code

    for line in lines[-20:]:  # warm up
        post(line)
    began, cpu = time.perf_counter(), time.process_time()
    statuses = [post(line) for line in lines[count:2 * count]]
    took, cpu = time.perf_counter() - began, time.process_time() - cpu
    print(f"{count} ballot POSTs in process: {took / count * 1000:.1f} ms each, "
          f"{cpu / count * 1000:.1f} ms CPU (statuses {sorted(set(statuses))})")
    profiler = cProfile.Profile()
    profiler.enable()
    statuses = [post(line) for line in lines[:count]]
    profiler.disable()
    stats = pstats.Stats(profiler).sort_stats("cumulative")
    stats.print_stats(45)
    stats.sort_stats("tottime").print_stats(25)


def run(args, url: str, folder: Path) -> None:
    began = time.monotonic()
    instance = folder / "instance"
    round_id, lines = build(url, instance, args.voters, args.projects, args.choices)
    if args.profile:
        profile(url, folder, round_id, lines, args.profile)
        return
    print(f"built {args.voters:,} signed-in voters in {time.monotonic() - began:.0f} s; "
          f"nproc {os.cpu_count()}, load average {os.getloadavg()[0]:.1f}", flush=True)
    path = f"/rounds/{round_id}/vote"
    warm = min(400, len(lines) // 10)  # the last few voters warm every worker's cast path
    script, warm_script = folder / "ballot.lua", folder / "warm.lua"
    for name, chosen, lua in (("voters.tsv", lines[:-warm], script),
                              ("warm.tsv", lines[-warm:], warm_script)):
        (folder / name).write_text("\n".join(chosen) + "\n", encoding="utf-8")
        lua.write_text(LUA % {"path": path, "voters": folder / name, "threads": 4,
                              "agent": USER_AGENT}, encoding="utf-8")
    static_script = folder / "static.lua"
    static_script.write_text(STATIC_LUA, encoding="utf-8")
    log_path = folder / "server.log"
    env = {"PB_INSTANCE_PATH": str(instance), "PB_SECRET_KEY": SECRET,
           "PB_MAIL_BACKEND": args.mail_backend}
    with open(log_path, "wb") as log, \
            serve(url, workers=args.workers, extra_env=env, log=log) as port:
        wrk(port, "/static/pb.css", static_script, 8, 2)  # warm up every worker
        wrk(port, path, warm_script, 8, 2)
        time.sleep(1)
        before = counted_ballots(url, round_id)
        static = measured(port, "/static/pb.css", static_script, args.clients, args.seconds)
        ballots = measured(port, path, script, args.clients, args.seconds)
        time.sleep(1)
        load = os.getloadavg()
    counted = counted_ballots(url, round_id) - before
    server_log = log_path.read_text(encoding="utf-8", errors="replace")
    report(args, static, ballots, counted, server_log, load)
    if args.keep:
        print(f"kept: {folder}")


def report(args, static: dict, ballots: dict, counted: int, server_log: str, load) -> None:
    locked = server_log.count("database is locked")
    tracebacks = server_log.count("Traceback")
    errors = ballots["socket_errors"] + ballots["non_2xx_3xx"] + ballots["other"]
    ratio = ballots["rate"] / static["rate"]
    print(f"database: {'PostgreSQL' if args.database_url else 'SQLite'}; gunicorn -w "
          f"{args.workers}; wrk -c {args.clients} -t 4 -d {int(args.seconds)}s; "
          f"load average after: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    print(f"{'':22} {'req/s':>9} {'p50 ms':>9} {'p99 ms':>9} {'errors':>7}")
    print(f"{'static stylesheet':22} {static['rate']:9.1f} {static['p50_ms']:9.1f} "
          f"{static['p99_ms']:9.1f} {static['socket_errors'] + static['non_2xx_3xx']:7d}")
    print(f"{'ballot POST':22} {ballots['rate']:9.1f} {ballots['p50_ms']:9.1f} "
          f"{ballots['p99_ms']:9.1f} {errors:7d}")
    print(f"ratio: ballots/s are {ratio:.1%} of the static file's req/s (target "
          f"{TARGET:.0%}: {'met' if ratio >= TARGET else 'NOT met'}); p99 "
          f"{ballots['p99_ms'] / static['p99_ms']:.1f}x the static p99 (target under 10x)")
    print(f"server CPU per request: ballot POST {ballots['cpu_ms']:.1f} ms, static file "
          f"{static['cpu_ms']:.1f} ms; if CPU bound, ballots would run at "
          f"{static['cpu_ms'] / ballots['cpu_ms']:.1%} of the static rate")
    print(f"\"database is locked\" in the server log: {locked}; tracebacks: {tracebacks}")
    lost = ballots["acked"] - counted
    print(f"acknowledged (303) {ballots['acked']:,}; counted in the database {counted:,}; "
          f"{'every acknowledged ballot is counted' if lost <= 0 else f'{lost} LOST'}"
          + (f" ({counted - ballots['acked']} more: in flight when wrk stopped)"
             if counted > ballots["acked"] else ""))
    if ballots["exhausted"]:
        print(f"WARNING: {ballots['exhausted']} requests reused a voter: raise --voters")
    if lost > 0 or errors or locked:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
