"""One browser talking plain HTTP to a server on this machine, for the tests that start
gunicorn (tests/stress, tests/scaleout): its own cookies and client address, no redirects
followed, each request on a new connection."""

from __future__ import annotations

import http.client
from urllib.parse import urlencode

HOST = "127.0.0.1"


class LoopbackBrowser:
    def __init__(self, port: int, address: str | None = None, cookies: dict | None = None):
        self.port = port
        self.address = address
        self.cookies: dict[str, str] = dict(cookies or {})

    def request(self, method: str, path: str, data: dict | None = None,
                timeout: float = 120):
        conn = http.client.HTTPConnection(HOST, self.port, timeout=timeout)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if self.address:
            headers["X-Forwarded-For"] = self.address
        body = None
        if data is not None:
            body = urlencode(data, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            response.text = response.read().decode("utf-8", "replace")
        finally:
            conn.close()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                cookie = rest.split(";", 1)[0]
                if cookie and "Max-Age=0" not in value and "01 Jan 1970" not in value:
                    self.cookies[name] = cookie
                else:
                    self.cookies.pop(name, None)
        return response

    def get(self, path: str):
        return self.request("GET", path)

    def post(self, path: str, data: dict | None = None):
        return self.request("POST", path, data or {})
