"""Account use cases: registering, confirming the address, passwords, email and profile.

Each takes the person acting on their own account, is one transaction with its
audit entry, and refuses with ``AccountError``. Signing in and out is in ``signin``.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, url_for
from flask_babel import gettext as _

from pb import audit
from pb.auth import AccountError
from pb.auth.tokens import make_token, read_token
from pb.extensions import db
from pb.mail import send_mail
from pb.models import Role, RoleAssignment, User, normalise_email, normalise_postcode
from pb.models.base import utcnow
from pb.passwords import hash_password, verify_password

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
        raise AccountError(_("An account with that email address already exists. "
                             "Sign in, or reset your password if you have forgotten it."))
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
            raise AccountError(_("Another account now uses that email address."))
        user.email = normalise_email(new_email)
    user.email_verified_at = utcnow()
    audit.record("account.email_verified", user, actor=user, before=before,
                 after={"email": user.email, "verified": True})
    db.session.commit()
    return user


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
    user, _fingerprint = read_token("reset", token, reset_max_age())
    _set_password(user, new_password)
    # Following the emailed link proves the address too.
    user.email_verified_at = user.email_verified_at or utcnow()
    audit.record("account.password_reset", user, actor=user)
    db.session.commit()
    return user


def change_password(user: User, current_password: str, new_password: str) -> None:
    if not verify_password(user.password_hash, current_password):
        raise AccountError(_("Your current password is not right."))
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
        raise AccountError(_("Your current password is not right."))
    new_email = normalise_email(new_email)
    if User.by_email(new_email) is not None:
        raise AccountError(_("Another account already uses that email address."))
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
