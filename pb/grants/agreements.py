"""The grant agreement: completed by a grant officer, accepted online by the grantee.

An officer sets the dates, reporting schedule, conditions, budget lines (carried over
from the proposal), milestones, KPI targets from the programme's catalogue and the
payment schedule, whose tranches must add up to the award exactly. Issuing it records
who set the grant up (that officer may not later release its money) and makes the
return schedule. The grantee's lead accepts it, and who and when are recorded.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _

from pb import audit
from pb.extensions import db
from pb.forms import db_id, small_int
from pb.grants.common import (
    GrantError,
    check_version,
    clean_reason,
    commit,
    parse_count,
    parse_date,
    parse_money,
    refuse_if_closed,
    require,
    touch,
    use_case,
)
from pb.grants.returns import FREQUENCIES, build_returns, schedule
from pb.models import GrantBudgetLine, KpiTarget, Milestone, Programme, Tranche
from pb.models.base import utcnow
from pb.models.grant import TRANCHE_CONDITIONS
from pb.money import format_pence, pence_to_pounds_text
from pb.policy import can_accept_agreement, can_manage_grant

ROWS = {"line": 10, "milestone": 8, "tranche": 6}
MAX_YEARS = 5


@dataclass
class AgreementInput:
    programme_id: int | None = None
    start: date | None = None
    end: date | None = None
    every: int = 3
    conditions: str = ""
    lines: list[tuple[str, int]] = field(default_factory=list)
    milestones: list[tuple[str, date]] = field(default_factory=list)
    targets: dict[int, int] = field(default_factory=dict)
    tranches: list[tuple[int, str, int | None, date | None]] = field(default_factory=list)


def _rows(form: Mapping, kind: str, names: tuple[str, ...]):
    """(index, {name: value}) for each row of a repeated part that has anything in it."""
    for index in range(ROWS[kind]):
        row = {name: (form.get(f"{kind}-{index}-{name}") or "").strip() for name in names}
        if any(row.values()) and not (kind == "tranche" and not row["amount"]
                                      and row.get("condition") == "signing"
                                      and not row["number"] and not row["date"]):
            yield index, row


def parse(grant, form: Mapping) -> AgreementInput:
    """Read the agreement form; every problem is reported at once, on its field."""
    data, errors = AgreementInput(), {}

    def attempt(fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except GrantError as exc:
            errors.update(exc.field_errors)
            return None

    data.programme_id = db_id(form.get("programme_id"))
    data.start = attempt(parse_date, form.get("start_date"), "start_date")
    data.end = attempt(parse_date, form.get("end_date"), "end_date")
    every = form.get("report_every_months") or ""
    data.every = small_int(every, 0, 120) if small_int(every, 0, 120) in FREQUENCIES else -1
    data.conditions = (form.get("conditions") or "").strip()[:5000]
    for i, row in _rows(form, "line", ("description", "amount")):
        amount = attempt(parse_money, row["amount"], f"line-{i}-amount")
        if not row["description"]:
            errors[f"line-{i}-description"] = _("Say what this budget line pays for.")
        elif amount is not None:
            data.lines.append((row["description"][:200], amount))
    for i, row in _rows(form, "milestone", ("title", "due")):
        due = attempt(parse_date, row["due"], f"milestone-{i}-due")
        if not row["title"]:
            errors[f"milestone-{i}-title"] = _("Name the milestone.")
        elif due is not None:
            data.milestones.append((row["title"][:160], due))
    for name in form:
        if name.startswith("target-") and name[7:].isdigit():
            value = attempt(parse_count, form.get(name), name, required=False)
            if value is not None:
                data.targets[int(name[7:])] = value
    for i, row in _rows(form, "tranche", ("amount", "condition", "number", "date")):
        amount = attempt(parse_money, row["amount"], f"tranche-{i}-amount")
        number = attempt(parse_count, row["number"], f"tranche-{i}-number", required=False)
        when = attempt(parse_date, row["date"], f"tranche-{i}-date", required=False)
        if row["condition"] not in TRANCHE_CONDITIONS:
            errors[f"tranche-{i}-condition"] = _("Choose when this payment is made.")
        elif amount is not None:
            data.tranches.append((amount, row["condition"], number, when))
    errors.update(_check(grant, data))
    if errors:
        raise GrantError(_("The agreement has problems: see the messages below. Nothing has "
                         "been saved yet, and what you typed is still here."),
                         field_errors=errors)
    return data


def _check(grant, data: AgreementInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    award = format_pence(grant.amount_pence)
    programme = db.session.get(Programme, data.programme_id or 0)
    if programme is None or programme.partnership_id != grant.partnership_id:
        errors["programme_id"] = _("Choose the funding programme this grant belongs to.")
    if data.every < 0:
        errors["report_every_months"] = _("Choose how often the grantee reports.")
    if data.start and data.end:
        if data.end <= data.start:
            errors["end_date"] = _("The end date must come after the start date.")
        elif data.end.year - data.start.year > MAX_YEARS:
            errors["end_date"] = _("A grant can run for at most %(years)d years.",
                                   years=MAX_YEARS)
    planned = sum(amount for _, amount in data.lines)
    if not data.lines:
        errors["lines"] = _("Add at least one budget line.")
    elif planned != grant.amount_pence:
        errors["lines"] = (_("The budget lines add up to %(planned)s; they "
                             "must add up to the award of %(award)s.", planned=format_pence(planned), award=award))
    in_period = data.start and data.end and data.end > data.start
    for i, (_title, due) in enumerate(data.milestones):
        if in_period and not data.start <= due <= data.end:
            errors[f"milestone-{i}-due"] = _("This date is outside the grant period.")
    if programme is not None and programme.kpis and not data.targets:
        errors["targets"] = _("Set a target for at least one of the programme's KPIs.")
    known = {kpi.id for kpi in programme.kpis} if programme else set()
    if set(data.targets) - known:
        errors["targets"] = _("A KPI is not in this programme's catalogue.")
    errors.update(_check_tranches(grant, data, in_period))
    return errors


def _check_tranches(grant, data: AgreementInput, in_period) -> dict[str, str]:
    errors: dict[str, str] = {}
    award = format_pence(grant.amount_pence)
    returns = len(schedule(data.start, data.end, max(data.every, 0))) if in_period else 0
    running = 0
    for i, (amount, condition, number, when) in enumerate(data.tranches):
        running += amount
        if running > grant.amount_pence:
            errors[f"tranche-{i}-amount"] = (_("This payment takes the "
                                               "schedule to %(running)s, over "
                                               "the award of %(award)s.", running=format_pence(running), award=award))
        if condition == "return" and not (number and 1 <= number <= max(returns, 1)):
            errors[f"tranche-{i}-number"] = (_("Give the return's number, 1 to "
                                               "%(returns)s (the last is the "
                                               "final return).", returns=returns))
        if condition == "milestone" and not (number and 1 <= number <= len(data.milestones)):
            errors[f"tranche-{i}-number"] = _("Give the milestone's number from the list above.")
        if condition == "date":
            if when is None:
                errors[f"tranche-{i}-date"] = _("Give the date from which this payment is due.")
            elif in_period and not data.start <= when <= data.end:
                errors[f"tranche-{i}-date"] = _("This date is outside the grant period.")
    if not data.tranches:
        errors["tranches"] = _("Add the payment schedule: at least one payment.")
    elif running < grant.amount_pence:
        errors["tranches"] = (_("The payments add up to %(running)s, "
                                "%(short)s short of the award of %(award)s.", running=format_pence(running), short=format_pence(grant.amount_pence - running), award=award))
    return errors


@use_case
def save(grant, actor, form: Mapping, *, issue: bool = False):
    """Save the agreement (and, with ``issue``, offer it to the grantee)."""
    require(can_manage_grant(actor, grant), _("Only the grant's grant officers can change its "
                                            "agreement."))
    refuse_if_closed(grant)
    check_version(grant, form.get("version"))
    if grant.status != "draft":
        raise GrantError(_("The agreement has been offered to the grantee. Take the offer back "
                         "before changing it."), status=409)
    data = parse(grant, form)
    if issue and grant.organisation_id is None:
        raise GrantError(_("Name the organisation that will deliver the project before offering "
                         "the agreement."), field="organisation")
    _apply(grant, data)
    if issue:
        grant.status = "offered"
        grant.set_up_by_id = actor.id
        grant.agreement_issued_at = utcnow()
        grant.returns = build_returns(grant)
    touch(grant)
    db.session.flush()
    audit.record("grant.agreement_issued" if issue else "grant.agreement_saved", grant,
                 actor=actor, after=_summary(grant))
    commit()
    if issue:
        from pb.grants.notify import grantees_of, send

        send(grantees_of(grant), f"Your grant agreement is ready: {grant.title}",
             f"The agreement for {grant.title} ({format_pence(grant.amount_pence)}) is ready for "
             "you to read and accept in pb.")
    return grant


def _apply(grant, data: AgreementInput) -> None:
    grant.programme_id = data.programme_id
    grant.start_date, grant.end_date = data.start, data.end
    grant.report_every_months = data.every
    grant.conditions = data.conditions
    # Clear before replacing: the new rows reuse the old ones' unique keys.
    for rows in (grant.budget_lines, grant.milestones, grant.kpi_targets, grant.tranches):
        rows.clear()
    db.session.flush()
    grant.budget_lines = [GrantBudgetLine(position=i, description=d, planned_pence=a)
                          for i, (d, a) in enumerate(data.lines)]
    grant.milestones = [Milestone(position=i, title=t, due_date=d)
                        for i, (t, d) in enumerate(data.milestones)]
    grant.kpi_targets = [KpiTarget(kpi_id=k, target=v) for k, v in sorted(data.targets.items())]
    grant.tranches = [Tranche(position=i, amount_pence=a, condition=c, condition_number=n,
                              condition_date=w)
                      for i, (a, c, n, w) in enumerate(data.tranches)]


def _summary(grant) -> dict:
    return {"programme_id": grant.programme_id, "start": grant.start_date,
            "end": grant.end_date, "every_months": grant.report_every_months,
            "lines": [(b.description, b.planned_pence) for b in grant.budget_lines],
            "milestones": [(m.title, m.due_date) for m in grant.milestones],
            "targets": {t.kpi_id: t.target for t in grant.kpi_targets},
            "tranches": [(t.amount_pence, t.condition, t.condition_number, t.condition_date)
                         for t in grant.tranches]}


@use_case
def take_back(grant, actor, version=None):
    """Take an offer back before the grantee accepts it (to change it)."""
    require(can_manage_grant(actor, grant), _("Only the grant's grant officers can do this."))
    check_version(grant, version)
    if grant.status != "offered":
        raise GrantError(_("Only an offer not yet accepted can be taken back."), status=409)
    grant.status = "draft"
    grant.set_up_by_id = None
    grant.agreement_issued_at = None
    grant.returns = []
    touch(grant)
    audit.record("grant.offer_taken_back", grant, actor=actor)
    commit()
    return grant


@use_case
def accept(grant, actor, *, name: str, confirmed: bool, version=None):
    """The grantee's lead accepts the agreement online; who and when are recorded."""
    require(can_accept_agreement(actor, grant),
            _("Only the grantee organisation's lead can accept its agreement."))
    check_version(grant, version)
    if grant.status != "offered":
        raise GrantError(_("This agreement is not waiting to be accepted."), status=409)
    name = " ".join((name or "").split())
    errors = {}
    if len(name) < 3:
        errors["name"] = _("Type your full name to sign the agreement.")
    if not confirmed:
        errors["confirm"] = (_("Tick to confirm you accept the agreement on "
                               "behalf of %(name)s.", name=grant.organisation.name))
    if errors:
        raise GrantError(field_errors=errors)
    grant.status = "active"
    grant.accepted_at = utcnow()
    grant.accepted_by_id = actor.id
    grant.accepted_name = name[:120]
    touch(grant)
    audit.record("grant.agreement_accepted", grant, actor=actor, after={
        "accepted_by_id": actor.id, "name": grant.accepted_name,
        "organisation_id": grant.organisation_id})
    commit()
    return grant


