"""Fixtures for the grants tests: the neighbourhood with its grant people, a programme,
grants in each state, and a clock that tests can move."""

from __future__ import annotations

from datetime import date

import pytest

from pb.grants import common
from tests.factories import active_grant, add_grant_people, make_programme


@pytest.fixture
def neighbourhood(neighbourhood):
    """The shared neighbourhood, with grant officers and grantees added."""
    add_grant_people(neighbourhood)
    return neighbourhood


@pytest.fixture
def programme(neighbourhood):
    return make_programme(neighbourhood)


@pytest.fixture
def clock(monkeypatch):
    """clock(date) makes that day "today" for the grants area."""

    def _set(day: date) -> date:
        monkeypatch.setattr(common, "FIXED_TODAY", day)
        return day

    return _set


@pytest.fixture
def grant(neighbourhood, programme, clock):
    """An active grant (1 Nov 2025 to 31 Oct 2026, quarterly returns), set up by the grant
    officer and accepted by the grantee; today is 20 November 2025."""
    clock(date(2025, 11, 20))
    return active_grant(neighbourhood, programme, start=date(2025, 11, 1))
