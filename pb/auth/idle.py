"""How long a signed-in session lasts: an idle limit and an absolute one (OWASP ASVS 4.0.3
3.3.2), both shorter for staff, whose accounts can change rounds, ballots and grants.

The session cookie carries when the session started and when it was last used (signed, so
it cannot be moved forward). A request after either limit ends the session for good (its
``UserSession`` is revoked, so the "keep me signed in" cookie dies with it), records it in
the audit log and sends the person to sign in again. A resident who ticked "keep me signed
in" chose to stay signed in on that device, so only the cookie's own lifetime limits them;
for staff that box does not outlast the limits.
"""

from __future__ import annotations

import calendar
from datetime import timedelta

from flask import current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from pb import throttle
from pb.auth import signin
from pb.models import Role, User

STAFF_ROLES = frozenset({Role.OFFICER, Role.EVENT_STAFF, Role.SCRUTINY, Role.GRANT_OFFICER,
                         Role.ADMIN})
SEEN, STARTED, REMEMBER = "pb_seen", "pb_started", "pb_remember"


def is_staff(user: User) -> bool:
    return bool(user.role_set() & STAFF_ROLES)


def limits(user: User) -> tuple[timedelta, timedelta]:
    """(idle limit, absolute limit) for this person's sessions."""
    config = current_app.config
    if is_staff(user):
        return (timedelta(minutes=config["SESSION_IDLE_MINUTES_STAFF"]),
                timedelta(hours=config["SESSION_MAX_HOURS_STAFF"]))
    return (timedelta(minutes=config["SESSION_IDLE_MINUTES"]),
            timedelta(hours=config["SESSION_MAX_HOURS"]))


def now_seconds() -> int:
    """The time now, in whole seconds since 1970 (as the session cookie keeps it)."""
    return calendar.timegm(throttle.now().utctimetuple())


def stamp_new_session(remember: bool) -> None:
    """Called on signing in: the session starts now."""
    session[SEEN] = session[STARTED] = now_seconds()
    session[REMEMBER] = bool(remember)


def expired(user: User, now: int) -> str | None:
    """Why this session is over, or None if it is not."""
    idle, absolute = limits(user)
    seen, started = session.get(SEEN), session.get(STARTED)
    if session.get(REMEMBER) and not is_staff(user):
        return None
    if seen is None or started is None:
        # Restored from a "keep me signed in" cookie with no session of its own.
        return None if not is_staff(user) else "absolute"
    if now - seen > idle.total_seconds():
        return "idle"
    if now - started > absolute.total_seconds():
        return "absolute"
    return None


def enforce() -> object | None:
    """Before every request: end a session past its limits, else note it was used."""
    if request.endpoint == "static" or not current_user.is_authenticated:
        return None
    user, now = current_user._get_current_object(), now_seconds()
    reason = expired(user, now)
    if reason is None:
        session[SEEN] = now
        session.setdefault(STARTED, now)
        return None
    idle, absolute = limits(user)
    signin.expire_session(user, reason)
    logout_user()
    session.clear()
    if reason == "idle":
        flash(_("You were signed out after %(minutes)s minutes without using pb, to keep "
                "your account safe. Please sign in again.",
                minutes=int(idle.total_seconds() // 60)), "info")
    else:
        flash(_("You were signed out because you signed in more than %(hours)s hours ago. "
                "Please sign in again.", hours=int(absolute.total_seconds() // 3600)),
              "info")
    if request.path.startswith("/api/"):
        return None
    target = request.full_path if request.method == "GET" else None
    return redirect(url_for("auth.login", next=target.rstrip("?") if target else None), 303)
