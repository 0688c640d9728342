"""RAG status (red, amber, green) by stated rules, each showing why it fired.

The rules (``RULES``) look at an active grant on a given day:

- reporting: red when a return is more than 14 days overdue; amber when one is overdue;
- spend: compared with the budget pro rata to the period the accepted returns cover:
  red below 50% or above 150% of that plan, amber below 75% or above 125%;
- KPIs: each KPI with a target, against the target pro rata: red when any is below 60%,
  amber when any is below 85%;
- milestones: red when one is more than 60 days overdue, amber when one is overdue.

The overall status is the worst rule's. An officer may override it with a reason (and
an optional end date); the rules that fired are still shown beside the override.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from pb import audit
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
from pb.grants.figures import elapsed_share, kpi_achieved, reported_to, spent_by_line
from pb.models.base import utcnow
from pb.models.grant import RAG_VALUES
from pb.money import format_pence
from pb.policy import can_decide_on_grant

ORDER = {"green": 0, "amber": 1, "red": 2}
VERY_LATE_DAYS = 14
MILESTONE_RED_DAYS = 60

RULE_LABELS = {"reporting": _l("Reporting"), "spend": _l("Spend"), "kpis": _l("KPIs"),
               "milestones": _l("Milestones")}

RULES = {
    "reporting": _l("Red when a return is more than 14 days overdue; amber when one is "
                    "overdue."),
    "spend": _l("Spend against the budget pro rata to the period reported: red below 50% or "
                "above 150%; amber below 75% or above 125%."),
    "kpis": _l("Each KPI against its target pro rata to the period reported: red when one is "
               "below 60%; amber when one is below 85%."),
    "milestones": _l("Red when a milestone is more than 60 days overdue; amber when one is "
                     "overdue."),
}


@dataclass(frozen=True)
class Finding:
    rule: str
    value: str
    reason: str


@dataclass(frozen=True)
class Rag:
    value: str | None  # None: not assessed (not active)
    computed: str | None
    findings: list[Finding] = field(default_factory=list)
    overridden: bool = False

    @property
    def label(self) -> str:
        return RAG_VALUES.get(self.value, _("Not assessed")) if self.value else _("Not assessed")

    @property
    def computed_label(self) -> str:
        """What the rules give, as the page names it ("Red")."""
        return RAG_VALUES.get(self.computed, "") if self.computed else ""


def _worst(findings: list[Finding]) -> str:
    return max((f.value for f in findings), key=ORDER.get, default="green")


def reporting(grant, on: date) -> list[Finding]:
    late = [(r.days_overdue(on), r) for r in grant.returns if r.is_overdue(on)]
    if not late:
        return []
    days, ret = max(late, key=lambda pair: pair[0])
    value = "red" if days > VERY_LATE_DAYS else "amber"
    return [Finding("reporting", value, ngettext("%(label)s is %(num)d day overdue.",
                                                 "%(label)s is %(num)d days overdue.", days,
                                                 label=ret.label))]


def _band(share: float, red: tuple[float, float], amber: tuple[float, float]) -> str:
    if share < red[0] or share > red[1]:
        return "red"
    if share < amber[0] or share > amber[1]:
        return "amber"
    return "green"


def spend(grant) -> list[Finding]:
    share = elapsed_share(grant, reported_to(grant))
    planned = grant.planned_pence
    if not share or not planned:
        return []
    expected = planned * share
    spent = sum(spent_by_line(grant).values())
    ratio = spent / expected if expected else 1.0
    value = _band(ratio, (0.5, 1.5), (0.75, 1.25))
    if value == "green":
        return []
    message = (_("Spend of %(spent)s is %(percent)d%% of the %(planned)s planned by now "
                 "(below plan).") if ratio < 1 else
               _("Spend of %(spent)s is %(percent)d%% of the %(planned)s planned by now "
                 "(above plan)."))
    return [Finding("spend", value, message % {
        "spent": format_pence(spent), "percent": round(ratio * 100),
        "planned": format_pence(round(expected))})]


def kpis(grant) -> list[Finding]:
    share = elapsed_share(grant, reported_to(grant))
    if not share:
        return []
    achieved = kpi_achieved(grant)
    findings = []
    for target in grant.kpi_targets:
        if not target.target:
            continue
        expected = target.target * share
        ratio = achieved.get(target.kpi_id, 0) / expected
        value = "red" if ratio < 0.6 else "amber" if ratio < 0.85 else "green"
        if value != "green":
            findings.append(Finding("kpis", value, _(
                "“%(kpi)s”: %(achieved)d achieved against %(expected)d expected by now "
                "(%(percent)d%%).", kpi=target.kpi.name, achieved=achieved.get(target.kpi_id, 0),
                expected=round(expected), percent=round(ratio * 100))))
    return findings


def milestones(grant, on: date) -> list[Finding]:
    findings = []
    for stone in grant.milestones:
        if stone.is_met or stone.due_date >= on:
            continue
        days = (on - stone.due_date).days
        value = "red" if days > MILESTONE_RED_DAYS else "amber"
        findings.append(Finding("milestones", value,
                                ngettext("Milestone “%(title)s” is %(num)d day overdue.",
                                         "Milestone “%(title)s” is %(num)d days overdue.",
                                         days, title=stone.title)))
    return findings


def assess(grant, on: date | None = None) -> Rag:
    """The grant's RAG status on ``on`` (today by default), with the rules that fired."""
    if grant.status != "active":
        return Rag(None, None)
    on = on or today()
    findings = reporting(grant, on) + spend(grant) + kpis(grant) + milestones(grant, on)
    computed = _worst(findings)
    override = grant.rag_override
    if override and (grant.rag_override_until is None or grant.rag_override_until >= on):
        return Rag(override, computed, findings, overridden=True)
    return Rag(computed, computed, findings)


@use_case
def set_override(grant, actor, *, value: str, reason: str, until: str = "", version=None):
    """Set the RAG status by hand, with a reason and an optional end date."""
    require(can_decide_on_grant(actor, grant),
            _("Only the grant's grant officers (with no declared interest) can override its RAG."))
    refuse_if_closed(grant)
    check_version(grant, version)
    if grant.status != "active":
        raise GrantError(_("Only an active grant has a RAG status."), status=409)
    if value not in RAG_VALUES:
        raise GrantError(_("Choose red, amber or green."), field="value")
    reason = clean_reason(reason)
    ends = parse_date(until, "until", required=False)
    if ends is not None and ends < today():
        raise GrantError(_("The end date of the override cannot be in the past."), field="until")
    before = {"value": grant.rag_override, "reason": grant.rag_override_reason}
    grant.rag_override, grant.rag_override_reason = value, reason
    grant.rag_override_until = ends
    grant.rag_override_by_id, grant.rag_override_at = actor.id, utcnow()
    touch(grant)
    audit.record("grant.rag_overridden", grant, actor=actor, before=before, after={
        "value": value, "reason": reason, "until": ends,
        "computed": assess(grant).computed})
    commit()
    return grant


@use_case
def clear_override(grant, actor, version=None):
    require(can_decide_on_grant(actor, grant),
            _("Only the grant's grant officers (with no declared interest) can do this."))
    refuse_if_closed(grant)
    check_version(grant, version)
    if not grant.rag_override:
        raise GrantError(_("There is no override to remove."), status=409)
    before = {"value": grant.rag_override, "reason": grant.rag_override_reason}
    grant.rag_override, grant.rag_override_reason, grant.rag_override_until = None, "", None
    touch(grant)
    audit.record("grant.rag_override_cleared", grant, actor=actor, before=before)
    commit()
    return grant
