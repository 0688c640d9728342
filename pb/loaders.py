"""Load-or-404 for the objects in URLs, shared by every area's views.

Each loader answers 404 both when the object does not exist and when the viewer may
not know it exists (a draft round, someone else's draft proposal), so that ids cannot
be probed. Ids beyond a database integer are simply "not found".
"""

from __future__ import annotations

from flask import abort
from flask_login import current_user
from werkzeug.exceptions import Forbidden

from pb import policy
from pb.extensions import db
from pb.models import Proposal, Round

MAX_ID = 2**31 - 1  # PostgreSQL's integer: larger ids cannot exist (and would error)


def get_or_none(model, object_id: int | None):
    if not 0 < (object_id or 0) <= MAX_ID:
        return None
    return db.session.get(model, object_id)


def visible_round_or_404(round_id: int) -> Round:
    """The round, or 404 when it does not exist or is a draft the viewer may not see."""
    round_ = get_or_none(Round, round_id)
    if round_ is None or (not round_.is_published
                          and not policy.can_see_draft_round(current_user, round_)):
        abort(404)
    return round_


def published_round_or_404(round_id: int) -> Round:
    """The round if it is public (open data never shows drafts, whoever asks)."""
    round_ = get_or_none(Round, round_id)
    if round_ is None or not round_.is_published:
        abort(404)
    return round_


def managed_round_or_404(round_id: int) -> Round:
    """The round, for its partnership's officers only (403 for anyone else signed in)."""
    round_ = get_or_none(Round, round_id)
    if round_ is None:
        abort(404)
    if not policy.can_manage_round(current_user, round_):
        abort(403)
    return round_


def proposal_or_404(proposal_id: int) -> Proposal:
    """The proposal, or 404 when it does not exist or the viewer may not see it."""
    proposal = get_or_none(Proposal, proposal_id)
    if proposal is None or not policy.can_view_proposal(current_user, proposal):
        abort(404)
    return proposal


def job_or_404(job_id: str):
    from pb.models import Job

    if not job_id or len(job_id) != 32 or not job_id.isalnum():
        abort(404)
    job = db.session.get(Job, job_id)
    if job is None:
        abort(404)
    return job


# Grants ------------------------------------------------------------------------------------

def programme_or_404(programme_id: int):
    """A funding programme: public (its open data and cost-benefit are public)."""
    from pb.models import Programme

    programme = get_or_none(Programme, programme_id)
    if programme is None:
        abort(404)
    return programme


def managed_programme_or_404(programme_id: int):
    """A programme, for its grant officers only (403 for anyone else)."""
    programme = programme_or_404(programme_id)
    if not policy.can_manage_programme(current_user, programme):
        abort(403)
    return programme


def grant_or_404(grant_id: int):
    """A grant's private side: 404 unless the viewer may see it (ids cannot be probed)."""
    from pb.models import Grant

    grant = get_or_none(Grant, grant_id)
    if grant is None or not policy.can_view_grant(current_user, grant):
        abort(404)
    return grant


def public_grant_or_404(grant_id: int):
    """A grant's public progress page: every grant made from a public decision."""
    from pb.models import Grant

    grant = get_or_none(Grant, grant_id)
    if grant is None:
        abort(404)
    return grant


def grant_return_or_404(grant, return_id: int):
    """One of the grant's monitoring returns (the grant already checked)."""
    from pb.models import MonitoringReturn

    monitoring_return = get_or_none(MonitoringReturn, return_id)
    if monitoring_return is None or monitoring_return.grant_id != grant.id:
        abort(404)
    return monitoring_return


# Decision days -----------------------------------------------------------------------------

def event_or_404(event_id: int):
    """A decision day of a round the viewer may see (its live screen is public)."""
    from pb.models import Event

    event = get_or_none(Event, event_id)
    if event is None or (not event.round.is_published
                         and not policy.can_see_draft_round(current_user, event.round)):
        abort(404)
    return event


def worked_event_or_404(event_id: int):
    """A decision day, for its officers and the staff on duty there (403 for others)."""
    event = event_or_404(event_id)
    if not policy.can_work_event(current_user, event):
        refused = Forbidden()
        refused.pb_message = ("This page is for the partnership's officers and the staff on "
                              "duty at this event. If you are working here today, ask an "
                              "officer to put you on duty on the event's page.")
        raise refused
    return event


def set_up_event_or_404(event_id: int):
    """A decision day, for the round's officers only (403 for anyone else)."""
    event = event_or_404(event_id)
    if not policy.can_set_up_event(current_user, event.round):
        abort(403)
    return event
