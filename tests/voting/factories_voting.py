"""Factories for voting and results tests: rounds with ballots, codes and cast ballots."""

from __future__ import annotations

from datetime import timedelta

from pb.extensions import db
from pb.models import Round, RoundWardBudget
from pb.models.base import utcnow
from pb.voting import services
from tests.factories import make_proposal, make_round

# Macclesfield-like projects: (title, cost in pence)
PROJECTS = [
    ("Tytherington walking group", 4_500_00),
    ("Hurdsfield community cafe", 9_000_00),
    ("Men's Shed tool library", 3_000_00),
    ("Dementia-friendly cinema", 6_000_00),
    ("Weston estate cooking club", 7_500_00),
    ("Carers' respite mornings", 8_000_00),
]


def make_ballot_round(hood, name: str = "Macclesfield Wellbeing Vote 2026",
                      design: str = "approval",
                      rule: str | None = None, projects=PROJECTS, phase: str = "voting",
                      **settings) -> tuple[Round, list]:
    """A published round in its vote with shortlisted projects; returns (round, proposals)."""
    default_rule = {"points": "greedy-points", "scores": "greedy-points"}.get(design,
                                                                              "greedy-approval")
    round_ = make_round(hood.partnership, name, phase, ballot_design=design,
                        allocation_rule=rule or default_rule, **settings)
    proposals = [make_proposal(round_, title, cost) for title, cost in projects]
    db.session.commit()
    return round_, proposals


def add_ward_budgets(round_: Round, budgets: dict) -> None:
    for ward, pence in budgets.items():
        round_.ward_budgets.append(RoundWardBudget(ward_id=ward.id, budget_pence=pence))
    db.session.commit()


def close_voting(round_: Round) -> None:
    round_.voting_close_at = utcnow() - timedelta(minutes=1)
    db.session.commit()


def cast_for(round_: Round, user, choices: dict, replaces=None):
    """Cast a ballot as ``user`` through the service (no HTTP); returns (ballot, receipt)."""
    identity = services.account_identity(round_, user)
    paper = services.build_paper(round_, identity)
    return services.cast_ballot(round_, identity, paper, choices, replaces)


def cast_as_code(round_: Round, code: str, choices: dict, postcode: str = "SK10 2LH",
                 born=None, ip: str = "192.0.2.10"):
    from datetime import date

    claim = services.redeem_code(round_, code, postcode, born or date(1990, 1, 1), ip)
    identity = services.code_identity(round_, claim, None)
    paper = services.build_paper(round_, identity)
    return services.cast_ballot(round_, identity, paper, choices, None)
