"""Account use cases: each one is one transaction with its audit entry."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from flask import current_app, url_for
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select

from pb import audit, errors
from pb.errors import DomainError
from pb.extensions import db
from pb.mail import send_mail
from pb.models import LoginAttempt, Role, RoleAssignment, User, normalise_email, normalise_postcode
from pb.models.base import utcnow
from pb.passwords import hash_password, needs_rehash, verify_password


class AccountError(DomainError):
    """A request the user can fix; the message is shown to them."""


class Throttled(AccountError):
    status = errors.Throttled.status


# Verifying against a real hash when the account does not exist keeps the timing
# of "no such account" and "wrong password" alike.
_DUMMY_HASH: dict[str, str] = {}


def _dummy_hash() -> str:
    profile = current_app.config["ARGON2_PROFILE"]
    if profile not in _DUMMY_HASH:
        _DUMMY_HASH[profile] = hash_password("not-a-real-password-0000")
    return _DUMMY_HASH[profile]


# Tokens -----------------------------------------------------------------------------

def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"pb.{purpose}")


def _fingerprint(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:20]


def make_token(purpose: str, user: User, **extra) -> str:
    payload = {"uid": user.id, "fp": _token_fingerprint(purpose, user), **extra}
    return _serializer(purpose).dumps(payload)


def _token_fingerprint(purpose: str, user: User) -> str:
    # A token is bound to the state it changes, so using it once spends it.
    if purpose == "reset":
        return _fingerprint(user.password_hash)
    return _fingerprint(f"{user.email}|{user.email_verified_at}")


def read_token(purpose: str, token: str, max_age_seconds: int) -> tuple[User, dict]:
    try:
        payload = _serializer(purpose).loads(token, max_age=max_age_seconds)
    except SignatureExpired as exc:
        raise AccountError("That link has expired. Ask for a new one.") from exc
    except BadSignature as exc:
        raise AccountError("That link is not valid. Check you copied all of it.") from exc
    user = db.session.get(User, payload.get("uid")) if isinstance(payload, dict) else None
    if user is None or payload.get("fp") != _token_fingerprint(purpose, user):
        raise AccountError("That link has already been used or is no longer valid.")
    return user, payload


# Registration and verification ---------------------------------------------------------

@dataclass
class Registration:
    display_name: str
    email: str
    password: str
    postcode: str | None = None
    date_of_birth: object = None


def register(data: Registration) -> User:
    email = normalise_email(data.email)
    if User.by_email(email) is not None:
        raise AccountError("An account with that email address already exists. "
                           "Sign in, or reset your password if you have forgotten it.")
    user = User(
        email=email,
        display_name=data.display_name.strip(),
        password_hash=hash_password(data.password),
        postcode=normalise_postcode(data.postcode) if data.postcode else None,
        date_of_birth=data.date_of_birth,
    )
    user.roles.append(RoleAssignment(role=Role.RESIDENT))
    db.session.add(user)
    db.session.flush()
    audit.record("account.registered", user, actor=user, after={"email": email})
    db.session.commit()
    send_verification(user)
    return user


def send_verification(user: User, new_email: str | None = None) -> None:
    token = make_token("verify", user, **({"new": new_email} if new_email else {}))
    link = url_for("auth.verify_email", token=token, _external=True)
    send_mail(new_email or user.email, "Confirm your email address for pb",
              f"Hello {user.display_name},\n\nConfirm your email address by opening this link "
              f"within 3 days:\n\n{link}\n\nIf you did not ask for this, ignore this email.\n")


def verify_email(token: str) -> User:
    max_age = int(current_app.config["EMAIL_VERIFY_MAX_AGE"].total_seconds())
    user, payload = read_token("verify", token, max_age)
    new_email = payload.get("new")
    before = {"email": user.email, "verified": user.is_verified}
    if new_email:
        if User.by_email(new_email) is not None:
            raise AccountError("Another account now uses that email address.")
        user.email = normalise_email(new_email)
    user.email_verified_at = utcnow()
    audit.record("account.email_verified", user, actor=user, before=before,
                 after={"email": user.email, "verified": True})
    db.session.commit()
    return user


# Signing in ----------------------------------------------------------------------------

def _recent_failures(column, value: str, since: datetime) -> int:
    return db.session.scalar(
        select(func.count()).select_from(LoginAttempt).where(
            column == value, LoginAttempt.succeeded.is_(False),
            LoginAttempt.attempted_at >= since)) or 0


def check_throttle(email: str, ip_address: str) -> None:
    config = current_app.config
    since = utcnow() - config["LOGIN_THROTTLE_WINDOW"]
    minutes = int(config["LOGIN_THROTTLE_WINDOW"].total_seconds() // 60)
    if (_recent_failures(LoginAttempt.email, email, since) >= config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
            or _recent_failures(LoginAttempt.ip_address, ip_address, since)
            >= config["LOGIN_MAX_FAILURES_PER_IP"]):
        raise Throttled(f"Too many failed attempts. Wait {minutes} minutes and try again, "
                        "or reset your password.")


def authenticate(email: str, password: str, ip_address: str) -> User:
    email = normalise_email(email)
    check_throttle(email, ip_address)
    user = User.by_email(email)
    ok = verify_password(user.password_hash if user else _dummy_hash(), password)
    ok = ok and user is not None and user.is_active
    db.session.add(LoginAttempt(email=email, ip_address=ip_address, succeeded=ok))
    if not ok:
        if user is not None:
            user.failed_logins = (user.failed_logins or 0) + 1
        audit.record("account.login_failed", object_type="User",
                     object_id=user.id if user else None, after={"email": email}, actor=user)
        db.session.commit()
        raise AccountError("That email address and password do not match an account.")
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.last_login_at = utcnow()
    audit.record("account.login", user, actor=user)
    db.session.commit()
    return user


def sign_out_everywhere(user: User) -> None:
    user.session_version += 1
    audit.record("account.signed_out_everywhere", user, actor=user)
    db.session.commit()


# Passwords and email ---------------------------------------------------------------------

def request_password_reset(email: str) -> None:
    """Send a reset link if the account exists; say nothing either way."""
    user = User.by_email(email)
    if user is None or not user.is_active:
        return
    token = make_token("reset", user)
    link = url_for("auth.reset_password", token=token, _external=True)
    minutes = int(current_app.config["PASSWORD_RESET_MAX_AGE"].total_seconds() // 60)
    audit.record("account.password_reset_requested", user, actor=user)
    db.session.commit()
    send_mail(user.email, "Reset your pb password",
              f"Hello {user.display_name},\n\nSomeone (we hope you) asked to reset your "
              f"password. Open this link within {minutes} minutes to choose a new one. "
              f"It works once.\n\n{link}\n\nIf it was not you, ignore this email: your "
              "password has not changed.\n")


def reset_max_age() -> int:
    return int(current_app.config["PASSWORD_RESET_MAX_AGE"].total_seconds())


def reset_password(token: str, new_password: str) -> User:
    user, _ = read_token("reset", token, reset_max_age())
    _set_password(user, new_password)
    # Following the emailed link proves the address too.
    user.email_verified_at = user.email_verified_at or utcnow()
    audit.record("account.password_reset", user, actor=user)
    db.session.commit()
    return user


def change_password(user: User, current_password: str, new_password: str) -> None:
    if not verify_password(user.password_hash, current_password):
        raise AccountError("Your current password is not right.")
    _set_password(user, new_password)
    audit.record("account.password_changed", user, actor=user)
    db.session.commit()


def _set_password(user: User, new_password: str) -> None:
    user.password_hash = hash_password(new_password)
    # Every other signed-in session ends.
    user.session_version += 1
    user.failed_logins = 0


def request_email_change(user: User, current_password: str, new_email: str) -> None:
    if not verify_password(user.password_hash, current_password):
        raise AccountError("Your current password is not right.")
    new_email = normalise_email(new_email)
    if User.by_email(new_email) is not None:
        raise AccountError("Another account already uses that email address.")
    audit.record("account.email_change_requested", user, actor=user,
                 after={"new_email": new_email})
    db.session.commit()
    send_verification(user, new_email=new_email)


def update_profile(user: User, display_name: str, postcode: str | None, date_of_birth) -> None:
    new = {"display_name": display_name.strip(),
           "postcode": normalise_postcode(postcode) if postcode else None,
           "date_of_birth": date_of_birth}
    changed = sorted(name for name, value in new.items() if getattr(user, name) != value)
    for name, value in new.items():
        setattr(user, name, value)
    # Field names only: the audit log is open to scrutiny, personal details are not.
    audit.record("account.profile_updated", user, actor=user, after={"changed": changed})
    db.session.commit()
