"""The first year of each demo decision-day grant, by scenario (see ``pb.demo.grants``)."""

from __future__ import annotations

import json
from datetime import timedelta

from pb.demo import grants_build as build
from pb.demo.grants_build import Report
from pb.extensions import db
from pb.grants import returns as return_rules
from pb.grants.common import today
from pb.models import Adjustment, ReturnSpend

SCENARIO_PLANS = {
    "closed": ((50, "signing", None), (30, "return", 2), (20, "final", None)),
    "to_review": ((50, "signing", None), (30, "return", 2), (20, "final", None)),
}
LONG_PLAN = ((40, "signing", None), (30, "return", 4), (30, "final", None))
ACCEPTED = {"closed": 3, "to_review": 3, "on_track": 4, "payment_due": 4, "sent_back": 3,
            "late": 3, "very_late": 2, "kpi_red": 4, "overridden": 4}
KPI_PACE = {"kpi_red": 0.4}
SPEND_PACE = {"overridden": 0.55}


def plan_for(scenario: str):
    return SCENARIO_PLANS.get(scenario, LONG_PLAN)


def _report(grant, ret, scenario: str, periods: int) -> Report:
    targets = {t.kpi.code: t.target or 0 for t in grant.kpi_targets}
    pace = KPI_PACE.get(scenario, 1.0) * (1.0 + 0.04 * (ret.number % 3))
    kpis = {code: max(round(target / periods * pace), 1 if target else 0)
            for code, target in targets.items()}
    sessions, people = kpis.get("sessions", 0), kpis.get("participants", 0)
    codes = grant.outcome_codes or ["community_wellbeing"]
    status = "claimed" if ret.number == 1 else "evidenced"
    if scenario == "closed" and ret.is_final:
        status = "verified"
    return Report(
        kpis=kpis, spend_share=SPEND_PACE.get(scenario, 1.0) / periods,
        narrative=(f"We ran {sessions} sessions this quarter with {people} attendances. "
                   f"Volunteers are settling in and word of mouth is bringing new people. "
                   f"{'Numbers are well below what we planned: our venue was only free on weekday mornings, when most of the young people are at college.' if scenario == 'kpi_red' else 'We are on plan.'}"),
        public_update=(f"{sessions} sessions this quarter, with {people} attendances. "
                       f"Thank you to our volunteers!"),
        outcomes=dict.fromkeys(codes, status), people=max(people // 3, 1),
        case_study=("A regular told us she had not spoken to anyone for three days before "
                    "she first came; she now helps set up the room each week."
                    if ret.number == 2 else ""))


def play_returns(grant, scenario: str, *, officer, officer2, grantee) -> None:
    releaser = officer if grant.set_up_by_id == officer2.id else officer2
    periods = len(grant.returns)
    tranches = list(grant.tranches)
    build.release(grant, tranches[0], grant.start_date + timedelta(days=2), releaser)
    accepted = ACCEPTED[scenario]
    for ret in grant.returns:
        if ret.number > accepted + (1 if scenario in ("to_review", "sent_back") else 0):
            break
        build.fill(grant, ret, _report(grant, ret, scenario, periods), by=grantee,
                   wards=list(grant.wards))
        if ret.number <= accepted:
            build.accept(ret, min(ret.due_date - timedelta(days=1), today()), officer)
    if scenario == "closed":
        _settle_final_spend(grant)
    if scenario == "sent_back":
        ret = grant.returns[accepted]
        build.send_back(ret, min(ret.due_date + timedelta(days=2), today()), officer, {
            "spend": "The receipts add up to less than the spend you report on tablets and "
                     "data: please upload the missing receipts or correct the figure.",
            "kpis": "Please split 'people taking part' into new and returning people in the "
                    "note, as we agreed at the last visit."})
        db.session.flush()
        ret.draft_json = json.dumps(return_rules.values_for(ret))
    _milestones(grant, scenario)
    _payments(grant, scenario, releaser, officer)
    if scenario == "late" and grant.title.startswith("Weston"):
        ret = grant.returns[accepted]
        ret.draft_json = json.dumps({
            "narrative": "The fridge is now stocked four days a week. (Draft: figures to add "
                         "after the volunteers' meeting.)", "public_update": ""})
        ret.saved_at = build.at(today() - timedelta(days=12), 21)
    if scenario == "closed":
        _close(grant, officer, releaser)
    if scenario == "overridden":
        grant.rag_override = "green"
        grant.rag_override_reason = ("The respite venue closed for refurbishment for two "
                                     "months, so spend paused; the network has a catch-up "
                                     "plan agreed at our review meeting.")
        grant.rag_override_by_id = officer.id
        grant.rag_override_at = build.at(today() - timedelta(days=5))
        grant.rag_override_until = today() + timedelta(days=60)
    db.session.flush()


def _settle_final_spend(grant) -> None:
    """Closed grants: the final return brings each line's spend to its plan (the Yoga
    group spent £120 less on mats, and returns it at close-out)."""
    final = grant.returns[-1]
    for line in grant.budget_lines:
        before = sum(s.amount_pence for r in grant.returns[:-1] for s in r.spend
                     if s.budget_line_id == line.id)
        row = next((s for s in final.spend if s.budget_line_id == line.id), None)
        left = line.planned_pence - before
        if row is None:
            final.spend.append(ReturnSpend(budget_line_id=line.id, amount_pence=left))
        else:
            row.amount_pence = left
    if grant.title == "Parent and Toddler Yoga":
        final.spend[-1].amount_pence -= 120_00
    db.session.flush()


def _milestones(grant, scenario: str) -> None:
    """Milestones due by now were met (a little early), except where delivery stalled."""
    stalled = scenario in ("very_late", "kpi_red")
    for stone in grant.milestones:
        if stone.due_date <= today() and not (stalled and stone.position >= 2):
            stone.met_on = stone.due_date - timedelta(days=2)


def _payments(grant, scenario, releaser, officer) -> None:
    for tranche in list(grant.tranches)[1:]:
        ret = next((r for r in grant.returns if r.number == tranche.condition_number), None)
        if ret is None or ret.status != "accepted":
            continue
        if scenario == "kpi_red":
            tranche.status = "withheld"
            grant.adjustments.append(Adjustment(
                tranche_id=tranche.id, kind="withheld", amount_pence=tranche.amount_pence,
                reason="KPIs are far below target after a year. The payment is withheld "
                       "until the club's recovery plan (evening sessions at the library) "
                       "shows results at the next return.",
                on_date=min(ret.reviewed_at.date() + timedelta(days=3), today()),
                recorded_by_id=officer.id))
            continue
        if scenario == "payment_due":
            continue
        build.release(grant, tranche, min(ret.reviewed_at.date() + timedelta(days=5),
                                          today()), releaser)


def _close(grant, officer, releaser) -> None:
    final = grant.returns[-1]
    closed_on = min(final.reviewed_at.date() + timedelta(days=10), today())
    if grant.title == "Parent and Toddler Yoga":
        grant.adjustments.append(Adjustment(
            kind="underspend_returned", amount_pence=120_00,
            reason="Underspend returned at close-out: the mats cost less than quoted.",
            on_date=closed_on, recorded_by_id=officer.id))
    grant.status = "closed"
    grant.closed_at = build.at(closed_on, 16)
    grant.closed_by_id = officer.id
    grant.close_note = ("All sessions delivered and the final return accepted. The group "
                        "carries on with its own fundraising.")
