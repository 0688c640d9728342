"""Setting up a decision day: the event, the projects on its ballot and their pitch order,
and the staff on duty. Officers of the round's partnership only.

The projects on an event's ballot are the round's ballot (its shortlist) within the
event's scope: one ward's projects and the area-wide ones for a ward's event, all of
them otherwise. The ballot is the round's, so every channel counts in one tally; an
event adds each project's number on the paper (never reused) and its pitch slot.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select

from pb import audit
from pb.errors import NotAllowed
from pb.events import EventConflict, EventError
from pb.extensions import db
from pb.loaders import get_or_none
from pb.models import Event, EventProject, EventStaff, Proposal, Role, Round, User, Ward
from pb.policy import can_set_up_event
from pb.voting.services import ballot_proposals, is_area_wide


@dataclass
class EventDetails:
    """What the set-up form gives (times in UTC)."""

    name: str
    venue: str
    starts_at: datetime
    ends_at: datetime
    ward_id: int | None = None
    accessibility: str = ""
    contact: str = ""
    uses_tablets: bool = True
    uses_paper: bool = True
    pitch_minutes: int = 3


def _check(actor: User, round_: Round, details: EventDetails) -> None:
    if not can_set_up_event(actor, round_):
        raise NotAllowed(_("Only the partnership's officers can set up its decision days."))
    if details.ends_at <= details.starts_at:
        raise EventError(_("The event must end after it starts."), field="ends_time")
    if details.ward_id is not None:
        ward = get_or_none(Ward, details.ward_id)
        if ward is None or ward.area_id != round_.area_id:
            raise EventError(_("Choose one of %(area)s's wards, or the whole round.",
                               area=round_.area.name),
                             field="ward_id")
    if round_.status in ("closed", "results"):
        raise EventError(_("Voting in this round has closed, so it can have no new decision day."))


def _snapshot(event: Event) -> dict:
    return {name: getattr(event, name) for name in (
        "name", "venue", "starts_at", "ends_at", "ward_id", "accessibility", "contact",
        "uses_tablets", "uses_paper", "pitch_minutes")}


def create_event(actor: User, round_: Round, details: EventDetails) -> Event:
    _check(actor, round_, details)
    event = Event(round_id=round_.id, created_by_id=actor.id, **vars(details))
    db.session.add(event)
    db.session.flush()
    add_new_projects(event)
    audit.record("event.created", event, after={"round_id": round_.id, **_snapshot(event)},
                 actor=actor)
    db.session.commit()
    return event


def update_event(actor: User, event: Event, details: EventDetails, version: int | None) -> Event:
    _check(actor, event.round, details)
    locked = _locked(event)
    if version is not None and version != locked.version:
        raise EventConflict(_("Another officer changed this event while you were editing it. "
                            "Check the details below, then save again."))
    before = _snapshot(locked)
    for name, value in vars(details).items():
        setattr(locked, name, value)
    locked.version += 1
    db.session.flush()
    add_new_projects(locked)
    audit.record("event.updated", locked, before=before, after=_snapshot(locked), actor=actor)
    db.session.commit()
    return locked


def _locked(event: Event) -> Event:
    """The event's row, locked for this transaction (PostgreSQL; SQLite's write
    transactions already run one at a time), so two officers' changes queue up."""
    return db.session.scalar(select(Event).where(Event.id == event.id).with_for_update()
                             .execution_options(populate_existing=True))


# The projects on the ballot ----------------------------------------------------------------

def in_scope(event: Event) -> list[Proposal]:
    """The round's ballot projects that this event's voters choose from."""
    proposals = ballot_proposals(event.round)
    if event.ward_id is None:
        return proposals
    return [p for p in proposals
            if is_area_wide(p) or event.ward_id in {w.id for w in p.wards}]


