"""A small load generator and gunicorn runner for pb's benchmarks (no wrk needed).

``serve(database_url)`` starts gunicorn on 127.0.0.1 and stops it; ``load(url, ...)``
keeps ``clients`` threads on keep-alive connections busy for ``seconds`` and returns the
throughput and latency percentiles; ``sign_in`` returns a session cookie. Load goes to
127.0.0.1 only, and every run is bounded in time.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


@contextmanager
def serve(database_url: str, workers: int = 4, port: int | None = None, extra_env=None,
          log=None):
    """gunicorn serving pb on 127.0.0.1:<port> for the duration of the block.

    gunicorn runs in a process group of its own, which is killed (SIGKILL) when the block
    ends, after a graceful stop; ``log`` (a file) takes its output when given.
    """
    port = port or free_port()
    env = {**os.environ, "PB_DATABASE_URL": database_url,
           "PB_SECRET_KEY": os.environ.get("PB_SECRET_KEY", "bench-secret-key"),
           **(extra_env or {})}
    command = [str(Path(sys.executable).parent / "gunicorn"), "-w", str(workers),
               "-b", f"{HOST}:{port}", "--log-level", "warning", "pb:create_app()"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True,
                               stdout=log, stderr=subprocess.STDOUT if log else None)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                status, _h, _b = request(port, "GET", "/static/pb.css")
                if status == 200:
                    break
            except OSError:
                time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        with suppress(subprocess.TimeoutExpired):
            process.wait(timeout=15)
        with suppress(ProcessLookupError):  # whatever is left of the group (workers)
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=15)


def request(port, method, path, body=None, headers=None, conn=None):
    own = conn is None
    conn = conn or http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
        return response.status, response.headers, data
    finally:
        if own:
            conn.close()


def _cookie(headers, jar: dict) -> None:
    for value in headers.get_all("Set-Cookie") or []:
        name, _, rest = value.partition("=")
        jar[name] = rest.split(";", 1)[0]


def cookie_header(jar: dict) -> str:
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def csrf_token(html: bytes) -> str:
    match = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', html) or \
        re.search(rb'value="([^"]+)"[^>]*name="csrf_token"', html)
    return match.group(1).decode() if match else ""


def sign_in(port: int, email: str, password: str) -> dict:
    """A cookie jar signed in as ``email`` (through the log-in form)."""
    jar: dict = {}
    _s, headers, html = request(port, "GET", "/account/login")
    _cookie(headers, jar)
    body = urllib.parse.urlencode({"email": email, "password": password,
                                   "csrf_token": csrf_token(html)})
    status, headers, _ = request(port, "POST", "/account/login", body, {
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie_header(jar)})
    _cookie(headers, jar)
    if status not in (302, 303):
        raise RuntimeError(f"could not sign in as {email}: {status}")
    return jar


@dataclass
class Load:
    path: str
    requests: int
    errors: int
    seconds: float
    latencies: list

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies) * 1000 if self.latencies else float("nan")


def load(port: int, path: str, clients: int = 8, seconds: float = 10.0,
         headers: dict | None = None, ok=(200,)) -> Load:
    """``clients`` threads GETting ``path`` on keep-alive connections for ``seconds``."""
    latencies: list = []
    errors = [0]
    stop = time.monotonic() + seconds
    lock = threading.Lock()

    def client():
        conn = http.client.HTTPConnection(HOST, port, timeout=120)
        mine, bad = [], 0
        while time.monotonic() < stop:
            start = time.perf_counter()
            try:
                status, _h, _b = request(port, "GET", path, headers=headers, conn=conn)
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=120)
                bad += 1
                continue
            mine.append(time.perf_counter() - start)
            bad += status not in ok
        conn.close()
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    began = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return Load(path, len(latencies), errors[0], time.monotonic() - began, latencies)
