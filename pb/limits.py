"""Abuse limits (G16): how often one connection, one account or one email address may
use the routes that send email, create things or start heavy work, through Flask-Limiter.

The limits live in one table (``LIMITS``) rather than as decorators scattered over the
areas, so they can be read, reviewed and tested in one place. Counts are kept in Redis
when ``REDIS_URL`` (``PB_REDIS_URL``) is set, so a limit holds across every app server;
without Redis, in this process's memory, which serves one machine (the embedded default).
Each app gets its own ``Limiter`` (tests build many apps).

These sit on top of the slow-down for wrong guesses (``pb.throttle``: passwords and
voting codes, stored in the database), which is about guessing; these are about volume:
email bombing someone through "forgot password", filling the review queue, or keeping
the workers busy with explorer runs. A refusal is a 429 page (or JSON under /api/) that
says what was limited and when to try again, with ``Retry-After``.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from flask import Flask, current_app, request
from flask_limiter import Limiter, RateLimitExceeded
from flask_login import current_user

from pb.errors import error_response

ADDRESS, ACCOUNT, EMAIL = "address", "account", "email"


@dataclass(frozen=True)
class Rule:
    endpoint: str  # a view's endpoint, or "<blueprint>." for all of a blueprint's views
    per: str  # ADDRESS, ACCOUNT (signed-in person; the address for anyone else) or EMAIL
    limit: str  # Flask-Limiter's notation, "5 per hour"
    what: str  # what was limited, for the 429 page: "password reset emails"
    methods: tuple[str, ...] = ("POST",)


LIMITS = (
    Rule("auth.register", ADDRESS, "30 per hour", "new accounts from this connection"),
    Rule("auth.login", ADDRESS, "60 per minute", "sign-in attempts from this connection"),
    Rule("auth.forgot_password", ADDRESS, "20 per hour",
         "password reset requests from this connection"),
    Rule("auth.forgot_password", EMAIL, "5 per hour", "password reset emails to this address"),
    Rule("auth.request_unlock", EMAIL, "5 per hour", "unlock emails to this address"),
    Rule("auth.resend_verification", ACCOUNT, "5 per hour", "verification emails"),
    Rule("auth.change_email", ACCOUNT, "10 per hour", "changes of email address"),
    Rule("proposals.new", ACCOUNT, "20 per hour", "new proposals"),
    Rule("proposals.support", ACCOUNT, "120 per hour", "supports"),
    Rule("voting.redeem_code", ADDRESS, "300 per minute",
         "voting codes entered from this connection"),
    Rule("results.explorer_start", ACCOUNT, "20 per hour", "rule explorer runs"),
    Rule("api.", ADDRESS, "600 per minute", "open data requests from this connection",
         methods=("GET",)),
)


def _address() -> str:
    # request.remote_addr is the client's own address once ProxyFix has read the
    # configured number of proxies (PROXY_COUNT); never a header a client can set.
    return f"address:{request.remote_addr or 'unknown'}"


def _account() -> str:
    if current_user and current_user.is_authenticated:
        return f"account:{current_user.id}"
    return _address()


def _email() -> str:
    email = (request.form.get("email") or "").strip().lower()
    if not email:
        return _address()
    # Hashed: the store (Redis) never holds the addresses people typed.
    return "email:" + hashlib.sha256(email.encode()).hexdigest()[:32]


KEYS = {ADDRESS: _address, ACCOUNT: _account, EMAIL: _email}


def init_app(app: Flask) -> Limiter:
    redis_url = app.config.get("REDIS_URL")
    app.config.setdefault("RATELIMIT_STORAGE_URI", redis_url or "memory://")
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "pb")
    app.config["RATELIMIT_HEADERS_ENABLED"] = True  # Retry-After on every 429
    limiter = Limiter(_address, app=app, default_limits=[])
    app.extensions["pb_limits"] = limiter
    for rule in LIMITS:
        for endpoint in _endpoints(app, rule.endpoint):
            decorate = limiter.limit(rule.limit, key_func=KEYS[rule.per], methods=rule.methods,
                                     scope=f"{rule.endpoint}:{rule.per}",
                                     error_message=rule.what)
            app.view_functions[endpoint] = decorate(app.view_functions[endpoint])

    @app.errorhandler(RateLimitExceeded)
    def _too_many(error: RateLimitExceeded):
        wait = retry_after(limiter)
        body, status = error_response(429, message(error.description, error.limit.limit, wait))
        return body, status, {"Retry-After": str(wait)}

    return limiter


def _endpoints(app: Flask, name: str) -> list[str]:
    if name.endswith("."):
        return sorted(e for e in app.view_functions if e.startswith(name))
    if name not in app.view_functions:
        raise RuntimeError(f"pb.limits names an endpoint that does not exist: {name}")
    return [name]


def retry_after(limiter: Limiter) -> int:
    """Seconds until the limit that refused this request lets one through again."""
    current = limiter.current_limit
    if current is None:
        return 60
    return max(1, math.ceil(current.reset_at - time.time()))


def message(what: str, limit, wait: int) -> str:
    """'You have reached the limit of 5 password reset emails to this address an hour.
    Try again in 12 minutes.'"""
    per = {1: "", 60: "a minute", 3600: "an hour", 86400: "a day"}.get(
        limit.get_expiry(), f"in {limit.get_expiry()} seconds")
    minutes = math.ceil(wait / 60)
    when = (f"{wait} second{'s' if wait != 1 else ''}" if wait < 90 else f"{minutes} minutes")
    return (f"You have reached the limit of {limit.amount:,} {what} {per}. This protects "
            f"residents from floods of email and the site from overload. Try again in {when}.")


def limiter() -> Limiter:
    return current_app.extensions["pb_limits"]
