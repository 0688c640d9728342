"""Round set-up: officers (and administrators) create and change their partnership's rounds.

What a round may be is checked here, whoever asks: money within what the database
holds and never negative, ward budgets inside the area and the budget, phases in
order, a rule that suits the ballot, and nothing that changes the vote once voting
has opened.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from pb import audit
from pb.admin import AdminError
from pb.errors import NotAllowed
from pb.extensions import db
from pb.loaders import get_or_none
from pb.models import Partnership, Role, Round, RoundThemeLimit, RoundWardBudget, Theme, User
from pb.models.round import (
    LOCKED_WHEN_VOTING,
    RULES_FOR_DESIGN,
    WARD_LEFTOVERS,
    rule_name,
    tie_break_problem,
)
from pb.money import MAX_PENCE, format_pence
from pb.policy import can_manage_round, is_officer_of

ROUND_FIELDS = (
    "name", "description", "partnership_id", "is_published", "budget_pence",
    "min_project_cost_pence", "max_project_cost_pence", "proposals_open_at",
    "proposals_close_at", "review_close_at", "voting_open_at", "voting_close_at",
    "ballot_design", "allocation_rule", "tie_break", "ballot_min_choices", "ballot_max_choices",
    "ballot_points_total", "ballot_points_per_project_max", "ballot_rank_length",
    "ballot_min_budget_percent", "ballot_budget_percent", "eligibility_postcode",
    "eligibility_min_age", "voter_verification", "ward_ballot", "supports_required",
    "ward_leftover", "min_support_votes", "min_support_percent",
)

PHASES = ("proposals_open_at", "proposals_close_at", "review_close_at", "voting_open_at",
          "voting_close_at")

MONEY_FIELDS = {"budget_pence": "budget", "min_project_cost_pence": "min_project_cost",
                "max_project_cost_pence": "max_project_cost"}


@dataclass
class RoundSettings:
    values: dict
    ward_budgets: dict[int, int] = field(default_factory=dict)  # ward id -> pence
    # theme id -> (cap pence or None, reserve pence or None)
    theme_limits: dict[int, tuple] = field(default_factory=dict)


def local_to_utc(value: datetime | None) -> datetime | None:
    """A time typed in the display time zone, as naive UTC."""
    if value is None:
        return None
    zone = ZoneInfo(current_app.config["DISPLAY_TIMEZONE"])
    return value.replace(tzinfo=zone).astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def partnerships_for(user) -> list[Partnership]:
    """The partnerships ``user`` may set rounds up for."""
    query = select(Partnership).order_by(Partnership.name)
    if not user.is_admin:
        query = query.where(Partnership.id.in_(user.partnership_ids(Role.OFFICER)))
    return list(db.session.scalars(query))


# Checking --------------------------------------------------------------------------------

def money_problems(values: dict, ward_budgets: dict[int, int], ward_ids: set[int]) -> dict:
    """Amounts the database cannot hold, negative amounts, and ward budgets for other areas."""
    errors: dict[str, str] = {}
    for name, form_name in MONEY_FIELDS.items():
        pence = values.get(name)
        if pence is not None and not 0 <= pence <= MAX_PENCE:
            errors[form_name] = (_("The amount cannot be negative.") if pence < 0 else
                                 _("Enter an amount up to %(amount)s.",
                                   amount=format_pence(MAX_PENCE)))
    for ward_id, pence in ward_budgets.items():
        if ward_id not in ward_ids:
            errors["budget"] = _("A ward budget is for a ward outside this round's area.")
        elif not 0 <= pence <= MAX_PENCE:
            errors[f"ward_budget_{ward_id}"] = (
                _("A ward budget cannot be negative.") if pence < 0 else
                _("Enter an amount up to %(amount)s.", amount=format_pence(MAX_PENCE)))
    return errors


def _order_problems(values: dict) -> dict:
    errors: dict[str, str] = {}
    dates = [(name, values[name]) for name in PHASES if values.get(name)]
    for (_first, a), (second, b) in zip(dates, dates[1:]):
        if b < a:
            errors[second] = _("This must come after the earlier phases.")
    if values.get("voting_open_at") and not values.get("voting_close_at"):
        errors["voting_close_at"] = _("Set when voting closes.")
    low, high = values.get("min_project_cost_pence"), values.get("max_project_cost_pence")
    if low is not None and high is not None and low > high:
        errors["max_project_cost"] = _("The largest cost must be at least the smallest.")
    if high is not None and high > values["budget_pence"]:
        errors["max_project_cost"] = _("The largest cost cannot exceed the budget.")
    mn, mx = values.get("ballot_min_choices"), values.get("ballot_max_choices")
    if mn is not None and mx is not None and mn > mx:
        errors["ballot_max_choices"] = _("The most must be at least the fewest.")
    return errors


def validate_round(values: dict, ward_budgets: dict[int, int]) -> dict[str, str]:
    errors: dict[str, str] = {}
    design, rule = values["ballot_design"], values["allocation_rule"]
    if rule not in RULES_FOR_DESIGN.get(design, ()):
        errors["allocation_rule"] = _(
            "“%(rule)s” does not suit %(design)s ballots. Choose one of: %(rules)s.",
            rule=rule_name(rule), design=design,
            rules=", ".join(f"“{rule_name(r)}”" for r in RULES_FOR_DESIGN.get(design, ())))
    problem = tie_break_problem(values.get("tie_break") or "")
    if problem:
        errors["lottery_seed" if (values.get("tie_break") or "").startswith("lottery")
               else "tie_break"] = problem
    if values.get("ward_leftover", "returned") not in WARD_LEFTOVERS:
        errors["ward_leftover"] = _("Choose what happens to a ward's leftover money.")
    errors.update(_order_problems(values))
    if sum(ward_budgets.values()) > values["budget_pence"]:
        errors["budget"] = _("The ward budgets add up to %(total)s, more than the round's "
                             "budget.", total=format_pence(sum(ward_budgets.values())))
    if design == "points" and not values.get("ballot_points_total"):
        errors["ballot_points_total"] = _("Points ballots need the number of points to share.")
    if design == "ranking" and not values.get("ballot_rank_length"):
        errors["ballot_rank_length"] = _("Ranking ballots need how many projects a voter ranks.")
    return errors


def theme_limit_problems(values: dict, ward_budgets: dict[int, int],
                         limits: dict[int, tuple]) -> dict[str, str]:
    """Caps and reserves that cannot work: a reserve above its theme's cap, a cap or the
    reserves with the ward budgets above the round's budget, an unknown theme."""
    errors: dict[str, str] = {}
    budget = values["budget_pence"]
    known = set(db.session.scalars(select(Theme.id).where(Theme.id.in_(list(limits)))))
    for theme_id, (cap, reserve) in limits.items():
        if theme_id not in known:
            errors[f"theme_cap_{theme_id}"] = _("This theme no longer exists.")
        elif cap is not None and cap > budget:
            errors[f"theme_cap_{theme_id}"] = _("A cap cannot be more than the round's budget.")
        elif cap is not None and reserve is not None and reserve > cap:
            errors[f"theme_reserve_{theme_id}"] = _("A reserve cannot be more than the theme's cap.")
    reserved = sum(r or 0 for _c, r in limits.values())
    if reserved and reserved + sum(ward_budgets.values()) > budget:
        first = next(t for t, (_c, r) in limits.items() if r)
        errors.setdefault(f"theme_reserve_{first}", _(
            "The reserves (%(reserved)s) and ward budgets together come to more than the "
            "round's budget.", reserved=format_pence(reserved)))
    return errors


