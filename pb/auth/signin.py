"""Signing in and out: throttled password checks, browser sessions, the emailed unlock link.

Wrong passwords slow the guesser down and never lock the account (see
``pb.throttle``): after a few free failures each further one doubles the wait before
the next attempt on that account, or from that address, is checked. The right
password works again once the wait is over, or at once through an unlock link
emailed to the account's owner. Addresses get many free failures and a short cap,
so one person guessing at a community hub does not stop everyone else there.

Every sign-in starts a ``UserSession``; its token travels in the session cookie and
in the "keep me signed in" cookie, and signing out revokes it, so copies of either
cookie stop working at once.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from pb import audit, throttle
from pb.auth import AccountError
from pb.auth.tokens import make_token, read_token
from pb.extensions import db
from pb.mail import send_mail
from pb.models import AuditEntry, LoginAttempt, User, UserSession, normalise_email
from pb.models.user import session_token_hash
from pb.passwords import hash_password, needs_rehash, verify_password

WRONG = _l("That email address and password do not match an account.")
ACCOUNT_WAIT = _l("There have been several wrong passwords for this account, so pb is slowing "
                "down guesses. Try again in {wait}, or ask for an email that lets you sign in "
                "straight away.")
ADDRESS_WAIT = _l("There have been many wrong passwords from this connection, so pb is slowing "
                "down guesses from it. Try again in {wait}.")
UNLOCK_EMAIL_EVERY = timedelta(minutes=5)

# Verifying against a real hash when the account does not exist keeps the timing
# of "no such account" and "wrong password" alike.
_DUMMY_HASH: dict[str, str] = {}


def _dummy_hash() -> str:
    profile = current_app.config["ARGON2_PROFILE"]
    if profile not in _DUMMY_HASH:
        _DUMMY_HASH[profile] = hash_password("not-a-real-password-0000")
    return _DUMMY_HASH[profile]


# Throttling -----------------------------------------------------------------------------

def last_success(email: str) -> int:
    """The id of the account's latest successful sign-in (0 if none): failures before it
    no longer count against the account."""
    return db.session.scalar(select(func.max(LoginAttempt.id)).where(
        LoginAttempt.email == email, LoginAttempt.succeeded.is_(True))) or 0


def _failures(condition, since: datetime) -> tuple[int, datetime | None]:
    count, last = db.session.execute(
        select(func.count(), func.max(LoginAttempt.attempted_at)).where(
            condition, LoginAttempt.succeeded.is_(False),
            LoginAttempt.attempted_at >= since)).one()
    return count or 0, last


def account_wait(email: str, at: datetime) -> tuple[throttle.Limit, int, datetime | None]:
    """Failures for this account in the window, since it last signed in."""
    lim = throttle.limit("account", "LOGIN_FREE_FAILURES_PER_ACCOUNT")
    condition = (LoginAttempt.email == email) & (LoginAttempt.id > last_success(email))
    return (lim, *_failures(condition, at - lim.window))


def address_wait(ip_address: str, at: datetime) -> tuple[throttle.Limit, int, datetime | None]:
    lim = throttle.limit("connection", "LOGIN_FREE_FAILURES_PER_ADDRESS",
                         "THROTTLE_MAX_DELAY_PER_ADDRESS")
    return (lim, *_failures(LoginAttempt.ip_address == ip_address, at - lim.window))


class AccountWait(throttle.Wait):
    """The account (not the connection) must wait: the page offers the unlock email."""


def _check_throttles(email: str, ip_address: str, at: datetime, unlocked: bool) -> None:
    throttle.check([address_wait(ip_address, at)], at, str(ADDRESS_WAIT))
    if not unlocked:
        try:
            throttle.check([account_wait(email, at)], at, str(ACCOUNT_WAIT))
        except throttle.Wait as exc:
            raise AccountWait(exc.message, timedelta(seconds=exc.retry_after)) from None


# Signing in --------------------------------------------------------------------------------

def authenticate(email: str, password: str, ip_address: str,
                 unlock_token: str | None = None) -> User:
    """The account, if the password is right; ``AccountError`` or a ``throttle.Wait`` if not.

    A valid ``unlock_token`` (from the emailed link) lets the account's own wait be
    skipped; the connection's wait still applies.
    """
    email = normalise_email(email)[:254]  # the longest address there is (and the column)
    at = throttle.now()
    unlocked = unlock_token is not None and _unlock_is_for(unlock_token, email)
    _check_throttles(email, ip_address, at, unlocked)
    user = User.by_email(email)
    ok = verify_password(user.password_hash if user else _dummy_hash(), password)
    ok = ok and user is not None and user.is_active
    db.session.add(LoginAttempt(email=email, ip_address=ip_address, succeeded=ok,
                                attempted_at=at))
    if not ok:
        if user is not None:
            user.failed_logins = (user.failed_logins or 0) + 1
        audit.record("account.login_failed", object_type="User",
                     object_id=user.id if user else None, after={"email": email}, actor=user)
        db.session.commit()
        raise AccountError(str(WRONG))
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.last_login_at = at
    audit.record("account.login", user, actor=user,
                 after={"unlock_link": True} if unlocked else None)
    db.session.commit()
    return user


# Browser sessions ---------------------------------------------------------------------------

def session_lifetime() -> timedelta:
    config = current_app.config
    return max(config["PERMANENT_SESSION_LIFETIME"], config["REMEMBER_COOKIE_DURATION"])


def start_session(user: User) -> str:
    """A new browser session for ``user``; its token goes into the cookies via get_id()."""
    token = secrets.token_urlsafe(32)
    now = throttle.now()
    # Forget this person's ended or expired sessions while we are here.
    db.session.execute(UserSession.__table__.delete().where(
        UserSession.user_id == user.id,
        (UserSession.revoked_at.is_not(None)) | (UserSession.created_at < now - session_lifetime())))
    db.session.add(UserSession(user_id=user.id, token_hash=session_token_hash(token),
                               created_at=now))
    db.session.commit()
    user.session_token = token
    return token


def end_session(user: User) -> None:
    """Sign out this browser: its session token stops working, wherever it was copied."""
    if user.session_token:
        db.session.execute(update(UserSession).where(
            UserSession.token_hash == session_token_hash(user.session_token),
            UserSession.user_id == user.id).values(revoked_at=throttle.now()))
    audit.record("account.signed_out", user, actor=user)
    db.session.commit()


def expire_session(user: User, reason: str) -> None:
    """End this browser's session because it went past a time limit (``idle``/``absolute``)."""
    if user.session_token:
        db.session.execute(update(UserSession).where(
            UserSession.token_hash == session_token_hash(user.session_token),
            UserSession.user_id == user.id).values(revoked_at=throttle.now()))
    audit.record("account.session_expired", user, actor=user, after={"reason": reason})
    db.session.commit()


