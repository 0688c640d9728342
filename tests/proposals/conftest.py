"""Fixtures and factories for the proposals tests."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from pb.extensions import db
from pb.models.proposal import BudgetLine, ProposalOutcome
from tests import factories


def proposal_with_lines(round_, title, lines, *, status="submitted", wards=None,
                        proposer=None, themes=(), outcomes=("social_isolation",), **values):
    """A proposal made directly in the database, with budget lines and outcomes."""
    proposal = factories.make_proposal(round_, title, sum(a for _, a in lines), status=status,
                                       wards=wards, proposer=proposer,
                                       delivered_by=values.pop("delivered_by",
                                                               "Local volunteers"),
                                       **values)
    proposal.budget_lines = [BudgetLine(position=i, description=d, amount_pence=a)
                             for i, (d, a) in enumerate(lines)]
    proposal.outcome_links = [ProposalOutcome(code=c) for c in outcomes]
    proposal.themes = list(themes)
    db.session.commit()
    return proposal


def form_data(hood, **override):
    """A valid POST body for the proposal form (three budget lines: £1,450)."""
    data = {
        "title": "Hurdsfield Dementia Café",
        "summary": "A weekly café for people living with dementia and their carers.",
        "description": "We will meet **every Tuesday** at the community centre.",
        "organisation_id": "0",
        "where": "wards",
        "wards": [str(hood.wards["Macclesfield Hurdsfield"].id)],
        "themes": [str(hood.themes["Older people"].id)],
        "outcomes": ["social_isolation", "mental_health"],
        "outcomes_other": "",
        "delivered_by": "Hurdsfield Community Centre volunteers",
        "lines-0-description": "Hall hire, 40 sessions",
        "lines-0-amount": "800.00",
        "lines-1-description": "Refreshments",
        "lines-1-amount": "400",
        "lines-2-description": "Trained facilitator",
        "lines-2-amount": "250.00",
        "action": "submit",
        "idempotency_key": "k" + "1" * 31,
    }
    data.update(override)
    return data


def png_bytes(size=(8, 8), colour=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return out.getvalue()


MINIMAL_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
               b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
               b"trailer<</Root 1 0 R>>\n%%EOF\n")


@pytest.fixture
def hood(neighbourhood):
    return neighbourhood
