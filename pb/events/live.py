"""The live screen for a projector, and the reveal of the result.

The screen is public: it shows the number checked in and the votes so far by channel
(unless officers hide the running totals), and, once an officer reveals a certified
result, the funded projects one by one with their amounts while a bar fills towards
the budget. It never shows anything else: no names, no ballots, no provisional count.
"""

from __future__ import annotations

from flask_babel import gettext as _

from pb import audit
from pb.errors import NotAllowed
from pb.events import EventError, queries
from pb.extensions import db
from pb.models import Event, User
from pb.models.base import utcnow
from pb.policy import can_manage_round
from pb.results import services as results

STEP_SECONDS = 4  # one more funded project appears every STEP_SECONDS
POLL_SECONDS = 5


def set_totals_hidden(actor: User, event: Event, hidden: bool) -> Event:
    if not can_manage_round(actor, event.round):
        raise NotAllowed(_("Only the partnership's officers can change the live screen."))
    if event.totals_hidden != hidden:
        event.totals_hidden = hidden
        audit.record("event.totals_hidden" if hidden else "event.totals_shown", event,
                     actor=actor)
    db.session.commit()
    return event


def reveal(actor: User, event: Event) -> Event:
    """Start revealing the certified result on the live screen (once; pressing again
    does nothing more)."""
    if not can_manage_round(actor, event.round):
        raise NotAllowed(_("Only the partnership's officers can reveal the result."))
    result = results.result_for(event.round)
    if result is None or not result.is_certified:
        raise EventError(_("The result can be revealed once it is counted and a second officer "
                         "has certified it."))
    if event.revealed_at is None:
        event.revealed_at = utcnow()
        audit.record("event.result_revealed", event, actor=actor)
    db.session.commit()
    return event


def funded(event: Event) -> tuple[list[dict], int]:
    """The certified result's funded projects in order, and the budget (empty if none)."""
    result = results.result_for(event.round)
    if result is None or not result.is_certified:
        return [], event.round.budget_pence
    rows = [r for r in results.result_rows(result, event.round) if r["selected"]]
    return rows, result.budget_pence


def screen(event: Event) -> dict:
    """What the live screen shows now."""
    data = {"checked_in": queries.checked_in(event), "totals_hidden": event.totals_hidden,
            "revealing": False}
    if not event.totals_hidden or event.revealed_at is not None:
        votes = queries.votes_by_channel(event)
        data.update(votes=votes, total=sum(votes.values()))
    if event.revealed_at is not None:
        rows, budget = funded(event)
        elapsed = (utcnow() - event.revealed_at).total_seconds()
        shown = rows[:min(len(rows), 1 + int(elapsed // STEP_SECONDS))]
        spent = sum(r["cost"] for r in shown)
        # Only the project that has just appeared fades in (the screen is redrawn each poll).
        newest = len(shown) - 1 if elapsed - (len(shown) - 1) * STEP_SECONDS < POLL_SECONDS \
            else None
        data.update(revealing=True, shown=shown, all_shown=len(shown) == len(rows),
                    newest=newest,
                    count=len(rows), spent=spent, budget=budget,
                    percent=min(100, spent * 100 // budget) if budget else 0)
    return data
