"""Monitoring returns: the schedule, drafts that are never lost, and submission.

A draft is saved exactly as typed (``draft_json``), by the htmx autosave or the "Save
draft" button, whatever it contains. Submitting checks everything (a figure for every
required KPI, spend within each budget line and backed by evidence, evidence for every
outcome said to be evidenced) and only then writes the structured rows an officer
reviews. A refused submission keeps the draft, so nothing typed is lost.
"""

from __future__ import annotations

import calendar
import json
from collections.abc import Mapping
from datetime import date, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from pb import audit
from pb.extensions import db
from pb.grants.common import (
    GrantError,
    commit,
    parse_count,
    refuse_if_closed,
    require,
    today,
    touch,
    use_case,
)
from pb.grants.figures import claimed_by_line
from pb.models import (
    MonitoringReturn,
    ReturnKpiActual,
    ReturnOutcome,
    ReturnPeople,
    ReturnSpend,
)
from pb.models.base import utcnow
from pb.models.monitoring import AGE_BANDS
from pb.models.programme import OUTCOMES
from pb.money import MoneyError, format_pence, parse_pounds, pence_to_pounds_text
from pb.policy import can_report_on_grant

RETURN_DUE_DAYS = 21
RESUBMIT_DAYS = 14
DRAFT_LIMIT = 200_000  # characters of JSON: far more than any honest return
DRAFT_AUDIT_GAP = timedelta(minutes=30)
FREQUENCIES = {3: _l("Quarterly"), 6: _l("Every six months"), 12: _l("Yearly"),
               0: _l("A final return only")}
FIELD_PREFIXES = ("kpi-", "spend-", "outcome-", "age-", "ward-")
TEXT_FIELDS = ("narrative", "public_update", "case_study")


# The schedule ----------------------------------------------------------------------------------

def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def schedule(start: date, end: date, every_months: int) -> list[tuple[date, date, bool]]:
    """Reporting periods (start, end, is_final) covering the grant period."""
    periods = []
    begin = start
    while every_months:
        following = add_months(start, every_months * (len(periods) + 1))
        if following > end:
            break
        periods.append((begin, following - timedelta(days=1), False))
        begin = following
    if periods and begin > end:
        last_start, last_end, _unused = periods.pop()
        periods.append((last_start, last_end, True))
    else:
        periods.append((begin, end, True))
    return periods


def build_returns(grant) -> list[MonitoringReturn]:
    return [MonitoringReturn(number=i + 1, is_final=final, period_start=begin, period_end=finish,
                             due_date=finish + timedelta(days=RETURN_DUE_DAYS))
            for i, (begin, finish, final) in enumerate(
                schedule(grant.start_date, grant.end_date, grant.report_every_months))]


# Drafts ----------------------------------------------------------------------------------------

def draft_from_form(form: Mapping) -> dict[str, str]:
    """The return's fields exactly as typed (nothing else: no tokens, no buttons)."""
    draft = {}
    for name in form:
        if name in TEXT_FIELDS or name.startswith(FIELD_PREFIXES):
            draft[name] = str(form.get(name, ""))[:20_000]
    return draft


def values_for(ret: MonitoringReturn) -> dict[str, str]:
    """What the form shows: the saved draft, or the submitted figures."""
    if ret.draft_json and ret.draft_json != "{}":
        return ret.draft
    values = {name: getattr(ret, name) or "" for name in TEXT_FIELDS}
    for actual in ret.kpi_actuals:
        values[f"kpi-{actual.kpi_id}"] = str(actual.value)
        values[f"kpi-{actual.kpi_id}-note"] = actual.note
    for row in ret.spend:
        values[f"spend-{row.budget_line_id}"] = pence_to_pounds_text(row.amount_pence)
        values[f"spend-{row.budget_line_id}-note"] = row.note
    for outcome in ret.outcomes:
        values[f"outcome-{outcome.code}"] = outcome.status
        values[f"outcome-{outcome.code}-evidence"] = outcome.evidence
    for row in ret.people:
        if row.dimension == "age_band" and row.category in AGE_BANDS:
            values[f"age-{AGE_BANDS.index(row.category)}"] = str(row.count)
        elif row.dimension == "ward" and row.ward_id:
            values[f"ward-{row.ward_id}"] = str(row.count)
    return values


