"""Money: tranches released against their conditions, and money withheld or returned.

Every total comes from ``money_for``: paid is what the released tranches paid; money
withheld or reduced is never paid; money clawed back or returned comes off what was
paid. A tranche is released only when its condition is met, with a date and a payment
reference, and never by the officer who set the grant up (two-person rule).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from pb import audit
from pb.extensions import db
from pb.grants.common import (
    GrantError,
    check_version,
    clean_reason,
    commit,
    parse_date,
    parse_money,
    refuse_if_closed,
    require,
    today,
    touch,
    use_case,
)
from pb.grants.figures import spent_by_line
from pb.models import Adjustment, Grant, Tranche
from pb.models.base import utcnow
from pb.models.grant import NOT_PAID_KINDS, RETURNED_KINDS
from pb.money import format_pence
from pb.policy import can_decide_on_grant, can_manage_grant, can_release_tranche


@dataclass(frozen=True)
class Money:
    awarded: int
    paid: int
    not_paid: int  # withheld or reduced: will never be paid
    returned: int  # clawed back or underspend returned
    spent: int  # reported in accepted returns, with corrections

    @property
    def net_paid(self) -> int:
        return self.paid - self.returned

    @property
    def to_pay(self) -> int:
        return max(self.awarded - self.not_paid - self.paid, 0)

    @property
    def effective(self) -> int:
        """What the grant finally costs the funder."""
        return self.awarded - self.not_paid - self.returned

    @property
    def underspend(self) -> int:
        return self.net_paid - self.spent


def money_for(grant: Grant) -> Money:
    paid = sum(t.paid_pence or 0 for t in grant.tranches if t.status == "released")
    not_paid = sum(a.amount_pence for a in grant.adjustments if a.kind in NOT_PAID_KINDS)
    returned = sum(a.amount_pence for a in grant.adjustments if a.kind in RETURNED_KINDS)
    return Money(grant.amount_pence, paid, not_paid, returned, sum(spent_by_line(grant).values()))


def payable(tranche: Tranche) -> int:
    """The tranche's amount less any reduction recorded against it."""
    reduced = sum(a.amount_pence for a in tranche.grant.adjustments
                  if a.tranche_id == tranche.id and a.kind == "reduced")
    return tranche.amount_pence - reduced


def condition_label(tranche: Tranche) -> str:
    grant = tranche.grant
    if tranche.condition == "signing":
        return _("When the agreement is accepted")
    if tranche.condition == "return":
        ret = next((r for r in grant.returns if r.number == tranche.condition_number), None)
        if ret is None:
            return _("When return %(number)s is accepted", number=tranche.condition_number)
        return _("When %(which)s is accepted", which=ret.in_sentence)
    if tranche.condition == "milestone":
        stone = milestone_at(grant, tranche.condition_number)
        return (_("When the milestone “%(title)s” is met", title=stone.title) if stone
                else _("When a milestone is met"))
    if tranche.condition_date:
        return _("On or after %(when)s", when=f"{tranche.condition_date:%-d %B %Y}")
    return ""


def milestone_at(grant: Grant, number: int | None):
    stones = list(grant.milestones)
    return stones[number - 1] if number and 0 < number <= len(stones) else None


def condition_met(tranche: Tranche, on: date | None = None) -> bool:
    grant = tranche.grant
    if grant.status not in ("active", "closed"):
        return False
    if tranche.condition == "signing":
        return grant.accepted_at is not None
    if tranche.condition == "return":
        return any(r.number == tranche.condition_number and r.status == "accepted"
                   for r in grant.returns)
    if tranche.condition == "milestone":
        stone = milestone_at(grant, tranche.condition_number)
        return stone is not None and stone.is_met
    return tranche.condition_date is not None and (on or today()) >= tranche.condition_date


def tranches_due(grant: Grant, on: date | None = None) -> list[Tranche]:
    """Planned tranches whose condition is met: money an officer should now release."""
    return [t for t in grant.tranches if t.status == "planned" and condition_met(t, on)]


def _tranche_of(grant: Grant, tranche_id: int) -> Tranche:
    tranche = next((t for t in grant.tranches if t.id == tranche_id), None)
    if tranche is None:
        raise GrantError(_("That payment is not part of this grant."), status=404)
    return tranche


# Use cases -----------------------------------------------------------------------------------

