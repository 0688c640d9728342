"""Building blocks for the demo grants: agreements, returns and payments made directly,
as the use cases would have made them on the dates given (the demo plays out a year)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from pb.extensions import db
from pb.grants.returns import add_months, build_returns
from pb.models import (
    KpiTarget,
    Milestone,
    ReturnKpiActual,
    ReturnOutcome,
    ReturnPeople,
    ReturnSpend,
    SectionReview,
    Tranche,
)
from pb.models.monitoring import AGE_BANDS, SECTIONS
from pb.proposals import uploads


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour, 0))


@dataclass
class Plan:
    start: date
    months: int
    every: int = 3
    tranches: tuple = ((50, "signing", None), (30, "return", 2), (20, "final", None))


def agree(grant, programme, plan: Plan, *, officer, grantee, targets: dict[str, int | None],
          milestones: list[tuple[str, int]], accepted: bool = True) -> None:
    """Fill in and issue the agreement (and accept it, unless ``accepted`` is False)."""
    grant.programme_id = programme.id
    grant.start_date = plan.start
    grant.end_date = add_months(plan.start, plan.months) - timedelta(days=1)
    grant.report_every_months = plan.every
    grant.conditions = ("Acknowledge the partnership's funding on publicity.\n"
                        "Keep receipts for every purchase for six years.")
    grant.milestones = [Milestone(position=i, title=title,
                                  due_date=min(plan.start + timedelta(days=days), grant.end_date))
                        for i, (title, days) in enumerate(milestones)]
    by_code = {kpi.code: kpi for kpi in programme.kpis}
    grant.kpi_targets = [KpiTarget(kpi_id=by_code[code].id, target=value)
                         for code, value in targets.items()]
    grant.returns = build_returns(grant)
    final = len(grant.returns)
    rows, paid = [], 0
    for i, (percent, condition, number) in enumerate(plan.tranches):
        amount = (grant.amount_pence * percent // 100 if i < len(plan.tranches) - 1
                  else grant.amount_pence - paid)
        paid += amount
        if condition == "final":
            condition, number = "return", final
        rows.append(Tranche(position=i, amount_pence=amount, condition=condition,
                            condition_number=number))
    grant.tranches = rows
    grant.set_up_by_id = officer.id
    grant.agreement_issued_at = at(plan.start - timedelta(days=10))
    grant.status = "offered"
    if accepted:
        grant.status = "active"
        grant.accepted_at = at(plan.start - timedelta(days=6), 19)
        grant.accepted_by_id = grantee.id if grantee else None
        grant.accepted_name = grantee.display_name if grantee else "The group's lead"
    db.session.flush()


def release(grant, tranche, on: date, officer) -> None:
    tranche.status = "released"
    tranche.paid_pence = tranche.amount_pence
    tranche.released_on = on
    tranche.released_at = at(on, 15)
    tranche.released_by_id = officer.id
    tranche.payment_reference = f"CEC-{grant.id:03d}-{tranche.position + 1}-{on:%y%m%d}"


def evidence_pdf(title: str) -> str:
    """A small, valid PDF receipt stored as an upload; returns its stored name."""
    text = title.replace("(", "").replace(")", "")[:60]
    body = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
            b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
            b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 300 144]/Contents 4 0 R"
            b"/Resources<</Font<</F1 5 0 R>>>>>>endobj\n")
    stream = f"BT /F1 12 Tf 20 100 Td ({text}) Tj ET".encode("latin-1", "replace")
    body += (f"4 0 obj<</Length {len(stream)}>>stream\n".encode() + stream
             + b"\nendstream endobj\n5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>"
             b"endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
    return uploads.store(uploads.CheckedFile(body, uploads.PDF_TYPE, "pdf", "receipt.pdf"))


@dataclass
class Report:
    """What one return says."""

    kpis: dict[str, int]
    spend_share: float  # of each budget line's plan
    narrative: str
    public_update: str = ""
    outcomes: dict[str, str] | None = None  # code -> claimed | evidenced | verified
    people: int = 0
    case_study: str = ""


def fill(grant, ret, report: Report, *, by, wards, evidence: bool = True) -> None:
    """Write a return's figures (as the grantee's submission would have)."""
    by_code = {t.kpi.code: t.kpi_id for t in grant.kpi_targets}
    ret.narrative, ret.public_update = report.narrative, report.public_update
    ret.case_study = report.case_study
    ret.kpi_actuals = [ReturnKpiActual(kpi_id=by_code[code], value=value)
                       for code, value in report.kpis.items() if code in by_code]
    ret.spend = [ReturnSpend(budget_line_id=line.id,
                             amount_pence=int(line.planned_pence * report.spend_share) // 100 * 100)
                 for line in grant.budget_lines if report.spend_share]
    ret.outcomes = [ReturnOutcome(code=code, status=status,
                                  evidence="Attendance registers and a short wellbeing survey "
                                           "(WEMWBS) at the start and after three months."
                                  if status != "claimed" else "")
                    for code, status in (report.outcomes or {}).items()]
    if report.people:
        shares = (0.05, 0.1, 0.3, 0.25, 0.3)
        counts = [int(report.people * s) for s in shares]
        counts[-1] += report.people - sum(counts)
        ret.people = [ReturnPeople(dimension="age_band", category=band, count=count)
                      for band, count in zip(AGE_BANDS, counts) if count]
        for ward in wards[:1]:
            ret.people.append(ReturnPeople(dimension="ward", category=ward.name,
                                           ward_id=ward.id, count=report.people))
    submitted = min(ret.due_date - timedelta(days=3), max(ret.period_end, ret.due_date
                                                           - timedelta(days=3)))
    ret.status = "submitted"
    ret.submitted_at = ret.first_submitted_at = at(submitted, 20)
    ret.submitted_by_id = by.id if by else None
    ret.review_cycle = 1
    db.session.flush()
    if evidence and ret.spend:
        from pb.models import GrantDocument

        line = max(grant.budget_lines, key=lambda b: b.planned_pence)
        stored = evidence_pdf(f"Receipts {grant.reference} {ret.label}")
        db.session.add(GrantDocument(
            grant_id=grant.id, return_id=ret.id, budget_line_id=line.id, kind="evidence",
            original_name=f"receipts-{ret.label.lower().replace(' ', '-')}.pdf",
            stored_name=stored, content_type=uploads.PDF_TYPE, size_bytes=600,
            uploaded_by_id=by.id if by else None, created_at=ret.submitted_at))


def accept(ret, on: date, reviewer) -> None:
    ret.status = "accepted"
    ret.reviewed_at = at(on, 11)
    ret.reviewed_by_id = reviewer.id
    for section in SECTIONS:
        ret.reviews.append(SectionReview(cycle=ret.review_cycle, section=section,
                                         decision="accepted", reviewer_id=reviewer.id,
                                         reviewed_at=ret.reviewed_at))
    for outcome in ret.outcomes:
        if outcome.status == "verified":
            outcome.verified_by_id, outcome.verified_at = reviewer.id, ret.reviewed_at


def send_back(ret, on: date, reviewer, comments: dict[str, str]) -> None:
    ret.status = "sent_back"
    ret.reviewed_at = at(on, 11)
    ret.reviewed_by_id = reviewer.id
    ret.resubmit_by = on + timedelta(days=14)
    for section in SECTIONS:
        comment = comments.get(section, "")
        ret.reviews.append(SectionReview(
            cycle=ret.review_cycle, section=section,
            decision="changes" if comment else "accepted", comment=comment,
            reviewer_id=reviewer.id, reviewed_at=ret.reviewed_at))