def _same_minute(stored: datetime | None, submitted: datetime | None) -> bool:
    if stored is None or submitted is None:
        return stored is submitted
    return stored.replace(second=0, microsecond=0) == submitted.replace(second=0, microsecond=0)


def _locked_changes(round_: Round, values: dict, ward_budgets: dict[int, int],
                    partnership: Partnership, theme_limits: dict | None = None) -> dict[str, str]:
    """Once voting has opened, what would change the vote is refused, field by field."""
    errors: dict[str, str] = {}
    changed = [name for name in LOCKED_WHEN_VOTING
               if name in values and getattr(round_, name) != values[name]]
    stored = _theme_limits(round_)
    for theme_id in sorted(set(stored) | set(theme_limits or {})):
        if theme_limits is not None and stored.get(theme_id) != theme_limits.get(theme_id):
            errors[f"theme_cap_{theme_id}"] = (_("Voting has opened, so caps and reserves can no "
                                               "longer change."))
    if changed or _ward_budgets(round_) != ward_budgets:
        for name in changed or ["budget"]:
            errors[name.replace("_pence", "")] = _("Voting has opened, so this can no longer change.")
    if partnership.area_id != round_.area_id:
        # Another area means other voters: as much a change of eligibility as any.
        errors["partnership_id"] = (_("Voting has opened, so the round cannot move to a "
                                    "partnership in another area."))
    return errors


