"""Signed, expiring, single-use links sent by email (confirm, reset, unlock).

Each purpose has its own salt, so a link made for one cannot be used for another, and
a fingerprint of the state it changes, so using it once spends it.
"""

from __future__ import annotations

import hashlib

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from pb.auth import AccountError
from pb.loaders import get_or_none
from pb.models import User


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
    if purpose == "unlock":
        from pb.auth.signin import last_success

        return _fingerprint(f"{user.password_hash}|{last_success(user.email)}")
    return _fingerprint(f"{user.email}|{user.email_verified_at}")


def read_token(purpose: str, token: str, max_age_seconds: int) -> tuple[User, dict]:
    try:
        payload = _serializer(purpose).loads(token, max_age=max_age_seconds)
    except SignatureExpired as exc:
        raise AccountError(_("That link has expired. Ask for a new one.")) from exc
    except BadSignature as exc:
        raise AccountError(_("That link is not valid. Check you copied all of it.")) from exc
    uid = payload.get("uid") if isinstance(payload, dict) else None
    user = get_or_none(User, uid) if isinstance(uid, int) else None
    if user is None or payload.get("fp") != _token_fingerprint(purpose, user):
        raise AccountError(_("That link has already been used or is no longer valid."))
    return user, payload

