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
    """Anyone with an account who has signed in (no role needed)."""
    return user is not None and user.is_authenticated


def is_officer_of(user, partnership_id: int) -> bool:
    """An officer of that partnership, or an administrator."""
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
    """Award grants and release tranches: the partnership's grant officers (for the
    grants area)."""
    return is_signed_in(user) and (
        user.is_admin or user.has_role(Role.GRANT_OFFICER, partnership_id=partnership_id))


def can_report_for(user, organisation_id: int) -> bool:
    """Send monitoring returns for an organisation's grants: its grantees (for the
    grants area)."""
    return is_signed_in(user) and (
        user.is_admin or user.has_role(Role.GRANTEE, organisation_id=organisation_id))


def can_see_draft_round(user, round_) -> bool:
    """A round not yet public: its partnership's officers, and scrutiny."""
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
    """Turnout counts (never how anyone voted): the round's officers and scrutiny, and
    event staff on duty at one of the round's decision days (added for decision days)."""
    return can_manage_round(user, round_) or can_scrutinise(user) or is_on_duty(user, round_)


def can_certify_result(user, round_, result) -> bool:
    """A second officer of the partnership: not the one who ran the tally or the override."""
    return (can_manage_round(user, round_) and result is not None
            and user.id not in {result.tallied_by_id, result.override_by_id})


# Background jobs -------------------------------------------------------------------------

def can_explore_rules(user) -> bool:
    """The rule explorer (past rounds' ballots or an uploaded .pb under every rule):
    officers of any partnership, and administrators."""
    return is_signed_in(user) and (user.is_admin or bool(user.partnership_ids(Role.OFFICER)))


def can_follow_job(user, job) -> bool:
    """A job's progress and result: the person who started it, and administrators."""
    return is_signed_in(user) and (user.is_admin or job.created_by_id == user.id)


# Grants ------------------------------------------------------------------------------------

def has_declared_interest(user, grant) -> bool:
    """The person declared an interest in the grant (they then decide nothing on it)."""
    return is_signed_in(user) and any(d.user_id == user.id for d in grant.interests)


def can_create_programme(user) -> bool:
    """Start a funding programme: admins, and grant officers (for their own partnership)."""
    return is_signed_in(user) and (user.is_admin or user.has_role(Role.GRANT_OFFICER))


def can_manage_programme(user, programme) -> bool:
    """Change a programme (KPIs, unit costs, rounds): its partnership's grant officers."""
    return can_manage_grants(user, programme.partnership_id)


def can_view_programme_grants(user, programme) -> bool:
    """The programme's grant list: its grant officers, and scrutiny (read-only)."""
    return can_manage_programme(user, programme) or can_scrutinise(user)


def can_manage_grant(user, grant) -> bool:
    """Complete the agreement, review returns, record money: the grant officers of the
    grant's partnership (and admins). Scrutiny and grantees never."""
    return can_manage_grants(user, grant.partnership_id)


def is_grantee_of(user, grant) -> bool:
    """Holds the grantee role for the grant's organisation (admins do not count)."""
    return (is_signed_in(user) and grant.organisation_id is not None
            and user.has_role(Role.GRANTEE, organisation_id=grant.organisation_id))


def can_view_grant(user, grant) -> bool:
    """A grant's private pages (agreement, returns, evidence): its grant officers, its
    organisation's grantees, and scrutiny, read-only. Never other grantees or officers."""
    return can_manage_grant(user, grant) or is_grantee_of(user, grant) or can_scrutinise(user)


def can_report_on_grant(user, grant) -> bool:
    """Write, save and submit the grant's returns and upload evidence: its organisation."""
    return grant.organisation_id is not None and can_report_for(user, grant.organisation_id)


def can_accept_agreement(user, grant) -> bool:
    """Accept the offered agreement: a person holding the grantee role for the grant's
    organisation, its lead. Nobody accepts on an organisation's behalf, admins included."""
    return is_grantee_of(user, grant)


def can_decide_on_grant(user, grant) -> bool:
    """Review returns and record decisions: a grant officer with no declared interest."""
    return can_manage_grant(user, grant) and not has_declared_interest(user, grant)


def can_release_tranche(user, grant) -> bool:
    """Release money (two-person rule): a grant officer with no declared interest who did
    not set the grant up, so no one officer both sets up and pays a grant."""
    return (can_decide_on_grant(user, grant) and grant.set_up_by_id is not None
            and user.id != grant.set_up_by_id)