@use_case
def release(grant: Grant, tranche_id: int, actor, *, paid_on: str, reference: str,
            version=None) -> Tranche:
    """Pay a tranche whose condition is met (a second officer: two-person rule)."""
    require(can_manage_grant(actor, grant), _("Only the grant's grant officers can release money."))
    if not can_release_tranche(actor, grant):
        raise GrantError(_("You set up this grant (or declared an interest in it), so a second "
                         "grant officer must release its money."), status=403)
    refuse_if_closed(grant)
    check_version(grant, version)
    tranche = _tranche_of(grant, tranche_id)
    if tranche.status != "planned":
        raise GrantError(_("This payment has already been released or withheld."), status=409)
    if not condition_met(tranche):
        raise GrantError(_("This payment's condition is not met yet: "
                           "%(condition)s.", condition=condition_label(tranche).lower()), status=409)
    when = parse_date(paid_on, "paid_on")
    if when > today():
        raise GrantError(_("The payment date cannot be in the future."), field="paid_on")
    reference = " ".join((reference or "").split())[:60]
    if len(reference) < 3:
        raise GrantError(_("Enter the payment reference from the finance system."),
                         field="reference")
    tranche.status = "released"
    tranche.paid_pence = payable(tranche)
    tranche.released_on = when
    tranche.released_at = utcnow()
    tranche.released_by_id = actor.id
    tranche.payment_reference = reference
    touch(grant)
    audit.record("grant.tranche_released", grant, actor=actor, after={
        "tranche_id": tranche.id, "paid_pence": tranche.paid_pence, "paid_on": when,
        "reference": reference, "set_up_by_id": grant.set_up_by_id})
    commit()
    return tranche


@use_case
def withhold(grant: Grant, tranche_id: int, actor, *, reason: str, amount: str = "",
             version=None) -> Adjustment:
    """Withhold a planned tranche (all of it), or reduce it by ``amount``, with a reason."""
    require(can_decide_on_grant(actor, grant),
            _("Only the grant's grant officers (with no declared interest) can withhold money."))
    refuse_if_closed(grant)
    check_version(grant, version)
    tranche = _tranche_of(grant, tranche_id)
    if tranche.status != "planned":
        raise GrantError(_("Only a payment not yet released can be withheld or reduced."),
                         status=409)
    reason = clean_reason(reason)
    left = payable(tranche)
    if (amount or "").strip():
        pence = parse_money(amount, "amount")
        if pence >= left:
            raise GrantError(_("To stop the whole payment of %(left)s, "
                               "withhold it instead of reducing it.", left=format_pence(left)), field="amount")
        kind = "reduced"
    else:
        pence, kind = left, "withheld"
        tranche.status = "withheld"
    adjustment = Adjustment(grant_id=grant.id, tranche_id=tranche.id, kind=kind,
                            amount_pence=pence, reason=reason, on_date=today(),
                            recorded_by_id=actor.id)
    grant.adjustments.append(adjustment)
    touch(grant)
    db.session.flush()
    audit.record(f"grant.tranche_{kind}", grant, actor=actor, after={
        "tranche_id": tranche.id, "amount_pence": pence, "reason": reason})
    commit()
    return adjustment


@use_case
def claw_back(grant: Grant, actor, *, amount: str, reason: str, on: str,
              kind: str = "clawed_back", version=None) -> Adjustment:
    """Record money paid that came back (clawed back, or underspend returned). Allowed on a
    closed grant too: it is a new entry, not an edit."""
    require(can_decide_on_grant(actor, grant),
            _("Only the grant's grant officers (with no declared interest) can record this."))
    if grant.status == "withdrawn":
        raise GrantError(_("This grant was withdrawn."), status=409)
    check_version(grant, version)
    if kind not in RETURNED_KINDS:
        raise GrantError(_("Choose what kind of return of money this is."), field="kind")
    pence = parse_money(amount, "amount")
    money = money_for(grant)
    if pence > money.net_paid:
        raise GrantError(_("Only %(net_paid)s has been paid (net), so no more "
                           "than that can come back.", net_paid=format_pence(money.net_paid)), field="amount")
    when = parse_date(on, "on")
    if when > today():
        raise GrantError(_("The date cannot be in the future."), field="on")
    reason = clean_reason(reason)
    adjustment = Adjustment(grant_id=grant.id, kind=kind, amount_pence=pence, reason=reason,
                            on_date=when, recorded_by_id=actor.id)
    grant.adjustments.append(adjustment)
    touch(grant)
    db.session.flush()
    audit.record(f"grant.{kind}", grant, actor=actor,
                 after={"amount_pence": pence, "on": when, "reason": reason})
    commit()
    return adjustment