def check_open(grant, ret, actor) -> None:
    """Refuse unless the actor reports for the grant and the grant is still open."""
    require(can_report_on_grant(actor, grant),
            _("Only the grantee organisation can write this grant's returns."))
    refuse_if_closed(grant)
    if grant.status != "active":
        raise GrantError(_("Returns open once the grant agreement has been accepted."), status=409)
    if not ret.is_open_for_grantee:
        raise GrantError(_("This return has been submitted, so it cannot change now."), status=409)


@use_case
def save_draft(grant, ret, actor, form: Mapping) -> list[str]:
    """Autosave: keep the draft as typed. Returns warnings to show (nothing is refused)."""
    check_open(grant, ret, actor)
    draft = draft_from_form(form)
    text = json.dumps(draft, sort_keys=True)
    if len(text) > DRAFT_LIMIT:
        raise GrantError(_("This draft is too long to save. Shorten the longest answers."))
    now = utcnow()
    # The audit log notes each drafting session (not every keystroke's autosave); what
    # the return finally says is recorded when it is submitted.
    if ret.saved_at is None or ret.saved_by_id != actor.id or now - ret.saved_at > DRAFT_AUDIT_GAP:
        audit.record("grant.return_draft_saved", ret, actor=actor, after={
            "grant_id": grant.id, "number": ret.number, "fields": len(draft)})
    ret.draft_json = text
    ret.saved_at = now
    ret.saved_by_id = actor.id
    commit()
    return _spend_warnings(grant, ret, draft)


def _spend_warnings(grant, ret, draft) -> list[str]:
    warnings = []
    others = claimed_by_line(grant, leaving_out=ret)
    for line in grant.budget_lines:
        try:
            pence = parse_pounds(draft.get(f"spend-{line.id}") or "0")
        except MoneyError:
            continue
        total = others.get(line.id, 0) + pence
        if total > line.planned_pence:
            warnings.append(_("Spend on “%(description)s” would reach "
                              "%(total)s, over its budget of %(budget)s.", description=line.description, total=format_pence(total), budget=format_pence(line.planned_pence)))
    return warnings



# Submitting ------------------------------------------------------------------------------------

@use_case
def submit(grant, ret, actor, form: Mapping) -> MonitoringReturn:
    """Check the whole return and send it to the grant officers for review."""
    check_open(grant, ret, actor)
    draft = draft_from_form(form)
    ret.draft_json = json.dumps(draft, sort_keys=True)
    ret.saved_at = utcnow()
    ret.saved_by_id = actor.id
    errors: dict[str, str] = {}
    narrative = _text(draft, "narrative", errors, required=True)
    kpis = _kpis(grant, draft, errors)
    spend = _spend(grant, ret, draft, errors)
    outcomes = _outcomes(grant, draft, errors)
    people = _people(grant, draft, errors)
    if errors:
        # Keep the draft (the person's work) and refuse the submission.
        commit()
        raise GrantError(_("The return could not be submitted yet: see the messages below. "
                         "Your answers are saved as a draft."), field_errors=errors)
    ret.narrative = narrative
    ret.public_update = _text(draft, "public_update", errors)
    ret.case_study = _text(draft, "case_study", errors)
    # Clear the old rows first: the new ones reuse their unique keys.
    for rows in (ret.kpi_actuals, ret.spend, ret.outcomes, ret.people):
        rows.clear()
    db.session.flush()
    ret.kpi_actuals = [ReturnKpiActual(kpi_id=k, value=v, note=n) for k, (v, n) in kpis.items()]
    ret.spend = [ReturnSpend(budget_line_id=k, amount_pence=v, note=n)
                 for k, (v, n) in spend.items()]
    ret.outcomes = [ReturnOutcome(code=c, status=s, evidence=e) for c, (s, e) in outcomes.items()]
    ret.people = people
    now = utcnow()
    ret.status = "submitted"
    ret.submitted_at = now
    ret.first_submitted_at = ret.first_submitted_at or now
    ret.submitted_by_id = actor.id
    ret.review_cycle += 1
    touch(grant)
    audit.record("grant.return_submitted", ret, actor=actor, after={
        "grant_id": grant.id, "number": ret.number, "cycle": ret.review_cycle,
        "late": ret.first_submitted_at.date() > ret.due_date,
        "spend_pence": sum(v for v, _ in spend.values())})
    commit()
    _tell_officers(grant, ret)
    return ret


