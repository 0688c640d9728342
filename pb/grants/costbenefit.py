"""Cost-benefit: estimated savings to statutory services against what grants cost.

A grant's savings are estimate lines: a count times one of the programme's unit costs,
or an amount entered with the method that produced it. A programme adds its grants up:
total cost (the money each grant finally costs, after anything withheld or returned),
total savings, and the ratio, which is only ever shown with its method, the unit costs
and their sources, and the cost split by funding route.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from pb import audit
from pb.extensions import db
from pb.forms import db_id
from pb.grants.common import (
    GrantError,
    check_version,
    commit,
    parse_count,
    parse_money,
    refuse_if_closed,
    require,
    touch,
    use_case,
)
from pb.grants.tranches import money_for
from pb.models import FundingLine, Grant, SavingsEstimate, UnitCost
from pb.models.programme import FUNDING_ROUTES
from pb.money import format_pence
from pb.policy import can_decide_on_grant, can_manage_grant

METHOD_MIN = 20
FUNDING_ROWS = 4


def grant_savings(grant: Grant) -> int:
    return sum(line.amount_pence for line in grant.savings)


def cost_by_route(grant: Grant, cost: int) -> list[tuple[str, int]]:
    """The grant's cost split by funding route. Lines without amounts share the cost
    jointly (one row, "A and B"); money withheld or returned comes off the
    participatory-budgeting line first, since the grant is that money."""
    lines = list(grant.funding_lines)
    if not lines:
        return [(FUNDING_ROUTES["pb"], cost)]
    if any(line.amount_pence is None for line in lines) or len(lines) == 1:
        return [(grant.funding_route_label, cost)]
    shortfall = grant.amount_pence - cost
    rows = []
    for line in sorted(lines, key=lambda ln: (ln.route != "pb", ln.position)):
        take = min(shortfall, line.amount_pence)
        shortfall -= take
        rows.append((line.label, line.amount_pence - take))
    return rows


@dataclass(frozen=True)
class CostBenefit:
    rows: list[dict]
    cost: int
    savings: int
    with_estimates: int
    by_route: list[tuple[str, int]]

    @property
    def ratio(self) -> Decimal | None:
        """Savings per £1 of cost, to 2 decimal places (None when nothing was spent or no
        grant has an estimate: a ratio of 0 would claim the grants saved nothing)."""
        if not self.cost or not self.with_estimates:
            return None
        return (Decimal(self.savings) / Decimal(self.cost)).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP)

    @property
    def whole_pounds(self) -> int | None:
        """The ratio rounded down to whole pounds, as headline claims tend to quote it."""
        if self.ratio is None:
            return None
        return int((Decimal(self.savings) / Decimal(self.cost)).to_integral_value(ROUND_DOWN))


def programme_cost_benefit(programme) -> CostBenefit:
    grants = db.session.scalars(
        select(Grant).where(Grant.programme_id == programme.id, Grant.status != "withdrawn")
        .order_by(Grant.id).options(
            selectinload(Grant.funding_lines), selectinload(Grant.savings),
            selectinload(Grant.tranches), selectinload(Grant.adjustments),
            selectinload(Grant.returns), selectinload(Grant.corrections))).all()
    rows, by_route = [], defaultdict(int)
    for grant in grants:
        cost = money_for(grant).effective
        saving = grant_savings(grant)
        rows.append({"grant": grant, "activity": grant.title, "provider": grant.delivered_by,
                     "outcomes": grant.outcome_labels, "cost_pence": cost,
                     "funding_route": grant.funding_route_label, "savings_pence": saving,
                     "has_estimate": bool(grant.savings)})
        for route, amount in cost_by_route(grant, cost):
            by_route[route] += amount
    return CostBenefit(rows, sum(r["cost_pence"] for r in rows),
                       sum(r["savings_pence"] for r in rows),
                       sum(1 for r in rows if r["has_estimate"]), sorted(by_route.items()))


# Use cases ---------------------------------------------------------------------------------------

@use_case
def add_saving(grant, actor, form: Mapping) -> SavingsEstimate:
    """Add an estimate line: count x unit cost, or an amount with its stated method."""
    require(can_decide_on_grant(actor, grant),
            _("Only the grant's grant officers (with no declared interest) record savings."))
    if grant.status == "withdrawn":
        raise GrantError(_("This grant was withdrawn."), status=409)
    check_version(grant, form.get("version"))
    description = " ".join((form.get("description") or "").split())[:200]
    if len(description) < 3:
        raise GrantError(_("Say what the saving is (for example: avoided A&E attendances)."),
                         field="description")
    unit_id = db_id(form.get("unit_cost_id")) or 0
    line = SavingsEstimate(grant_id=grant.id, description=description, recorded_by_id=actor.id)
    if unit_id:
        unit = db.session.get(UnitCost, unit_id)
        if unit is None or grant.programme is None or unit.programme_id != grant.programme_id:
            raise GrantError(_("Choose one of the programme's unit costs."), field="unit_cost_id")
        quantity = parse_count(form.get("quantity"), "quantity")
        if not quantity:
            raise GrantError(_("Enter how many (more than 0)."), field="quantity")
        line.unit_cost_id, line.quantity = unit.id, quantity
        line.amount_pence = quantity * unit.cost_pence
        line.method = (f"{quantity} × {unit.name} at {format_pence(unit.cost_pence)}. "
                       f"Source: {unit.source}")
    else:
        line.amount_pence = parse_money(form.get("amount"), "amount")
        line.method = (form.get("method") or "").strip()[:3000]
        if len(line.method) < METHOD_MIN:
            raise GrantError(_("Say how this amount was estimated (method and source): a saving "
                             "is never shown without its method."), field="method")
    grant.savings.append(line)
    touch(grant)
    db.session.flush()
    audit.record("grant.saving_added", grant, actor=actor, after={
        "saving_id": line.id, "description": description, "amount_pence": line.amount_pence,
        "unit_cost_id": line.unit_cost_id, "quantity": line.quantity, "method": line.method})
    commit()
    return line


@use_case
def remove_saving(grant, actor, saving_id: int, version=None) -> None:
    require(can_decide_on_grant(actor, grant),
            _("Only the grant's grant officers (with no declared interest) record savings."))
    refuse_if_closed(grant)
    check_version(grant, version)
    line = next((s for s in grant.savings if s.id == saving_id), None)
    if line is None:
        raise GrantError(_("That estimate is not part of this grant."), status=404)
    audit.record("grant.saving_removed", grant, actor=actor, before={
        "saving_id": line.id, "description": line.description,
        "amount_pence": line.amount_pence})
    grant.savings.remove(line)
    touch(grant)
    commit()


@use_case
def set_funding(grant, actor, form: Mapping) -> Grant:
    """Where the money comes from: routes, sources and (if known) amounts."""
    require(can_manage_grant(actor, grant), _("Only the grant's grant officers can do this."))
    refuse_if_closed(grant)
    check_version(grant, form.get("version"))
    lines, errors = [], {}
    for i in range(FUNDING_ROWS):
        route = form.get(f"funding-{i}-route") or ""
        source = " ".join((form.get(f"funding-{i}-source") or "").split())[:120]
        amount = (form.get(f"funding-{i}-amount") or "").strip()
        if not route and not source and not amount:
            continue
        if route not in FUNDING_ROUTES:
            errors[f"funding-{i}-route"] = _("Choose the funding route.")
            continue
        try:
            pence = parse_money(amount, f"funding-{i}-amount") if amount else None
        except GrantError as exc:
            errors.update(exc.field_errors)
            continue
        lines.append(FundingLine(position=i, route=route, source_name=source,
                                 amount_pence=pence))
    if not lines and not errors:
        errors["funding"] = _("Add at least one funding line.")
    amounts = [line.amount_pence for line in lines]
    if lines and all(a is not None for a in amounts) and sum(amounts) != grant.amount_pence:
        errors["funding"] = (_("The amounts add up to %(amounts)s; they must "
                               "add up to the grant of %(award)s, or "
                               "leave them blank when the split is not known.", amounts=format_pence(sum(amounts)), award=format_pence(grant.amount_pence)))
    if errors:
        raise GrantError(_("The funding lines have problems: see below."), field_errors=errors)
    before = [(f.route, f.source_name, f.amount_pence) for f in grant.funding_lines]
    grant.funding_lines.clear()
    db.session.flush()
    grant.funding_lines = lines
    touch(grant)
    audit.record("grant.funding_set", grant, actor=actor, before={"lines": before},
                 after={"lines": [(f.route, f.source_name, f.amount_pence) for f in lines]})
    commit()
    return grant