def add_new_projects(event: Event) -> int:
    """Give projects newly on the ballot a number and a pitch slot at the end (the caller
    commits). Numbers are never reused, so printed papers stay right."""
    have = {ep.proposal_id for ep in event.projects}
    number, position = db.session.execute(
        select(func.coalesce(func.max(EventProject.number), 0),
               func.coalesce(func.max(EventProject.position), 0))
        .where(EventProject.event_id == event.id)).one()
    added = 0
    for proposal in in_scope(event):
        if proposal.id in have:
            continue
        number += 1
        position += 1
        added += 1
        db.session.add(EventProject(event_id=event.id, proposal_id=proposal.id,
                                    number=number, position=position))
    db.session.flush()
    db.session.expire(event, ["projects"])
    return added


def refresh_projects(actor: User, event: Event) -> int:
    """Add projects shortlisted since the event was set up; returns how many."""
    if not can_set_up_event(actor, event.round):
        raise NotAllowed(_("Only the partnership's officers can change the agenda."))
    _locked(event)
    added = add_new_projects(event)
    if added:
        audit.record("event.projects_added", event, after={"added": added}, actor=actor)
    db.session.commit()
    return added


def move_pitch(actor: User, event: Event, item_id: int, direction: str) -> None:
    """Move a pitch one place up or down the agenda."""
    if not can_set_up_event(actor, event.round):
        raise NotAllowed(_("Only the partnership's officers can change the agenda."))
    if direction not in ("up", "down"):
        raise EventError(_("Move a pitch up or down."))
    _locked(event)
    items = list(db.session.scalars(select(EventProject).where(EventProject.event_id == event.id)
                                    .order_by(EventProject.position, EventProject.id)))
    index = next((i for i, item in enumerate(items) if item.id == item_id), None)
    if index is None:
        raise EventError(_("That pitch is not on this event's agenda."), status=404)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(items):
        items[index], items[other] = items[other], items[index]
    for position, item in enumerate(items, start=1):
        item.position = position
    audit.record("event.agenda_moved", event, after={"item": item_id, "direction": direction,
                                                     "order": [i.proposal_id for i in items]},
                 actor=actor)
    db.session.commit()
    db.session.expire(event, ["projects"])


# Staff on duty -------------------------------------------------------------------------------

def staff_choices(event: Event) -> list[User]:
    """The partnership's event staff and officers not yet on duty at this event."""
    on_duty = {s.user_id for s in event.staff}
    from pb.models import RoleAssignment

    users = db.session.scalars(
        select(User).join(RoleAssignment, RoleAssignment.user_id == User.id)
        .where(RoleAssignment.partnership_id == event.round.partnership_id,
               RoleAssignment.role.in_([Role.EVENT_STAFF, Role.OFFICER]),
               User.is_active_account.is_(True))
        .order_by(User.display_name, User.id)).unique().all()
    return [u for u in users if u.id not in on_duty]


def add_staff(actor: User, event: Event, user_id: int | None) -> EventStaff:
    if not can_set_up_event(actor, event.round):
        raise NotAllowed(_("Only the partnership's officers can put staff on duty."))
    user = get_or_none(User, user_id)
    if user is None or user not in staff_choices(event):
        raise EventError(_("Choose one of the partnership's event staff or officers who is not "
                         "already on duty here."), field="user_id")
    staff = EventStaff(event_id=event.id, user_id=user.id, added_by_id=actor.id)
    db.session.add(staff)
    db.session.flush()
    audit.record("event.staff_added", event, after={"user_id": user.id}, actor=actor)
    db.session.commit()
    return staff


def remove_staff(actor: User, event: Event, staff_id: int) -> None:
    if not can_set_up_event(actor, event.round):
        raise NotAllowed(_("Only the partnership's officers can change who is on duty."))
    staff = get_or_none(EventStaff, staff_id)
    if staff is None or staff.event_id != event.id:
        raise EventError(_("That person is not on duty at this event."), status=404)
    audit.record("event.staff_removed", event, after={"user_id": staff.user_id}, actor=actor)
    db.session.delete(staff)
    db.session.commit()
