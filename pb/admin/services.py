"""Admin use cases: places, bodies, roles and round set-up."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from pb import audit
from pb.errors import DomainError
from pb.extensions import db
from pb.models import (
    Area,
    Partnership,
    PostcodeCoverage,
    Role,
    RoleAssignment,
    Round,
    RoundWardBudget,
    Theme,
    User,
    Ward,
)
from pb.models.round import LOCKED_WHEN_VOTING, RULES_FOR_DESIGN
from pb.money import format_pence


class AdminError(DomainError):
    """A problem with what was entered; ``field_errors`` says which field."""


# Areas -----------------------------------------------------------------------------------

def parse_wards(text: str) -> list[tuple[str, str | None]]:
    wards = []
    for line in text.splitlines():
        if not line.strip():
            continue
        name, _, code = line.partition(",")
        wards.append((name.strip(), code.strip() or None))
    return wards


def parse_coverage(text: str) -> list[tuple[str, str | None]]:
    entries = []
    for line in text.splitlines():
        if not line.strip():
            continue
        prefix, _, ward = line.partition(":")
        entries.append((re.sub(r"\s+", " ", prefix.strip().upper()), ward.strip() or None))
    return entries


def save_area(area: Area | None, name: str, description: str, wards_text: str,
              postcodes_text: str) -> Area:
    creating = area is None
    area = area or Area()
    wards = parse_wards(wards_text)
    coverage = parse_coverage(postcodes_text)
    ward_names = {w for w, _ in wards}
    errors = {}
    unknown = sorted({w for _, w in coverage if w and w not in ward_names})
    if unknown:
        errors["postcodes"] = "These wards are not in the ward list: " + ", ".join(unknown) + "."
    if len({p for p, _ in coverage}) != len(coverage):
        errors["postcodes"] = "A postcode district or sector is listed twice."
    if len(ward_names) != len(wards):
        errors["wards"] = "A ward is listed twice."
    clash = db.session.scalar(select(Area).where(Area.name == name.strip(), Area.id != (area.id or 0)))
    if clash:
        errors["name"] = "Another area already has that name."
    if errors:
        raise AdminError(field_errors=errors)

    before = None if creating else area_snapshot(area)
    area.name, area.description = name.strip(), description.strip()
    existing = {w.name: w for w in area.wards}
    for ward_name, code in wards:
        ward = existing.pop(ward_name, None) or Ward(name=ward_name)
        ward.code = code
        if ward not in area.wards:
            area.wards.append(ward)
    for stale in existing.values():
        area.wards.remove(stale)
    db.session.add(area)
    try:
        db.session.flush()
    except IntegrityError as exc:
        db.session.rollback()
        if not existing:  # nothing removed: another admin saved the same name meanwhile
            raise AdminError(field_errors={"name": "Another area already has that name."}) from exc
        # A removed ward is still used (by a round's ward budget, a proposal...).
        names = ", ".join(sorted(existing))
        raise AdminError(field_errors={"wards": f"These wards are used by rounds or proposals, so they "
                                   f"cannot be removed: {names}."}) from exc
    by_name = {w.name: w for w in area.wards}
    area.postcode_coverage.clear()
    db.session.flush()
    for prefix, ward_name in coverage:
        area.postcode_coverage.append(
            PostcodeCoverage(prefix=prefix, ward=by_name.get(ward_name) if ward_name else None))
    db.session.flush()
    audit.record("area.created" if creating else "area.updated", area, before=before,
                 after=area_snapshot(area))
    db.session.commit()
    return area


def area_snapshot(area: Area) -> dict:
    return {"name": area.name, "wards": [w.name for w in area.wards],
            "postcodes": [c.prefix for c in area.postcode_coverage]}


# Partnerships, themes and organisations -------------------------------------------------------

def save_simple(obj, kind: str, values: dict, unique_field: str = "name"):
    """Create or update a partnership, theme or organisation from form values."""
    model = type(obj)
    clash = db.session.scalar(select(model).where(
        getattr(model, unique_field) == values[unique_field], model.id != (obj.id or 0)))
    if clash:
        raise AdminError(field_errors={unique_field: f"Another {kind} already has that {unique_field}."})
    creating = obj.id is None
    before = None if creating else {k: getattr(obj, k) for k in values}
    for key, value in values.items():
        setattr(obj, key, value)
    if isinstance(obj, Theme) and not obj.slug:
        obj.slug = re.sub(r"[^a-z0-9]+", "-", obj.name.lower()).strip("-")
        if db.session.scalar(select(Theme).where(Theme.slug == obj.slug,
                                                 Theme.id != (obj.id or 0))):
            db.session.rollback()
            raise AdminError(field_errors={unique_field: f"Another {kind} already has a name like that."})
    db.session.add(obj)
    try:
        db.session.flush()
    except IntegrityError as exc:  # e.g. two admins saving the same name at once
        db.session.rollback()
        raise AdminError(field_errors={unique_field: f"Another {kind} already has that {unique_field}."}) \
            from exc
    audit.record(f"{kind}.{'created' if creating else 'updated'}", obj, before=before,
                 after=values)
    db.session.commit()
    return obj


# Roles -----------------------------------------------------------------------------------------

def assign_role(email: str, role: Role, partnership_id: int | None,
                organisation_id: int | None) -> RoleAssignment:
    user = User.by_email(email)
    if user is None:
        raise AdminError(field_errors={"email": "No account has that email address. Ask the person to "
                                   "register first."})
    scope = role.scope
    if scope == "partnership" and not partnership_id:
        raise AdminError(field_errors={"partnership_id": f"Choose the partnership this {role.label.lower()} "
                                            "works for."})
    if scope == "organisation" and not organisation_id:
        raise AdminError(field_errors={"organisation_id": "Choose the organisation this grantee reports for."})
    partnership_id = partnership_id if scope == "partnership" else None
    organisation_id = organisation_id if scope == "organisation" else None
    if user.has_role(role, partnership_id=partnership_id, organisation_id=organisation_id) and (
            scope or any(a.role == role for a in user.roles)):
        raise AdminError(field_errors={"role": "That person already has that role."})
    assignment = RoleAssignment(user=user, role=role, partnership_id=partnership_id,
                                organisation_id=organisation_id, granted_by_id=_actor_id())
    db.session.add(assignment)
    db.session.flush()
    audit.record("role.assigned", assignment, after={
        "user_id": user.id, "role": role.value, "partnership_id": partnership_id,
        "organisation_id": organisation_id})
    db.session.commit()
    return assignment


def revoke_role(assignment: RoleAssignment) -> None:
    audit.record("role.revoked", assignment, before={
        "user_id": assignment.user_id, "role": assignment.role.value,
        "partnership_id": assignment.partnership_id,
        "organisation_id": assignment.organisation_id})
    db.session.delete(assignment)
    db.session.commit()


def _actor_id() -> int | None:
    from flask_login import current_user

    return current_user.id if current_user and current_user.is_authenticated else None


# Rounds ------------------------------------------------------------------------------------------

ROUND_FIELDS = (
    "name", "description", "partnership_id", "is_published", "budget_pence",
    "min_project_cost_pence", "max_project_cost_pence", "proposals_open_at",
    "proposals_close_at", "review_close_at", "voting_open_at", "voting_close_at",
    "ballot_design", "allocation_rule", "tie_break", "ballot_min_choices", "ballot_max_choices",
    "ballot_points_total", "ballot_points_per_project_max", "ballot_rank_length",
    "ballot_min_budget_percent", "ballot_budget_percent", "eligibility_postcode",
    "eligibility_min_age", "voter_verification", "ward_ballot", "supports_required",
)

PHASES = ("proposals_open_at", "proposals_close_at", "review_close_at", "voting_open_at",
          "voting_close_at")


@dataclass
class RoundSettings:
    values: dict
    ward_budgets: dict[int, int] = field(default_factory=dict)  # ward id -> pence


def local_to_utc(value: datetime | None) -> datetime | None:
    """A time typed in the display time zone, as naive UTC."""
    if value is None:
        return None
    zone = ZoneInfo(current_app.config["DISPLAY_TIMEZONE"])
    return value.replace(tzinfo=zone).astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def validate_round(values: dict, ward_budgets: dict[int, int]) -> dict[str, str]:
    errors: dict[str, str] = {}
    design, rule = values["ballot_design"], values["allocation_rule"]
    if rule not in RULES_FOR_DESIGN.get(design, ()):
        errors["allocation_rule"] = (f"The rule {rule} does not suit {design} ballots. "
                                     "Choose one of: " + ", ".join(RULES_FOR_DESIGN[design]) + ".")
    dates = [(name, values[name]) for name in PHASES if values.get(name)]
    for (_first, a), (second, b) in zip(dates, dates[1:]):
        if b < a:
            errors[second] = "This must come after the earlier phases."
    low, high = values.get("min_project_cost_pence"), values.get("max_project_cost_pence")
    if low is not None and high is not None and low > high:
        errors["max_project_cost"] = "The largest cost must be at least the smallest."
    if high is not None and high > values["budget_pence"]:
        errors["max_project_cost"] = "The largest cost cannot exceed the budget."
    if sum(ward_budgets.values()) > values["budget_pence"]:
        errors["budget"] = (f"The ward budgets add up to {format_pence(sum(ward_budgets.values()))}, "
                            f"more than the round's budget.")
    mn, mx = values.get("ballot_min_choices"), values.get("ballot_max_choices")
    if mn is not None and mx is not None and mn > mx:
        errors["ballot_max_choices"] = "The most must be at least the fewest."
    if design == "points" and not values.get("ballot_points_total"):
        errors["ballot_points_total"] = "Points ballots need the number of points to share."
    if design == "ranking" and not values.get("ballot_rank_length"):
        errors["ballot_rank_length"] = "Ranking ballots need how many projects a voter ranks."
    if values.get("voting_open_at") and not values.get("voting_close_at"):
        errors["voting_close_at"] = "Set when voting closes."
    return errors


def _same_minute(stored: datetime | None, submitted: datetime | None) -> bool:
    if stored is None or submitted is None:
        return stored is submitted
    return stored.replace(second=0, microsecond=0) == submitted.replace(second=0, microsecond=0)


def save_round(round_: Round | None, settings: RoundSettings) -> Round:
    values = settings.values
    creating = round_ is None
    if not creating:
        # The form shows times to the minute: a time sent back unchanged keeps its
        # stored value (seconds and all), so it is not a change (nor a locked one).
        for name in PHASES:
            if name in values and _same_minute(getattr(round_, name), values[name]):
                values[name] = getattr(round_, name)
    errors = validate_round(values, settings.ward_budgets)
    if not creating and round_.voting_has_opened:
        changed = [name for name in LOCKED_WHEN_VOTING
                   if name in values and getattr(round_, name) != values[name]]
        if changed or _ward_budgets(round_) != settings.ward_budgets:
            for name in changed or ["budget"]:
                errors[name.replace("_pence", "")] = (
                    "Voting has opened, so this can no longer change.")
        moving_to = db.session.get(Partnership, values.get("partnership_id"))
        if moving_to is not None and moving_to.area_id != round_.area_id:
            # Another area means other voters: as much a change of eligibility as any.
            errors["partnership_id"] = ("Voting has opened, so the round cannot move to a "
                                        "partnership in another area.")
    if errors:
        raise AdminError(field_errors=errors)

    before = None if creating else round_snapshot(round_)
    round_ = round_ or Round(created_by_id=_actor_id())
    for name in ROUND_FIELDS:
        if name in values:
            setattr(round_, name, values[name])
    partnership = db.session.get(Partnership, values["partnership_id"])
    round_.area_id = partnership.area_id
    db.session.add(round_)
    db.session.flush()
    _set_ward_budgets(round_, settings.ward_budgets)
    db.session.flush()
    audit.record("round.created" if creating else "round.updated", round_, before=before,
                 after=round_snapshot(round_))
    db.session.commit()
    return round_


def _ward_budgets(round_: Round) -> dict[int, int]:
    return {wb.ward_id: wb.budget_pence for wb in round_.ward_budgets}


def _set_ward_budgets(round_: Round, budgets: dict[int, int]) -> None:
    existing = {wb.ward_id: wb for wb in round_.ward_budgets}
    for ward_id, pence in budgets.items():
        if ward_id in existing:
            existing.pop(ward_id).budget_pence = pence
        else:
            round_.ward_budgets.append(RoundWardBudget(ward_id=ward_id, budget_pence=pence))
    for stale in existing.values():
        round_.ward_budgets.remove(stale)


def round_snapshot(round_: Round) -> dict:
    data = {name: getattr(round_, name) for name in ROUND_FIELDS}
    data["ward_budgets"] = {str(k): v for k, v in sorted(_ward_budgets(round_).items())}
    return data


def partnerships_for(user) -> list[Partnership]:
    query = select(Partnership).order_by(Partnership.name)
    if not user.is_admin:
        query = query.where(Partnership.id.in_(user.partnership_ids(Role.OFFICER)))
    return list(db.session.scalars(query))


def all_of(model, order=None):
    return list(db.session.scalars(select(model).order_by(order or model.name)))