@use_case
def withdraw(grant, actor, *, reason: str, version=None):
    """The project will not go ahead: withdraw the grant before any money is paid."""
    require(can_manage_grant(actor, grant), _("Only the grant's grant officers can do this."))
    refuse_if_closed(grant)
    check_version(grant, version)
    if any(t.status == "released" for t in grant.tranches):
        raise GrantError(_("Money has been paid on this grant: claw it back and close the grant "
                         "instead of withdrawing it."), status=409)
    grant.withdrawn_reason = clean_reason(reason)
    grant.status = "withdrawn"
    touch(grant)
    audit.record("grant.withdrawn", grant, actor=actor, after={"reason": grant.withdrawn_reason})
    commit()
    return grant


def form_values(grant) -> dict[str, str]:
    """The agreement as form values (what the officer edits)."""
    values = {"programme_id": str(grant.programme_id or ""),
              "start_date": grant.start_date.isoformat() if grant.start_date else "",
              "end_date": grant.end_date.isoformat() if grant.end_date else "",
              "report_every_months": str(grant.report_every_months),
              "conditions": grant.conditions, "version": str(grant.version)}
    for i, line in enumerate(grant.budget_lines):
        values[f"line-{i}-description"] = line.description
        values[f"line-{i}-amount"] = pence_to_pounds_text(line.planned_pence)
    for i, stone in enumerate(grant.milestones):
        values[f"milestone-{i}-title"] = stone.title
        values[f"milestone-{i}-due"] = stone.due_date.isoformat()
    for target in grant.kpi_targets:
        values[f"target-{target.kpi_id}"] = "" if target.target is None else str(target.target)
    for i, tranche in enumerate(grant.tranches):
        values[f"tranche-{i}-amount"] = pence_to_pounds_text(tranche.amount_pence)
        values[f"tranche-{i}-condition"] = tranche.condition
        values[f"tranche-{i}-number"] = str(tranche.condition_number or "")
        values[f"tranche-{i}-date"] = (tranche.condition_date.isoformat()
                                       if tranche.condition_date else "")
    return values
