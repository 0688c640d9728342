"""Password hashing (argon2id) and the password policy.

Policy (NIST SP 800-63B style): 10 to 128 characters, not on a list of common
passwords, and no composition rules.
"""

from __future__ import annotations

import gzip
from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext as _

COMMON_PASSWORDS_FILE = Path(__file__).parent / "data" / "common-passwords.txt.gz"


def _hasher() -> PasswordHasher:
    profile = getattr(profiles, current_app.config["ARGON2_PROFILE"])
    return PasswordHasher.from_parameters(profile)


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher().check_needs_rehash(stored_hash)


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    with gzip.open(COMMON_PASSWORDS_FILE, "rt", encoding="utf-8") as handle:
        return frozenset(line.strip().lower() for line in handle if line.strip())


def password_problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """Why a new password is not acceptable, or None when it is."""
    config = current_app.config
    if len(password) < config["PASSWORD_MIN_LENGTH"]:
        return _("Use at least %(num)s characters.", num=config["PASSWORD_MIN_LENGTH"])
    if len(password) > config["PASSWORD_MAX_LENGTH"]:
        return _("Use at most %(num)s characters.", num=config["PASSWORD_MAX_LENGTH"])
    lowered = password.lower()
    if lowered in common_passwords():
        return _("That password is on a list of commonly used passwords. Choose another.")
    if email and lowered == email.strip().lower():
        return _("Do not use your email address as your password.")
    if len(set(lowered)) < 3:
        return _("That password is too easy to guess. Choose another.")
    return None
