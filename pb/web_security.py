"""Security headers on every response."""

from __future__ import annotations

from flask import Flask, request
from flask_login import current_user

from pb.errors import DomainError

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


def has_nul(values) -> bool:
    """Whether any key or value of a MultiDict holds a NUL character.

    No field of pb has a use for one, and PostgreSQL refuses to store or compare text
    containing one (a 500 wherever such a value reached a query).
    """
    return any("\x00" in key or (isinstance(value, str) and "\x00" in value)
               for key, value in values.items(multi=True))


def init_app(app: Flask) -> None:
    @app.before_request
    def _refuse_nul_characters():
        form_sent = request.method not in ("GET", "HEAD") and request.mimetype in (
            "application/x-www-form-urlencoded", "multipart/form-data")
        if has_nul(request.args) or (form_sent and (
                has_nul(request.form)
                or any("\x00" in (f.filename or "") for f in request.files.values()))):
            raise DomainError("Something sent with the page contained a character pb cannot "
                              "accept. Go back, check what you typed and try again.")

    @app.after_request
    def _headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if app.config["PREFERRED_URL_SCHEME"] == "https":
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if response.status_code == 429:
            # The throttles set the real wait (pb.throttle.Wait); a minute otherwise.
            headers.setdefault("Retry-After", "60")
        # Pages for a signed-in person may hold personal data: keep them out of caches.
        if current_user and current_user.is_authenticated and not request.path.startswith("/static/"):
            headers["Cache-Control"] = "no-store"
        return response