# Saving ----------------------------------------------------------------------------------

def _partnership_for(actor: User, round_: Round | None, values: dict) -> Partnership:
    if round_ is not None and not can_manage_round(actor, round_):
        raise NotAllowed(_("Only the partnership's officers can change this round."))
    partnership = get_or_none(Partnership, values.get("partnership_id"))
    if partnership is None:
        raise AdminError(field_errors={"partnership_id": _("Choose a partnership.")})
    if not is_officer_of(actor, partnership.id):
        raise NotAllowed(_("You can set up rounds only for your own partnership."))
    return partnership


def save_round(actor: User, round_: Round | None, settings: RoundSettings) -> Round:
    values = settings.values
    partnership = _partnership_for(actor, round_, values)
    creating = round_ is None
    if not creating:
        # The form shows times to the minute: a time sent back unchanged keeps its
        # stored value (seconds and all), so it is not a change (nor a locked one).
        for name in PHASES:
            if name in values and _same_minute(getattr(round_, name), values[name]):
                values[name] = getattr(round_, name)
    ward_ids = {w.id for w in partnership.area.wards}
    errors = money_problems(values, settings.ward_budgets, ward_ids)
    if not errors:
        errors = validate_round(values, settings.ward_budgets)
        errors.update(theme_limit_problems(values, settings.ward_budgets, settings.theme_limits))
    if not creating and round_.voting_has_opened:
        errors.update(_locked_changes(round_, values, settings.ward_budgets, partnership,
                                      settings.theme_limits))
    if errors:
        raise AdminError(field_errors=errors)

    before = None if creating else round_snapshot(round_)
    round_ = round_ or Round(created_by_id=actor.id)
    for name in ROUND_FIELDS:
        if name in values:
            setattr(round_, name, values[name])
    round_.area_id = partnership.area_id
    db.session.add(round_)
    db.session.flush()
    _set_ward_budgets(round_, settings.ward_budgets)
    _set_theme_limits(round_, settings.theme_limits)
    db.session.flush()
    audit.record("round.created" if creating else "round.updated", round_, before=before,
                 after=round_snapshot(round_), actor=actor)
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


def _theme_limits(round_: Round) -> dict[int, tuple]:
    return {t.theme_id: (t.cap_pence, t.reserve_pence) for t in round_.theme_limits}


def _set_theme_limits(round_: Round, limits: dict[int, tuple]) -> None:
    existing = {t.theme_id: t for t in round_.theme_limits}
    for theme_id, (cap, reserve) in limits.items():
        limit = existing.pop(theme_id, None)
        if limit is None:
            limit = RoundThemeLimit(theme_id=theme_id)
            round_.theme_limits.append(limit)
        limit.cap_pence, limit.reserve_pence = cap, reserve
    for stale in existing.values():
        round_.theme_limits.remove(stale)


def round_snapshot(round_: Round) -> dict:
    data = {name: getattr(round_, name) for name in ROUND_FIELDS}
    data["ward_budgets"] = {str(k): v for k, v in sorted(_ward_budgets(round_).items())}
    data["theme_limits"] = {str(k): list(v) for k, v in sorted(_theme_limits(round_).items())}
    return data
