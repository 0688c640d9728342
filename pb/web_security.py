"""Security headers on every response, and request values cleaned of NUL characters."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Request, request, url_for
from flask_login import current_user
from werkzeug.datastructures import ImmutableMultiDict, MultiDict

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


def _without_nul(value):
    return value.replace("\x00", "") if isinstance(value, str) else value


class CleanValues(ImmutableMultiDict):
    """Query and form values with NUL characters taken out, as they are parsed.

    No field of pb has a use for a NUL, browsers never send one from what a person
    types, and PostgreSQL refuses to store or compare text holding one (a 500 wherever
    such a value reached a query). Taking it out keeps everything else the person
    entered, where refusing the request would lose it.
    """

    def __init__(self, mapping=None):
        if mapping is not None and not isinstance(mapping, (dict, MultiDict)):
            mapping = [(_without_nul(key), _without_nul(value)) for key, value in mapping]
        super().__init__(mapping)


class PbRequest(Request):
    parameter_storage_class = CleanValues


HSTS = "max-age=31536000; includeSubDomains"


def use_https(app: Flask) -> None:
    """PB_HTTPS=1 (or PREFERRED_URL_SCHEME=https): Secure cookies named with the __Host-
    prefix (which browsers only accept when Secure, with Path=/ and no Domain), HSTS."""
    config = app.config
    if config.get("HTTPS"):
        config["PREFERRED_URL_SCHEME"] = "https"
    if config["PREFERRED_URL_SCHEME"] != "https":
        return
    config["SESSION_COOKIE_SECURE"] = config["REMEMBER_COOKIE_SECURE"] = True
    if not config.get("SESSION_COOKIE_DOMAIN") and config.get("SESSION_COOKIE_PATH") in (None, "/"):
        config["SESSION_COOKIE_NAME"] = "__Host-" + config["SESSION_COOKIE_NAME"].removeprefix(
            "__Host-")
    if not config.get("REMEMBER_COOKIE_DOMAIN") and config.get("REMEMBER_COOKIE_PATH",
                                                                "/") == "/":
        name = config.get("REMEMBER_COOKIE_NAME", "remember_token")
        config["REMEMBER_COOKIE_NAME"] = "__Host-" + name.removeprefix("__Host-")


class SecureCookiesOverHttps:
    """WSGI middleware: on a request that came over https (as ProxyFix reports it), every
    cookie set is marked Secure, including the session cookie Flask writes after the
    ``after_request`` hooks have run."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        if environ.get("wsgi.url_scheme") != "https":
            return self.wsgi_app(environ, start_response)

        def secure_start_response(status, headers, exc_info=None):
            headers = [(name, value + "; Secure" if name.lower() == "set-cookie"
                        and "; secure" not in value.lower() else value)
                       for name, value in headers]
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, secure_start_response)


def init_app(app: Flask) -> None:
    app.request_class = PbRequest
    use_https(app)
    app.wsgi_app = SecureCookiesOverHttps(app.wsgi_app)

    @app.after_request
    def _headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if app.config["PREFERRED_URL_SCHEME"] == "https" or request.is_secure:
            headers.setdefault("Strict-Transport-Security", HSTS)
        if response.status_code == 429:
            # The throttles set the real wait (pb.throttle.Wait); a minute otherwise.
            headers.setdefault("Retry-After", "60")
        # Pages for a signed-in person may hold personal data: keep them out of caches.
        if current_user and current_user.is_authenticated and not request.path.startswith("/static/"):
            headers["Cache-Control"] = "no-store"
        return response


def safe_path(target: str | None) -> str:
    """Only a same-site relative path (never an open redirect); else the home page."""
    if not target or any(ord(c) < 32 for c in target):
        return url_for("main.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") \
            or "\\" in target:
        return url_for("main.index")
    return target
