"""Who may do what: the one place where authorisation is decided.

Views guard themselves with ``role_required`` (signed in and holding one of the
roles, anywhere) and then ask the ``can_*`` functions about the object at hand,
because most roles are scoped to one partnership or organisation.
"""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user

from pb.models import Role


def role_required(*roles: Role):
    """Signed in (else the log-in page) and holding one of ``roles`` (else 403).

    Administrators pass every check. With no roles, being signed in is enough.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                from pb.extensions import login_manager

                return login_manager.unauthorized()
            if roles and not (current_user.is_admin or current_user.role_set() & set(roles)):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_roles = roles
        return wrapped

    return decorator


def admin_required(view):
    return role_required(Role.ADMIN)(view)


def require(allowed: bool) -> None:
    if not allowed:
        abort(403)


def _signed_in(user) -> bool:
    return user is not None and user.is_authenticated


def is_officer_of(user, partnership_id: int) -> bool:
    return _signed_in(user) and (
        user.is_admin or user.has_role(Role.OFFICER, partnership_id=partnership_id))


def can_manage_round(user, round_) -> bool:
    """Set up, review proposals, open and close votes, tally: the partnership's officers."""
    return is_officer_of(user, round_.partnership_id)


def can_run_event(user, round_) -> bool:
    """Decision-day work: event staff or officers of the round's partnership."""
    return _signed_in(user) and (
        can_manage_round(user, round_)
        or user.has_role(Role.EVENT_STAFF, partnership_id=round_.partnership_id))


def can_scrutinise(user) -> bool:
    """Read-only access to everything that is not personal data (audit log included)."""
    return _signed_in(user) and (user.is_admin or user.has_role(Role.SCRUTINY))


def can_manage_grants(user, partnership_id: int) -> bool:
    return _signed_in(user) and (
        user.is_admin or user.has_role(Role.GRANT_OFFICER, partnership_id=partnership_id))


def can_report_for(user, organisation_id: int) -> bool:
    return _signed_in(user) and (
        user.is_admin or user.has_role(Role.GRANTEE, organisation_id=organisation_id))


def can_see_draft_round(user, round_) -> bool:
    return can_manage_round(user, round_) or can_scrutinise(user)
