"""Paper reconciliation before the count: what is still pending, and an officer's reason
to count anyway.

Pending means papers received but not keyed, papers keyed once (waiting for their
second entry) and papers in the reconciliation queue, across all the round's decision
days. The count (``pb.results.services.tally``) asks ``check_before_tally`` and is
refused while anything is pending, unless an officer has recorded why for exactly
these pending figures: if more papers arrive or are keyed, they must say why again.
"""

from __future__ import annotations

import json

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select

from pb import audit
from pb.errors import NotAllowed
from pb.events import EventConflict, EventError
from pb.extensions import db
from pb.models import Event, PaperBallot, PaperWaiver, Round, User
from pb.models.event import PAPER_COUNTED, PAPER_KEYED_ONCE, PAPER_QUEUE, PAPER_SPOILT
from pb.policy import can_manage_round


def figures(event: Event) -> dict:
    """Paper ballots at one event: received, entered, matched, spoilt and what is pending."""
    by_status = dict(db.session.execute(
        select(PaperBallot.status, func.count()).where(PaperBallot.event_id == event.id)
        .group_by(PaperBallot.status)).all())
    entered = sum(by_status.values())
    return {"received": event.paper_received, "entered": entered,
            "matched": sum(by_status.get(s, 0) for s in PAPER_COUNTED),
            "spoilt": by_status.get(PAPER_SPOILT, 0),
            "keyed_once": by_status.get(PAPER_KEYED_ONCE, 0),
            "queue": by_status.get(PAPER_QUEUE, 0),
            "not_keyed": max(event.paper_received - entered, 0)}


def pending(round_: Round) -> dict:
    """What is pending across the round's decision days (all zero: nothing)."""
    totals = {"not_keyed": 0, "keyed_once": 0, "queue": 0}
    for event in db.session.scalars(select(Event).where(Event.round_id == round_.id)):
        numbers = figures(event)
        for key in totals:
            totals[key] += numbers[key]
    return totals


def describe(totals: dict) -> str:
    parts = []
    if totals["not_keyed"]:
        parts.append(ngettext("%(num)d received paper ballot not yet keyed",
                              "%(num)d received paper ballots not yet keyed",
                              totals["not_keyed"]))
    if totals["keyed_once"]:
        parts.append(_("%(num)d keyed once, waiting for their second entry",
                       num=totals["keyed_once"]))
    if totals["queue"]:
        parts.append(_("%(num)d in the reconciliation queue", num=totals["queue"]))
    return "; ".join(parts)


def latest_waiver(round_: Round) -> PaperWaiver | None:
    return db.session.scalar(select(PaperWaiver).where(PaperWaiver.round_id == round_.id)
                             .order_by(PaperWaiver.id.desc()).limit(1))


def _key(totals: dict) -> str:
    return json.dumps(totals, sort_keys=True)


def check_before_tally(round_: Round) -> None:
    """Refuse the count while paper reconciliation is pending, unless an officer recorded
    why for exactly what is pending now."""
    totals = pending(round_)
    if not any(totals.values()):
        return
    waiver = latest_waiver(round_)
    if waiver is not None and waiver.pending_json == _key(totals):
        return
    raise EventConflict(_(
        "Paper ballots are still being reconciled: %(pending)s. Finish keying them, or "
        "record on the decision day's “Close and count” page why the count should run now.",
        pending=describe(totals)))


def record_waiver(actor: User, round_: Round, reason: str) -> PaperWaiver:
    """An officer records why the count may run with paper ballots pending."""
    if not can_manage_round(actor, round_):
        raise NotAllowed(_("Only the partnership's officers can decide to count now."))
    totals = pending(round_)
    if not any(totals.values()):
        raise EventError(_("No paper ballots are pending: the count can run without a reason."))
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise EventError(_("Say why the count should run now (at least a sentence): it is kept "
                         "in the audit log."), field="reason")
    waiver = PaperWaiver(round_id=round_.id, reason=reason, pending_json=_key(totals),
                         recorded_by_id=actor.id)
    db.session.add(waiver)
    db.session.flush()
    audit.record("paper.count_with_pending", round_, after={"pending": totals,
                                                            "reason": reason}, actor=actor)
    db.session.commit()
    return waiver
