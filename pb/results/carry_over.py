"""Ward leftovers that roll over: owed at certification, added to a later round by an officer.

A round whose ``ward_leftover`` is "rollover" promises each ward that what its own budget
did not spend goes to that ward's budget in the next round. When the result is certified
(``record``, inside the certification's transaction) each ward's leftover becomes a
``WardCarryOver`` owed to the ward. An officer of the same partnership then adds what is
owed to a later round of the same area (``add_to_round``) before its voting opens: the
ward's budget and the round's budget both grow by it, in one transaction with one audit
entry. Money is only ever added to a ward that already has its own budget in that round:
giving a ward a budget changes how its projects compete, which is the officer's choice on
the round form, not a side effect.
"""

from __future__ import annotations

from fractions import Fraction

from flask_babel import gettext as _
from sqlalchemy import select, update

from pb import audit, submissions
from pb.errors import Conflict, DomainError, NotAllowed, refuse
from pb.extensions import db
from pb.models import Round, User, WardCarryOver
from pb.models.base import utcnow
from pb.models.result import RoundResult
from pb.money import format_pence
from pb.policy import can_manage_round


def leftovers(round_: Round, result: RoundResult) -> dict[int, int]:
    """What each ward's own budget did not spend (ward id -> pence, only above zero).

    From the count's ward passes; after an override, the ward's budget less the cost of
    the chosen projects in that ward (the same sums the override's checks use)."""
    by_name = {wb.ward.name: wb for wb in round_.ward_budgets}
    left: dict[int, int] = {}
    if result.override_selected_json is None:
        for run in result.outcome.get("passes") or []:
            if run["kind"] == "ward" and run["name"] in by_name:
                amount = Fraction(run["budget"]) - Fraction(run["spent"])
                left[by_name[run["name"]].ward_id] = int(amount)
    else:
        from pb.results.services import instance_from_round  # services imports this module

        ward_of = {p.id: p.ward for p in instance_from_round(round_).projects}
        projects = result.outcome["projects"]
        for name, wb in by_name.items():
            spent = sum(int(projects[pid]["cost"]) for pid in result.selected
                        if ward_of.get(pid) == name)
            left[wb.ward_id] = wb.budget_pence - spent
    return {ward_id: pence for ward_id, pence in left.items() if pence > 0}


def record(round_: Round, result: RoundResult) -> dict[str, int]:
    """At certification, in its transaction: owe each ward its leftover when the round's
    leftovers roll over. Returns {ward name: pence} for the certification's audit entry."""
    if round_.ward_leftover != "rollover" or not round_.has_ward_budgets:
        return {}
    names = {wb.ward_id: wb.ward.name for wb in round_.ward_budgets}
    owed = leftovers(round_, result)
    for ward_id, pence in owed.items():
        db.session.add(WardCarryOver(from_round_id=round_.id, ward_id=ward_id,
                                     amount_pence=pence))
    return {names[ward_id]: pence for ward_id, pence in sorted(owed.items())}


def owed_to(round_: Round) -> list[WardCarryOver]:
    """Carry-overs not yet added anywhere that ``round_`` may take: from certified rounds of
    the same partnership and area, oldest first."""
    return list(db.session.scalars(
        select(WardCarryOver).join(Round, WardCarryOver.from_round_id == Round.id)
        .where(WardCarryOver.into_round_id.is_(None), Round.id != round_.id,
               Round.partnership_id == round_.partnership_id, Round.area_id == round_.area_id)
        .order_by(WardCarryOver.created_at, WardCarryOver.id)))


def carried_from(round_: Round) -> list[WardCarryOver]:
    """What ``round_``'s certification left owed to its wards, added or not."""
    return list(db.session.scalars(
        select(WardCarryOver).where(WardCarryOver.from_round_id == round_.id)
        .order_by(WardCarryOver.id)))


def added_to(round_: Round) -> list[WardCarryOver]:
    """Carry-overs already added to ``round_``'s ward budgets."""
    return list(db.session.scalars(
        select(WardCarryOver).where(WardCarryOver.into_round_id == round_.id)
        .order_by(WardCarryOver.added_at, WardCarryOver.id)))


def waiting_reason(round_: Round, carry: WardCarryOver) -> str | None:
    """Why ``carry`` cannot be added to ``round_`` yet, in words; None when it can."""
    if round_.ward_budget_for(carry.ward_id) is None:
        return (f"{carry.ward.name} has no ward budget in this round. Give it one on this "
                f"form first; the carried money is then added to it.")
    return None


class CarryOverError(DomainError):
    """Carried money that cannot be added; ``message`` says why."""


ADDED = "round.carry_over_added"


def add_to_round(round_: Round, actor: User, *,
                 submission: str | None = None) -> list[WardCarryOver]:
    """Add every carry-over owed to a ward that has a budget in ``round_`` to that budget
    and to the round's budget. Refused once voting has opened (the budget is locked).
    The same form sent again does nothing and returns no carry-overs."""
    if not can_manage_round(actor, round_):
        raise NotAllowed(_("Only the partnership's officers can change this round's budget."))
    if submissions.previous(submission, ADDED, actor) is not None:
        return []
    if round_.voting_has_opened:
        raise CarryOverError(_("Voting has opened, so this round's budget can no longer "
                               "change. Add the carried money to a later round."))
    owed = owed_to(round_)
    ready = [carry for carry in owed if waiting_reason(round_, carry) is None]
    if not ready:
        raise CarryOverError(
            _("There is no carried money to add.") if not owed else
            " ".join(waiting_reason(round_, carry) for carry in owed))
    before = _budgets(round_)
    now = utcnow()
    for carry in ready:
        # Conditional, so two officers pressing at once add the money once.
        taken = db.session.execute(
            update(WardCarryOver)
            .where(WardCarryOver.id == carry.id, WardCarryOver.into_round_id.is_(None))
            .values(into_round_id=round_.id, added_at=now, added_by_id=actor.id))
        if taken.rowcount != 1:
            raise refuse(Conflict(_("Another officer has just added this carried money. "
                                    "Reload the page to see the round's budget now.")))
        budget = next(wb for wb in round_.ward_budgets if wb.ward_id == carry.ward_id)
        budget.budget_pence += carry.amount_pence
        round_.budget_pence += carry.amount_pence
    submissions.record(submission, ADDED, round_.id, actor)
    audit.record(ADDED, round_, before=before,
                 after={**_budgets(round_), "added": [
                     {"ward": c.ward.name, "pence": c.amount_pence,
                      "from_round_id": c.from_round_id} for c in ready]}, actor=actor)
    db.session.commit()
    for carry in ready:
        db.session.refresh(carry)
    return ready


def _budgets(round_: Round) -> dict:
    return {"budget_pence": round_.budget_pence,
            "ward_budgets": {wb.ward.name: wb.budget_pence
                             for wb in sorted(round_.ward_budgets, key=lambda w: w.ward.name)}}


def sentence(carry: WardCarryOver) -> str:
    """One carry-over in words, for the round's pages."""
    return _("%(money)s carried over for %(ward)s ward from %(round)s",
             money=format_pence(carry.amount_pence, whole=True), ward=carry.ward.name,
             round=carry.from_round.name)
