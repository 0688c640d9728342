"""Every shared real election, under every rule its JSON lists, gives exactly pabutools' outcome.

The elections live outside the repository (../shared/pabulib/); without them
these tests are skipped with the reason.
"""
from __future__ import annotations

import json
from functools import cache

import pytest

from pb.allocation import allocate, read_pb

from .helpers import SHARED, SHARED_REASON, shared_instances

CASES = []
for path in shared_instances():
    reference = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    for rule, result in reference["rules"].items():
        if result["status"] == "ok":
            CASES.append(pytest.param(path, rule, result, id=f"{path.stem}-{rule}"))
if not CASES:  # a fresh clone without ../shared: say why instead of silently collecting nothing
    CASES.append(pytest.param(None, None, None, id="no-shared-folder", marks=pytest.mark.skip(reason=SHARED_REASON)))


@cache
def _election(path):
    return read_pb(path)


@pytest.mark.skipif(not SHARED.is_dir(), reason=SHARED_REASON)
def test_shared_folder_has_instances():
    assert len(shared_instances()) == 15 and len(CASES) >= 75


@pytest.mark.parametrize("path,rule,result", CASES)
def test_reference_outcome(path, rule, result):
    instance, profile = _election(path)
    outcome = allocate(instance, profile, rule)
    assert sorted(outcome.selected) == sorted(result["selected"])
    assert outcome.spent == sum(instance.project(p).cost for p in result["selected"])
    assert outcome.spent <= outcome.budget

