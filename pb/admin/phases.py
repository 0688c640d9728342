"""Phase controls: officers open and close proposals, the review and voting "now".

A round's phase follows its timetable (``Round.status_at``), so each action sets the
timetable's dates to now, and moves any earlier phase's date that is still in the
future to now as well, so the timetable stays true and in order. Each action is
confirmed on a page that shows exactly which dates change, is audited, and is done
once: the form carries the phase the officer saw and a submission key. When two
officers press at once, the round's row is locked (PostgreSQL; SQLite serialises
writers), the first wins, and the second is told what happened, with nothing changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from pb import audit, submissions
from pb.admin import AdminError
from pb.errors import Conflict, NotAllowed
from pb.extensions import db
from pb.models import Round, User
from pb.models.base import utcnow
from pb.models.round import LOCKED_WHEN_VOTING, STATUS_LABELS, VOTER_VERIFICATION, WARD_BALLOTS
from pb.money import format_pence
from pb.policy import can_manage_round
from pb.templating import format_datetime
from pb.voting.services import ballot_proposals

ACTION = "round.phase_changed"

DATE_LABELS = {
    "proposals_open_at": _l("Proposals open"), "proposals_close_at": _l("Proposals close"),
    "review_close_at": _l("Review ends"), "voting_open_at": _l("Voting opens"),
    "voting_close_at": _l("Voting closes"),
}

# What each locked setting is called on the page.
LOCKED_LABELS = {
    "budget_pence": _l("Budget"), "ballot_design": _l("Ballot"), "allocation_rule": _l("How winners are "
    "chosen"), "tie_break": _l("Ties"), "ballot_min_choices": _l("Fewest choices"),
    "ballot_max_choices": _l("Most choices"), "ballot_points_total": _l("Points to share"),
    "ballot_points_per_project_max": _l("Most points on one project"),
    "ballot_rank_length": _l("Projects ranked"), "ballot_min_budget_percent": _l("Least budget used"),
    "ballot_budget_percent": _l("Share of the budget on each ballot"),
    "eligibility_postcode": _l("Only people in the area"), "eligibility_min_age": _l("Minimum age"),
    "voter_verification": _l("How voters prove who they are"), "ward_ballot": _l("Ward ballots"),
    "voting_open_at": _l("Voting opens"), "ward_leftover": _l("What a ward's leftover money does"),
    "min_support_votes": _l("Votes a project needs"), "min_support_percent": _l("Share of voters a "
    "project needs"),
}
if set(LOCKED_LABELS) != set(LOCKED_WHEN_VOTING):  # checked at import, also under python -O
    raise RuntimeError("LOCKED_LABELS must name every field in LOCKED_WHEN_VOTING")


@dataclass(frozen=True)
class Phase:
    label: str  # the button
    explain: str  # the confirmation page's first line
    from_status: tuple[str, ...]
    sets: str  # the date set to now
    done: str  # said once it is done
    earlier: tuple[str, ...] = ()  # earlier dates moved to now if still in the future


PHASES = {
    "open-proposals": Phase(_l("Open proposals now"), _l("Residents can put forward proposals from "
                            "now on."), ("upcoming",), "proposals_open_at", _l("Proposals are open.")),
    "close-proposals": Phase(_l("Close proposals and start the review now"), _l("No new proposals "
                             "can be submitted; officers review those submitted."),
                             ("proposals",), "proposals_close_at",
                             _l("Proposals are closed and the review has begun."),
                             ("proposals_open_at",)),
    "open-voting": Phase(_l("End the review and open voting now"), _l("The shortlist goes on the "
                         "ballot and residents can vote from now on. The ballot's settings "
                         "lock."), ("upcoming", "proposals", "review"), "voting_open_at",
                         _l("The review is over and voting is open."),
                         ("proposals_open_at", "proposals_close_at", "review_close_at")),
    "close-voting": Phase(_l("Close voting now"), _l("No more ballots can be given, whatever the "
                          "channel; the count can run."), ("voting",), "voting_close_at",
                          _l("Voting is closed: the count can run.")),
}


def actions_for(round_: Round) -> list[tuple[str, Phase]]:
    return [(key, phase) for key, phase in PHASES.items() if round_.status in phase.from_status]


def plan(round_: Round, key: str, now: datetime,
         close_at: datetime | None = None) -> list[tuple[str, datetime | None, datetime]]:
    """The dates an action changes: (field, old value, new value)."""
    phase = PHASES[key]
    changes = [(name, getattr(round_, name), now) for name in phase.earlier
               if (getattr(round_, name) is not None and getattr(round_, name) > now)
               or (getattr(round_, name) is None and name != "proposals_open_at")]
    changes.append((phase.sets, getattr(round_, phase.sets), now))
    if key == "open-voting" and needs_close_date(round_, now):
        changes.append(("voting_close_at", round_.voting_close_at, close_at))
    return changes


def needs_close_date(round_: Round, now: datetime) -> bool:
    """Opening voting needs a closing time in the future."""
    return round_.voting_close_at is None or round_.voting_close_at <= now


def _refuse_if_wrong(round_: Round, key: str, seen: str, close_at: datetime | None,
                     now: datetime) -> None:
    if not round_.is_published:
        raise AdminError(_("Publish the round first: a draft round has no phases yet."))
    if round_.status != seen or round_.status not in PHASES[key].from_status:
        raise Conflict(_("The round's phase changed since you looked: it is now “%(status)s”, "
                         "perhaps because another officer pressed the same button. Nothing was "
                         "changed.", status=STATUS_LABELS[round_.status]))
    if key == "open-voting":
        if not ballot_proposals(round_):
            raise AdminError(_("There are no projects on the ballot yet: shortlist some first."))
        if needs_close_date(round_, now) and (close_at is None or close_at <= now):
            raise AdminError(_("Set when voting closes: a date and time after now."),
                             field="close_day")


def change_phase(actor: User, round_: Round, key: str, *, seen: str, submission: str | None,
                 close_at: datetime | None = None) -> Round:
    """Do a phase action (see the module docstring); returns the round."""
    if not can_manage_round(actor, round_):
        raise NotAllowed(_("Only the partnership's officers can open or close phases."))
    if key not in PHASES:
        raise AdminError(_("That is not a phase action."), status=404)
    locked = db.session.scalar(select(Round).where(Round.id == round_.id).with_for_update()
                               .execution_options(populate_existing=True))
    if submissions.previous(submission, ACTION, actor) is not None:
        return locked  # the same form again: done already
    now = utcnow()
    _refuse_if_wrong(locked, key, seen, close_at, now)
    changes = plan(locked, key, now, close_at)
    for name, _old, new in changes:
        setattr(locked, name, new)
    submissions.record(submission, ACTION, locked.id, actor)
    audit.record(ACTION, locked, before={name: old for name, old, _new in changes},
                 after={"action": key, **{name: new for name, _old, new in changes}},
                 actor=actor)
    db.session.commit()
    return locked


def locked_settings(round_: Round) -> list[tuple[str, str]]:
    """The settings frozen since voting opened, in words, for showing read-only (empty
    before voting opens)."""
    if not round_.voting_has_opened:
        return []
    return [(LOCKED_LABELS[name], _shown(round_, name)) for name in LOCKED_WHEN_VOTING
            if getattr(round_, name) is not None]


def _shown(round_: Round, name: str) -> str:
    value = getattr(round_, name)
    words = {"budget_pence": lambda: format_pence(value, whole=True),
             "ballot_design": lambda: round_.ballot_design_label,
             "allocation_rule": lambda: round_.rule_name,
             "tie_break": lambda: _("Ties go to %(rule)s", rule=round_.tie_break_label),
             "voter_verification": lambda: VOTER_VERIFICATION.get(value, value),
             "ward_ballot": lambda: WARD_BALLOTS.get(value, value),
             "voting_open_at": lambda: format_datetime(value),
             "ballot_budget_percent": lambda: f"{value}%",
             "ballot_min_budget_percent": lambda: f"{value}%"}
    if value is None:
        return _("Not set")
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return str(words[name]() if name in words else value)