def _text(draft, name, errors, required=False) -> str:
    value = (draft.get(name) or "").strip()
    if required and len(value) < 20:
        errors[name] = _("Say how the project went in this period (a few sentences).")
    return value[:10_000]


def _kpis(grant, draft, errors) -> dict[int, tuple[int, str]]:
    values = {}
    for target in grant.kpi_targets:
        name = f"kpi-{target.kpi_id}"
        try:
            value = parse_count(draft.get(name), name, required=target.kpi.required)
        except GrantError as exc:
            missing = not (draft.get(name) or "").strip()
            errors[name] = (_("Enter a figure for “%(kpi)s” (0 if none this period).",
                              kpi=target.kpi.name) if missing else exc.message)
            continue
        if value is not None:
            values[target.kpi_id] = (value, (draft.get(f"{name}-note") or "").strip()[:300])
    return values


def _spend(grant, ret, draft, errors) -> dict[int, tuple[int, str]]:
    others = claimed_by_line(grant, leaving_out=ret)
    evidenced = {d.budget_line_id for d in ret.documents if d.kind == "evidence"}
    values = {}
    for line in grant.budget_lines:
        name = f"spend-{line.id}"
        text = (draft.get(name) or "").strip()
        if not text:
            continue
        try:
            pence = parse_pounds(text)
        except MoneyError as exc:
            errors[name] = str(exc)
            continue
        if pence < 0:
            errors[name] = _("Enter the amount spent, or leave it blank.")
            continue
        total = others.get(line.id, 0) + pence
        if total > line.planned_pence:
            errors[name] = (_("Spend on “%(description)s” would reach "
                              "%(total)s, over its budget of %(budget)s "
                              "by %(over)s. Report only what the "
                              "grant paid for, or ask your grant officer to "
                              "vary the budget.", description=line.description, total=format_pence(total), budget=format_pence(line.planned_pence), over=format_pence(total - line.planned_pence)))
            continue
        if pence and line.id not in evidenced:
            errors[name] = (_("Upload a receipt or other evidence for the "
                              "%(amount)s spent on “%(description)s”.", amount=format_pence(pence), description=line.description))
            continue
        values[line.id] = (pence, (draft.get(f"{name}-note") or "").strip()[:300])
    return values


def outcome_choices(grant) -> list[str]:
    codes = set(grant.outcome_codes) | set(grant.programme.outcome_codes if grant.programme
                                           else [])
    return [code for code in OUTCOMES if code in codes]


def _outcomes(grant, draft, errors) -> dict[str, tuple[str, str]]:
    values = {}
    for code in outcome_choices(grant):
        status = draft.get(f"outcome-{code}") or ""
        evidence = (draft.get(f"outcome-{code}-evidence") or "").strip()[:2000]
        if status not in ("claimed", "evidenced"):
            continue
        if status == "evidenced" and len(evidence) < 10:
            errors[f"outcome-{code}-evidence"] = (_("Say what shows “%(outcome)s” "
                                                    "(a survey, attendance "
                                                    "records, a case study...).", outcome=OUTCOMES[code]))
            continue
        values[code] = (status, evidence)
    return values


def _people(grant, draft, errors) -> list[ReturnPeople]:
    rows = []
    for index, band in enumerate(AGE_BANDS):
        count = _count(draft, f"age-{index}", errors)
        if count:
            rows.append(ReturnPeople(dimension="age_band", category=band, count=count))
    for ward in grant.area.wards:
        count = _count(draft, f"ward-{ward.id}", errors)
        if count:
            rows.append(ReturnPeople(dimension="ward", category=ward.name, ward_id=ward.id,
                                     count=count))
    return rows


def _count(draft, name, errors) -> int:
    try:
        return parse_count(draft.get(name), name, required=False) or 0
    except GrantError as exc:
        errors[name] = exc.message
        return 0


def _tell_officers(grant, ret) -> None:
    from pb.grants.notify import officers_of, send

    send(officers_of(grant), f"Return to review: {grant.title}",
         f"{grant.organisation.name if grant.organisation else 'The grantee'} submitted "
         f"{ret.in_sentence} for {grant.title} ({grant.reference}). Review it in pb's grants "
         "desk.")


def is_late(ret, on: date | None = None) -> bool:
    """Submitted after its due date, or not submitted and past it."""
    if ret.first_submitted_at:
        return ret.first_submitted_at.date() > ret.due_date
    return (on or today()) > ret.due_date
