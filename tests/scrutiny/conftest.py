"""Fixtures for the scrutiny tests: the neighbourhood with the scrutiny world in it."""

from __future__ import annotations

import pytest

from tests.factories import add_grant_people, scrutiny_world


@pytest.fixture
def world(neighbourhood):
    add_grant_people(neighbourhood)
    return neighbourhood, scrutiny_world(neighbourhood)
