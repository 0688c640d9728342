"""Fixtures for results tests: a closed round with ballots already cast."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.factories import cast_for, close_voting, make_ballot_round, make_voter


@dataclass
class CountedRound:
    round: object
    projects: list
    voters: list


# Approval ballots: project index -> supporters. Costs (see PROJECTS): 4,500 9,000 3,000
# 6,000 7,500 8,000 against a £20,000 budget.
APPROVALS = [
    [0, 1], [0, 1], [0, 1], [0, 3], [0, 3], [1, 2], [1, 2], [2, 4], [4, 5], [5], [3, 5],
    [0, 2], [1],
]


def build_counted_round(hood, design="approval", rule="greedy-approval", ballots=APPROVALS,
                        close=True, **settings):
    round_, projects = make_ballot_round(hood, name=f"Macclesfield {design} vote", design=design,
                                         rule=rule, budget_pence=20_000_00,
                                         max_project_cost_pence=10_000_00, **settings)
    voters = []
    for n, ballot in enumerate(ballots):
        user = make_voter(n)
        if isinstance(ballot, dict):
            choices = {projects[i].id: v for i, v in ballot.items()}
        else:
            choices = {projects[i].id: 1 for i in ballot}
        cast_for(round_, user, choices)
        voters.append(user)
    if close:
        close_voting(round_)
    return CountedRound(round_, projects, voters)


@pytest.fixture
def counted(neighbourhood):
    return build_counted_round(neighbourhood)
