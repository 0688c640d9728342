"""Security headers on every response, and request values cleaned of NUL characters."""

from __future__ import annotations

from flask import Flask, Request, request
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


def init_app(app: Flask) -> None:
    app.request_class = PbRequest

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
