"""Fixtures for results tests: a closed round with ballots already cast."""

from __future__ import annotations

import pytest

from tests.factories import build_counted_round


@pytest.fixture
def counted(neighbourhood):
    return build_counted_round(neighbourhood)
