"""Fixtures for the vote-integrity tests: a clock the throttles read, and sign-in helpers."""

from __future__ import annotations

from datetime import timedelta

import pytest

from pb.models.base import utcnow
from tests.factories import PASSWORD


class Clock:
    """The time the throttles see (``CLOCK`` setting); tests move it forward by hand."""

    def __init__(self):
        self.now = utcnow().replace(microsecond=0)

    def __call__(self):
        return self.now

    def advance(self, seconds: float = 0, **kwargs) -> None:
        self.now += timedelta(seconds=seconds, **kwargs)


@pytest.fixture
def clock(app):
    clock = Clock()
    app.config["CLOCK"] = clock
    yield clock
    app.config["CLOCK"] = None


def sign_in(client, email: str, password: str = PASSWORD, address: str | None = None,
            **data):
    """Sign in through the form, from ``address`` if given (else the test client's own)."""
    environ = {"REMOTE_ADDR": address} if address else {}
    return client.post("/account/login", data={"email": email, "password": password, **data},
                       environ_base=environ)


def signed_in(client, address: str | None = None) -> bool:
    environ = {"REMOTE_ADDR": address} if address else {}
    return client.get("/account/", environ_base=environ).status_code == 200


# A real server, and browsers that keep their own cookies --------------------------------

@pytest.fixture
def live(database, tmp_path):
    """(app, base URL) of the app served by Werkzeug with a thread per request."""
    from tests.live import running_server

    pool = ({"pool_pre_ping": True, "pool_size": 25, "max_overflow": 30}
            if database[0] == "postgresql" else {"pool_pre_ping": True})
    with running_server(database, tmp_path, "integrity",
                        SQLALCHEMY_ENGINE_OPTIONS=pool) as served:
        yield served


class Browser:
    """One browser against the live server: its own cookies, no redirects followed."""

    def __init__(self, base: str):
        from urllib.parse import urlsplit

        parts = urlsplit(base)
        self.host, self.port = parts.hostname, parts.port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, data: dict | None = None):
        import http.client
        from urllib.parse import urlencode

        conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if data is not None:
            body = urlencode(data, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        response.text = response.read().decode("utf-8", "replace")
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                cookie_value = rest.split(";", 1)[0]
                if cookie_value and "Max-Age=0" not in value and "expires=Thu, 01 Jan 1970" \
                        not in value:
                    self.cookies[name] = cookie_value
                else:
                    self.cookies.pop(name, None)
        conn.close()
        return response

    def get(self, path: str):
        return self.request("GET", path)

    def post(self, path: str, data: dict | None = None):
        return self.request("POST", path, data or {})

    def sign_in(self, email: str, password: str = PASSWORD) -> None:
        response = self.post("/account/login", {"email": email, "password": password})
        assert response.status == 302, response.text[:300]


def pytest_terminal_summary(terminalreporter):
    """Print the fuzz test's counts (tests/integrity/test_fuzz.py), when it ran."""
    from tests.integrity.test_fuzz import COUNTS

    if not COUNTS["requests"]:
        return
    write = terminalreporter.write_line
    terminalreporter.section("hostile-input fuzz (issue 8, item 6)")
    write(f"rules fuzzed: {COUNTS['rules']}; requests: {COUNTS['requests']:,}; "
          f"answered 500: {COUNTS['500s']}")
    write("by status: " + ", ".join(f"{k[7:]} {v:,}" for k, v in sorted(COUNTS.items())
                                    if k.startswith("status ")))
    write("by value: " + ", ".join(f"{k[7:]} {v:,}" for k, v in sorted(COUNTS.items())
                                   if k.startswith("value: ")))
    write("by role: " + ", ".join(f"{k[6:]} {v:,}" for k, v in sorted(COUNTS.items())
                                  if k.startswith("role: ")))
