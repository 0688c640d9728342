"""Decision-day fixtures: a round in its vote with six projects, and its decision day with
Grace (event staff) and a second member of staff on duty."""

from __future__ import annotations

import pytest

from pb.models import Role
from tests.factories import make_ballot_round, make_event, make_user


@pytest.fixture
def day(neighbourhood):
    """(hood, round, proposals, event, staff): the round's decision day with two staff on duty
    (Grace, and Sam, a second member of event staff)."""
    hood = neighbourhood
    round_, proposals = make_ballot_round(hood, name="Macclesfield Decision Day Vote 2026")
    sam = make_user("sam.hughes@macc.example.org", "Sam",
                    (Role.EVENT_STAFF, {"partnership_id": hood.partnership.id}))
    hood.users["event_staff2"] = sam
    event = make_event(round_, hood.users["officer"], staff=[hood.users["event_staff"], sam])
    return hood, round_, proposals, event