def can_see_grant_desk(user) -> bool:
    """The grants desk and list: grant officers anywhere, scrutiny and admins."""
    return is_signed_in(user) and (user.is_admin or can_scrutinise(user)
                                   or user.has_role(Role.GRANT_OFFICER))


# Administration ----------------------------------------------------------------------------

def can_administer(user) -> bool:
    """Areas, wards, partnerships, organisations, themes and people's roles: administrators."""
    return is_signed_in(user) and user.is_admin


def can_edit_public_pages(user) -> bool:
    """The accessibility, contact, cookies, terms and privacy pages' text: administrators."""
    return is_signed_in(user) and user.is_admin


# Decision days ------------------------------------------------------------------------------

def is_on_duty(user, round_, event=None) -> bool:
    """Event staff of the round's partnership listed as on duty at one of its decision days
    (at ``event`` when given)."""
    if not is_signed_in(user) or not user.has_role(Role.EVENT_STAFF,
                                                   partnership_id=round_.partnership_id):
        return False
    from sqlalchemy import select

    from pb.extensions import db
    from pb.models.event import Event, EventStaff

    query = select(EventStaff.id).join(Event, Event.id == EventStaff.event_id).where(
        Event.round_id == round_.id, EventStaff.user_id == user.id)
    if event is not None:
        query = query.where(Event.id == event.id)
    return db.session.scalar(query.limit(1)) is not None


def can_set_up_event(user, round_) -> bool:
    """Create and change a decision day, its agenda, staff and tablets: the round's officers."""
    return can_manage_round(user, round_)


def can_work_event(user, event) -> bool:
    """The desk, tablets' status, paper entry and the event's turnout: the round's officers,
    and event staff of the partnership on duty at this event."""
    return can_manage_round(user, event.round) or is_on_duty(user, event.round, event)


def can_issue_codes(user, round_) -> bool:
    """Make voting codes (batches, or one on the spot at a desk): the round's officers, and
    event staff of the partnership on duty at one of the round's decision days."""
    return can_manage_round(user, round_) or is_on_duty(user, round_)


def can_resolve_paper(user, event, paper) -> bool:
    """Settle a paper ballot whose two entries disagree: someone who may work the event and
    keyed neither entry (a third person, looking at the paper)."""
    return can_work_event(user, event) and all(
        entry.entered_by_id != user.id for entry in paper.entries)


def can_see_event_report(user, event) -> bool:
    """An event's report (counts only, small numbers suppressed): anyone once the round's
    result is published; before that, whoever may see the round's turnout."""
    return event.round.status == "results" or can_see_turnout(user, event.round)


# Scrutiny --------------------------------------------------------------------------------

def can_see_programme_dashboard(user) -> bool:
    """The programme dashboard (money, results, KPIs, turnout, equality with small numbers
    suppressed): everyone, signed in or not."""
    return True


def can_see_all_turnout(user) -> bool:
    """Turnout of rounds whose results are not yet published, on the dashboard: scrutiny
    and administrators (everyone else sees rounds with published results)."""
    return can_scrutinise(user)


def can_see_scrutiny_detail(user) -> bool:
    """Non-public detail (officers' review decisions with reasons, cost changes, result
    and RAG overrides, declared interests), read-only: scrutiny and administrators. Never
    anything that links a person to how they voted."""
    return can_scrutinise(user)


def can_declare_round_interest(user, round_) -> bool:
    """Declare an interest in a round: its partnership's officers, event staff and grant
    officers (and administrators)."""
    return is_signed_in(user) and (
        can_manage_round(user, round_)
        or user.has_role(Role.EVENT_STAFF, partnership_id=round_.partnership_id)
        or user.has_role(Role.GRANT_OFFICER, partnership_id=round_.partnership_id))


# Personal data ---------------------------------------------------------------------------

def can_delete_account(user, account) -> bool:
    """Only the account's owner, signed in, and only for an account with no staff role
    (officers, event staff, scrutiny, grant officers, grantees and admins are closed by an
    administrator, so the work they are accountable for keeps a named owner)."""
    if not is_signed_in(user) or user.id != account.id:
        return False
    return all(role.value == "resident" for role in account.role_set())
