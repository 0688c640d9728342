"""Demo grants from last year's online vote (``ROUND_PAST``): its 10 funded projects, in the
same programme as the decision day's, played out from the spring of 2025.

Nine one-year grants are finished: every quarterly return was accepted, every tranche
paid and the grant closed (Parkrun Buddies returned £150 it did not spend). The holiday
activities ran for two summers, so that grant is still going: the returns due by today
are in and accepted, and its last payment waits for the final return. Dates are fixed
(the round was in early 2025) but never later than today.

Idempotent: a grant is played out only while it is still an untouched draft.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from pb.demo import grants_build as build
from pb.demo.grants_build import Plan, Report
from pb.extensions import db
from pb.grants.common import today
from pb.grants.handover import create_draft_grants
from pb.models import Adjustment, Grant, ReturnSpend
from pb.models.result import RoundResult

TWO_YEARS = {"Upton Holiday Activities and Food"}
UNDERSPEND = {"Parkrun Buddies": 150_00}


def seed_past_grants(round_, programme, *, officer, officer2, grantee_for) -> None:
    """Hand the certified round's winners over as grants and play out their year."""
    result = db.session.scalar(select(RoundResult).where(RoundResult.round_id == round_.id))
    if result is None or not result.is_certified:
        return
    create_draft_grants(round_, result, officer2)
    grants = db.session.scalars(select(Grant).where(Grant.round_id == round_.id)
                                .order_by(Grant.id)).all()
    for index, grant in enumerate(grants):
        if grant.programme_id is None:
            grant.programme_id = programme.id
        if grant.status != "draft" or grant.agreement_issued_at is not None:
            continue
        grant.award_date = result.certified_at.date()
        start = grant.award_date + timedelta(days=21 + 7 * (index % 3))
        months = 24 if grant.title in TWO_YEARS else 12
        _play(grant, programme, Plan(start, months), officer=officer, officer2=officer2,
              grantee=grantee_for(grant))
    db.session.flush()


def _targets(grant, quarters: int) -> dict[str, int]:
    yearly = grant.amount_pence // 100 // 50
    per_quarter = {"participants": yearly * 2, "sessions": 10, "volunteers": max(1, yearly // 40),
                   "volunteer_hours": yearly * 3 // 4}
    return {code: value * quarters for code, value in per_quarter.items()}


def _play(grant, programme, plan: Plan, *, officer, officer2, grantee) -> None:
    quarters = plan.months // 3
    build.agree(grant, programme, plan, officer=officer2, grantee=grantee,
                targets=_targets(grant, quarters),
                milestones=[("Venue booked, volunteers inducted, first session held", 35),
                            ("Halfway: review with participants", plan.months * 15),
                            ("Celebration event and final evaluation",
                             plan.months * 30 - 20)])
    tranches = list(grant.tranches)
    build.release(grant, tranches[0], plan.start + timedelta(days=2), officer)
    for ret in grant.returns:
        if ret.due_date > today() - timedelta(days=7):
            break
        build.fill(grant, ret, _report(grant, ret, quarters), by=grantee,
                   wards=list(grant.wards))
        build.accept(ret, min(ret.due_date - timedelta(days=1), today()), officer)
    for tranche in tranches[1:]:
        ret = grant.returns[tranche.condition_number - 1]
        if ret.status == "accepted":
            build.release(grant, tranche, min(ret.reviewed_at.date() + timedelta(days=5),
                                              today()), officer)
    for stone in grant.milestones:
        if stone.due_date <= today():
            stone.met_on = stone.due_date - timedelta(days=3)
    if all(ret.status == "accepted" for ret in grant.returns):
        _close(grant, officer)
    db.session.flush()


def _report(grant, ret, quarters: int) -> Report:
    pace = 0.9 + 0.1 * (ret.number % 3)
    kpis = {t.kpi.code: max(round((t.target or 0) / quarters * pace), 1)
            for t in grant.kpi_targets}
    sessions, people = kpis.get("sessions", 0), kpis.get("participants", 0)
    status = "verified" if ret.is_final else "claimed" if ret.number == 1 else "evidenced"
    return Report(
        kpis=kpis, spend_share=1 / len(grant.returns),
        narrative=(f"{sessions} sessions this quarter with {people} attendances. Regulars "
                   "now bring friends, and two volunteers have started leading sessions."),
        public_update=f"{sessions} sessions and {people} attendances this quarter.",
        outcomes=dict.fromkeys(grant.outcome_codes or ["community_wellbeing"], status),
        people=max(people // 3, 1),
        case_study=("A man who had not left his flat since his wife died now comes every "
                    "week and has joined the volunteers." if ret.number == 2 else ""))


def _close(grant, officer) -> None:
    """The final return brings each line's spend to its plan (less any underspend, which
    is returned), and the grant is closed ten days after it was accepted."""
    final = grant.returns[-1]
    for line in grant.budget_lines:
        before = sum(s.amount_pence for r in grant.returns[:-1] for s in r.spend
                     if s.budget_line_id == line.id)
        row = next((s for s in final.spend if s.budget_line_id == line.id), None)
        if row is None:
            row = ReturnSpend(budget_line_id=line.id, amount_pence=0)
            final.spend.append(row)
        row.amount_pence = line.planned_pence - before
    closed_on = min(final.reviewed_at.date() + timedelta(days=10), today())
    underspend = UNDERSPEND.get(grant.title)
    if underspend:
        max(final.spend, key=lambda row: row.amount_pence).amount_pence -= underspend
        grant.adjustments.append(Adjustment(
            kind="underspend_returned", amount_pence=underspend,
            reason="Underspend returned at close-out: the volunteers' running tops were "
                   "donated by a local shop.", on_date=closed_on, recorded_by_id=officer.id))
    grant.status = "closed"
    grant.closed_at = build.at(closed_on, 16)
    grant.closed_by_id = officer.id
    grant.close_note = ("A year of sessions delivered and every return accepted. The group "
                        "carries on with its own fundraising.")
