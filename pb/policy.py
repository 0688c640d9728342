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


def is_signed_in(user) -> bool:
    return user is not None and user.is_authenticated


def is_officer_of(user, partnership_id: int) -> bool:
    return is_signed_in(user) and (
        user.is_admin or user.has_role(Role.OFFICER, partnership_id=partnership_id))


def can_manage_round(user, round_) -> bool:
    """Set up, review proposals, open and close votes, tally: the partnership's officers."""
    return is_officer_of(user, round_.partnership_id)


def can_run_event(user, round_) -> bool:
    """Decision-day work: event staff or officers of the round's partnership."""
    return is_signed_in(user) and (
        can_manage_round(user, round_)
        or user.has_role(Role.EVENT_STAFF, partnership_id=round_.partnership_id))


def can_scrutinise(user) -> bool:
    """Read-only access to everything that is not personal data (audit log included)."""
    return is_signed_in(user) and (user.is_admin or user.has_role(Role.SCRUTINY))


def can_manage_grants(user, partnership_id: int) -> bool:
    return is_signed_in(user) and (
        user.is_admin or user.has_role(Role.GRANT_OFFICER, partnership_id=partnership_id))


def can_report_for(user, organisation_id: int) -> bool:
    return is_signed_in(user) and (
        user.is_admin or user.has_role(Role.GRANTEE, organisation_id=organisation_id))


def can_see_draft_round(user, round_) -> bool:
    return can_manage_round(user, round_) or can_scrutinise(user)


# Proposals -------------------------------------------------------------------------------

def is_proposer_of(user, proposal) -> bool:
    """The resident who put it forward, or the staff member who typed in a paper one."""
    return is_signed_in(user) and user.id in (proposal.proposer_id,
                                            proposal.entered_on_behalf_by_id)


def can_review_proposals(user, round_) -> bool:
    """Review, shortlist, merge and edit after the deadline: the partnership's officers."""
    return can_manage_round(user, round_)


def can_enter_paper_proposal(user, round_) -> bool:
    """Type in a proposal handed in on paper: officers, and the partnership's event staff
    (who act as its community champions)."""
    return can_run_event(user, round_)


def can_view_proposal(user, proposal) -> bool:
    """Anyone sees a submitted proposal of a public round; drafts only their proposer
    and the partnership's officers."""
    round_ = proposal.round
    if can_manage_round(user, round_) or is_proposer_of(user, proposal):
        return True
    if proposal.status == "draft":
        return False
    return round_.is_published or can_see_draft_round(user, round_)


def can_see_turnout(user, round_) -> bool:
    """Turnout counts (never how anyone voted): the round's officers and scrutiny."""
    return can_manage_round(user, round_) or can_scrutinise(user)


def can_certify_result(user, round_, result) -> bool:
    """A second officer of the partnership: not the one who ran the tally or the override."""
    return (can_manage_round(user, round_) and result is not None
            and user.id not in {result.tallied_by_id, result.override_by_id})


# Administration ----------------------------------------------------------------------------

def can_administer(user) -> bool:
    """Areas, wards, partnerships, organisations, themes and people's roles: administrators."""
    return is_signed_in(user) and user.is_admin
