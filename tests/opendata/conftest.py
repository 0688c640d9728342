"""Published data for the open-data tests: a certified round, two active grants (one with
a registered charity, one with an unregistered group), one tranche paid, a draft grant."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from pb.extensions import db
from pb.grants import tranches
from pb.results import services as results
from tests.factories import (
    active_grant,
    add_grant_people,
    cast_for,
    close_voting,
    make_ballot_round,
    make_grant,
    make_programme,
    make_voter,
)


@dataclass
class Published:
    round: object
    programme: object
    charity_grant: object
    group_grant: object
    draft_grant: object
    tranche: object


@pytest.fixture
def published(neighbourhood):
    hood = neighbourhood
    add_grant_people(hood)
    round_, projects = make_ballot_round(hood, name="Sutton Wellbeing Vote 2026",
                                         budget_pence=20_000_00,
                                         max_project_cost_pence=10_000_00)
    for n, picks in enumerate([[0, 1], [0], [1, 2], [0, 2]]):
        cast_for(round_, make_voter(n), {projects[i].id: 1 for i in picks})
    close_voting(round_)
    results.tally(round_, hood.users["officer"])
    results.certify(round_, hood.users["officer2"])

    hood.wards["Macclesfield Hurdsfield"].code = "E05008633"
    programme = make_programme(hood, rounds=[round_])
    charity = active_grant(hood, programme, reference="PB-2025/017")
    charity.themes = [hood.themes["Older people"], hood.themes["Social isolation"]]
    group = active_grant(hood, programme, title="Tytherington Walking Group",
                         amount_pence=450_00, reference="PB-2025-018")
    # Delivered by an unregistered group (no charity or company number).
    group.organisation_id = hood.organisations["Silk Town Walkers"].id
    draft = make_grant(hood, title="Winter warm space", programme=programme,
                       reference="PB-2025-019")
    db.session.commit()
    first = charity.tranches[0]
    tranches.release(charity, first.id, hood.users["grant_officer2"],
                     paid_on=date(2025, 11, 10).isoformat(), reference="BACS 44120")
    return Published(round_, programme, charity, group, draft, first)
