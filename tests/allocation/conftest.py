"""Fixtures for the allocation tests (plain data only: no Flask app, no database)."""
from __future__ import annotations

from pathlib import Path

import pytest

from .helpers import SHARED, SHARED_REASON


@pytest.fixture
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(SHARED_REASON)
    return SHARED
