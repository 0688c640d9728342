"""Daily reminders: grantees hear before a return is due; officers hear when it is overdue.

``remind`` is what ``flask --app pb grants remind`` runs each day. Each reminder is
logged (``ReturnReminder``, unique per return and kind), so running it twice in a day,
or every day, never sends the same reminder twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from pb import audit
from pb.extensions import db
from pb.grants.notify import grantees_of, officers_of, send
from pb.models import Grant, MonitoringReturn, ReturnReminder

DAYS_BEFORE = 7


@dataclass
class ReminderRun:
    day: date
    before_due: list[str] = field(default_factory=list)
    overdue: list[str] = field(default_factory=list)
    emails: int = 0


def _open_returns():
    return db.session.scalars(
        select(MonitoringReturn).join(Grant, Grant.id == MonitoringReturn.grant_id)
        .where(Grant.status == "active",
               MonitoringReturn.status.in_(("draft", "sent_back")))
        .order_by(MonitoringReturn.due_date, MonitoringReturn.id)
        .options(selectinload(MonitoringReturn.grant))).all()


def _kinds_sent(return_ids: list[int]) -> set[tuple[int, str]]:
    if not return_ids:
        return set()
    return set(db.session.execute(select(ReturnReminder.return_id, ReturnReminder.kind)
                                  .where(ReturnReminder.return_id.in_(return_ids))).all())


def remind(day: date) -> ReminderRun:
    """Send the reminders due on ``day``; the caller commits nothing (this does)."""
    run = ReminderRun(day)
    returns = _open_returns()
    sent = _kinds_sent([r.id for r in returns])
    for ret in returns:
        owed = ret.owed_by()
        label = f"{ret.grant.reference} {ret.label.lower()}"
        before_kind, overdue_kind = f"due:{ret.review_cycle}", f"overdue:{ret.review_cycle}"
        if day > owed and (ret.id, overdue_kind) not in sent:
            run.emails += _overdue(ret, day - owed)
            _log(ret, overdue_kind, day)
            run.overdue.append(label)
        elif owed - timedelta(days=DAYS_BEFORE) <= day <= owed and (
                ret.id, before_kind) not in sent:
            run.emails += _before_due(ret, owed)
            _log(ret, before_kind, day)
            run.before_due.append(label)
    if run.before_due or run.overdue:
        audit.record("grants.reminders_sent", object_type="system", after={
            "day": day, "before_due": run.before_due, "overdue": run.overdue,
            "emails": run.emails})
    db.session.commit()
    return run


def _log(ret, kind: str, day: date) -> None:
    db.session.add(ReturnReminder(return_id=ret.id, kind=kind, sent_on=day))
    db.session.flush()


def _before_due(ret, owed: date) -> int:
    grant = ret.grant
    what = "corrected " if ret.status == "sent_back" else ""
    return send(grantees_of(grant), f"Reminder: your {what}{ret.label.lower()} is due "
                                    f"{owed:%-d %B}",
                f"Your {what}{ret.label.lower()} for {grant.title} ({grant.reference}) is due "
                f"by {owed:%-d %B %Y}. Your draft is saved in pb: finish it and submit it "
                "there.")


def _overdue(ret, late: timedelta) -> int:
    grant = ret.grant
    days = late.days
    notice = (f"{ret.label} for {grant.title} ({grant.reference}) was due on "
              f"{ret.owed_by():%-d %B %Y} and is {days} day{'s' if days != 1 else ''} overdue.")
    return (send(officers_of(grant), f"Overdue return: {grant.title}",
                 notice + " It is flagged on your grants desk.")
            + send(grantees_of(grant), f"Your {ret.label.lower()} is overdue",
                   notice + " Please submit it in pb as soon as you can."))