def sign_out_everywhere(user: User) -> None:
    user.session_version += 1
    db.session.execute(update(UserSession).where(
        UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
        .values(revoked_at=throttle.now()))
    audit.record("account.signed_out_everywhere", user, actor=user)
    db.session.commit()


def load_user(token: str) -> User | None:
    """Flask-Login's loader: the user a cookie names, if its session is live and recent."""
    return User.from_session_token(token, not_before=throttle.now() - session_lifetime())


# The emailed unlock link -------------------------------------------------------------------

def unlock_max_age() -> int:
    return int(current_app.config["UNLOCK_LINK_MAX_AGE"].total_seconds())


def _unlock_is_for(token: str, email: str) -> bool:
    try:
        user, _payload = read_token("unlock", token, unlock_max_age())
    except AccountError:
        return False
    return user.email == email


def read_unlock(token: str) -> User:
    user, _payload = read_token("unlock", token, unlock_max_age())
    return user


def request_unlock(email: str) -> None:
    """Email a sign-in link to the account if it is waiting; say nothing either way.

    At most one email per account every few minutes, so a guesser cannot flood the
    owner's inbox.
    """
    user = User.by_email(email)
    at = throttle.now()
    if user is None or not user.is_active:
        return
    lim, failures, last = account_wait(user.email, at)
    if lim.wait(failures, last, at) <= timedelta(0):
        return
    sent = db.session.scalar(select(func.max(AuditEntry.created_at)).where(
        AuditEntry.action == "account.unlock_requested", AuditEntry.object_type == "User",
        AuditEntry.object_id == str(user.id)))
    if sent is not None and sent > at - UNLOCK_EMAIL_EVERY:
        return
    link = url_for("auth.unlock", token=make_token("unlock", user), _external=True)
    minutes = unlock_max_age() // 60
    audit.record("account.unlock_requested", user, actor=user)
    db.session.commit()
    send_mail(user.email, "Sign in to pb",
              f"Hello {user.display_name},\n\nSomeone has been typing wrong passwords for your "
              f"account, so pb is slowing down sign-ins to it. To sign in straight away, open "
              f"this link within {minutes} minutes and enter your password. It works once.\n\n"
              f"{link}\n\nIf you did not try to sign in, someone may be guessing your password: "
              "your account is safe while they keep getting it wrong, but choosing a longer "
              "password makes sure of it.\n")
