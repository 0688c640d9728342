"""Close-out, corrections, milestones met and declarations of interest.

A grant closes when its final return is accepted, every payment is released or
withheld, and any underspend is returned or agreed with a reason. A closed grant is
read-only: its figures change only through corrections, which are new entries with
reasons (never edits), and through money coming back (an adjustment, also an entry).
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext

from pb import audit
from pb.extensions import db
from pb.forms import db_id
from pb.grants.common import (
    GrantError,
    check_version,
    clean_reason,
    commit,
    parse_date,
    refuse_if_closed,
    require,
    today,
    touch,
    use_case,
)
from pb.grants.tranches import money_for
from pb.models import Adjustment, Correction, InterestDeclaration
from pb.models.base import utcnow
from pb.money import format_pence
from pb.policy import can_decide_on_grant, can_manage_grant


def blockers(grant) -> list[str]:
    """What stands between the grant and close-out (empty: it can close)."""
    problems = []
    if grant.status != "active":
        return [_("Only an active grant can be closed.")]
    final = next((r for r in grant.returns if r.is_final), None)
    if final is None or final.status != "accepted":
        problems.append(_("The final return has not been accepted yet."))
    planned = [t for t in grant.tranches if t.status == "planned"]
    if planned:
        problems.append(ngettext("%(num)d payment is neither released nor withheld.",
                                 "%(num)d payments are neither released nor withheld.",
                                 len(planned)))
    return problems


@use_case
def close(grant, actor, *, note: str, underspend: str = "", agreed_reason: str = "",
          version=None):
    """Close the grant: the underspend (if any) is returned or agreed with a reason."""
    require(can_decide_on_grant(actor, grant),
            _("Only the grant's grant officers (with no declared interest) can close it."))
    refuse_if_closed(grant)
    check_version(grant, version)
    problems = blockers(grant)
    if problems:
        raise GrantError(" ".join(problems), status=409)
    money = money_for(grant)
    left = money.underspend
    if left > 0:
        if underspend not in ("returned", "agreed"):
            raise GrantError(_("%(left)s paid has not been spent: record it as "
                               "returned, or agree that the group keeps it.", left=format_pence(left)), field="underspend")
        if underspend == "returned":
            grant.adjustments.append(Adjustment(
                grant_id=grant.id, kind="underspend_returned", amount_pence=left,
                reason="Underspend returned at close-out.", on_date=today(),
                recorded_by_id=actor.id))
        else:
            agreed_reason = clean_reason(agreed_reason, "agreed_reason",
                                         "the reason the group keeps the underspend")
    grant.close_note = ((note or "").strip()[:3000] + (
        f"\nUnderspend of {format_pence(left)} agreed: {agreed_reason}"
        if left > 0 and underspend == "agreed" else "")).strip()
    grant.status = "closed"
    grant.closed_at = utcnow()
    grant.closed_by_id = actor.id
    touch(grant)
    db.session.flush()
    audit.record("grant.closed", grant, actor=actor, after={
        "underspend_pence": max(left, 0), "underspend": underspend or None,
        "net_paid_pence": money_for(grant).net_paid, "note": grant.close_note})
    commit()
    return grant


@use_case
def add_correction(grant, actor, *, kind: str, target_id: str, delta: str, reason: str,
                   version=None) -> Correction:
    """A correction to a figure (a KPI's achievement or a line's spend), or a note: a new
    entry with a reason, shown beside the figures it changes."""
    require(can_decide_on_grant(actor, grant),
            _("Only the grant's grant officers (with no declared interest) can correct it."))
    if grant.status not in ("active", "closed"):
        raise GrantError(_("Only an active or closed grant takes corrections."), status=409)
    check_version(grant, version)
    reason = clean_reason(reason)
    correction = Correction(grant_id=grant.id, kind=kind, reason=reason,
                            recorded_by_id=actor.id)
    if kind in ("kpi", "spend"):
        correction.delta = _delta(delta, kind)
        ids = ({t.kpi_id for t in grant.kpi_targets} if kind == "kpi"
               else {b.id for b in grant.budget_lines})
        chosen = db_id(target_id) or 0
        if chosen not in ids:
            raise GrantError(_("Choose what the correction is to."), field="target_id")
        if kind == "kpi":
            correction.kpi_id = chosen
        else:
            correction.budget_line_id = chosen
    elif kind != "note":
        raise GrantError(_("Choose the kind of correction."), field="kind")
    grant.corrections.append(correction)
    touch(grant)
    db.session.flush()
    audit.record("grant.corrected", grant, actor=actor, after={
        "correction_id": correction.id, "kind": kind, "kpi_id": correction.kpi_id,
        "budget_line_id": correction.budget_line_id, "delta": correction.delta,
        "reason": reason})
    commit()
    return correction


def _delta(text: str, kind: str) -> int:
    raw = (text or "").strip().replace(",", "").replace("£", "")
    sign = -1 if raw.startswith("-") else 1
    raw = raw.lstrip("+-")
    try:
        if kind == "spend":
            from pb.money import parse_pounds

            value = parse_pounds(raw)
        else:
            value = int(raw)
    except ValueError as exc:
        raise GrantError(_("Enter the change as a number, with a minus sign to reduce, for "
                         "example -3."), field="delta") from exc
    if value == 0:
        raise GrantError(_("A correction changes the figure: enter a number other than 0."),
                         field="delta")
    return sign * value


@use_case
def milestone_met(grant, actor, milestone_id: int, *, met_on: str, version=None):
    require(can_manage_grant(actor, grant), _("Only the grant's grant officers record milestones."))
    refuse_if_closed(grant)
    check_version(grant, version)
    if grant.status != "active":
        raise GrantError(_("Milestones are recorded once the agreement is accepted."), status=409)
    stone = next((m for m in grant.milestones if m.id == milestone_id), None)
    if stone is None:
        raise GrantError(_("That milestone is not part of this grant."), status=404)
    if stone.is_met:
        raise GrantError(_("This milestone is already recorded as met."), status=409)
    when = parse_date(met_on, "met_on")
    if when > today():
        raise GrantError(_("The date met cannot be in the future."), field="met_on")
    if not grant.start_date <= when <= grant.end_date:
        raise GrantError(_("This date is outside the grant period."), field="met_on")
    stone.met_on = when
    stone.met_recorded_by_id = actor.id
    touch(grant)
    audit.record("grant.milestone_met", grant, actor=actor,
                 after={"milestone_id": stone.id, "title": stone.title, "met_on": when})
    commit()
    return stone


@use_case
def declare_interest(grant, actor, *, nature: str) -> InterestDeclaration:
    """An officer records an interest in a grant; from then on they decide nothing on it."""
    require(can_manage_grant(actor, grant),
            _("Declarations on a grant are made by its grant officers."))
    nature = clean_reason(nature, "nature", "the nature of the interest")
    declaration = InterestDeclaration(grant_id=grant.id, user_id=actor.id, nature=nature)
    grant.interests.append(declaration)
    touch(grant)
    db.session.flush()
    audit.record("grant.interest_declared", grant, actor=actor,
                 after={"user_id": actor.id, "nature": nature})
    commit()
    return declaration
