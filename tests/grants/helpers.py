"""Helpers for grants tests: a return submitted and reviewed through the use cases."""

from __future__ import annotations

import io

from werkzeug.datastructures import FileStorage, MultiDict

from pb.grants import evidence, returns, reviews
from pb.models.monitoring import SECTIONS
from tests.factories import MINIMAL_PDF

# A PDF with a cross-reference table: uploads parse PDFs with pypdf (issue 14).
PDF = MINIMAL_PDF


def receipt(name: str = "receipt.pdf") -> FileStorage:
    return FileStorage(io.BytesIO(PDF), filename=name, content_type="application/pdf")


def return_form(grant, *, kpis: dict[str, int] | None = None, spend_share: float = 0.25,
                **extra) -> MultiDict:
    """A complete return: every targeted KPI (by code), spend as a share of each line."""
    form = {"narrative": "Sessions ran every week; two new volunteers joined the rota.",
            "public_update": "Weekly sessions are running, with new volunteers."}
    kpis = kpis or {}
    for target in grant.kpi_targets:
        value = kpis.get(target.kpi.code, (target.target or 0) // 4)
        form[f"kpi-{target.kpi_id}"] = str(value)
    for line in grant.budget_lines:
        pence = int(line.planned_pence * spend_share)
        form[f"spend-{line.id}"] = f"{pence // 100}.{pence % 100:02d}"
    form.update(extra)
    return MultiDict(form)


def upload_receipts(grant, ret, grantee) -> None:
    for line in grant.budget_lines:
        evidence.upload(grant, ret, grantee, receipt(f"receipt-{line.id}.pdf"), kind="evidence",
                        budget_line_id=line.id)


def submit_return(grant, ret, grantee, **form_values):
    upload_receipts(grant, ret, grantee)
    return returns.submit(grant, ret, grantee, return_form(grant, **form_values))


def decisions(**changes: str) -> MultiDict:
    form = {f"decision-{section}": "accepted" for section in SECTIONS}
    for section, comment in changes.items():
        form[f"decision-{section}"] = "changes"
        form[f"comment-{section}"] = comment
    return MultiDict(form)


def accept_return(grant, ret, officer):
    return reviews.review(grant, ret, officer, decisions())
