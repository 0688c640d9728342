"""The public dashboard's figures are worked out once per change (pb.scrutiny.figures_cache):
a second visit reuses them, and anything that writes to the audit chain (every change to
rounds, ballots, grants and returns does) or a different filter makes them again."""

from __future__ import annotations

import pytest

from pb import audit
from pb.extensions import db
from pb.scrutiny import figures_cache
from pb.scrutiny.dashboard import Dashboard


@pytest.fixture
def worked_out(monkeypatch):
    """How many times the figures were worked out."""
    made = []
    real = Dashboard.charts

    def counting(board):
        made.append(board.filters.args())
        return real(board)

    monkeypatch.setattr(Dashboard, "charts", counting)
    return made


def test_a_second_visit_reuses_the_figures(client, world, worked_out):
    first = client.get("/scrutiny/")
    second = client.get("/scrutiny/")
    assert first.status_code == second.status_code == 200
    assert len(worked_out) == 1
    assert first.get_data(as_text=True) == second.get_data(as_text=True)
    fragment = client.get("/scrutiny/", headers={"HX-Request": "true"})
    assert len(worked_out) == 1 and "result-count" in fragment.get_data(as_text=True)


def test_a_change_written_to_the_audit_chain_makes_them_again(client, world, worked_out):
    client.get("/scrutiny/")
    audit.record("grant.rag_set", object_type="grant", object_id=1, after={"rag": "amber"})
    db.session.commit()
    client.get("/scrutiny/")
    assert len(worked_out) == 2


def test_each_filter_has_its_own_figures(client, world, worked_out):
    everything = client.get("/scrutiny/").get_data(as_text=True)
    chosen = client.get("/scrutiny/?from=2020-01-01")
    assert len(worked_out) == 2
    assert chosen.get_data(as_text=True) != everything


def test_figures_are_kept_a_minute_at_most(client, world, worked_out, monkeypatch):
    client.get("/scrutiny/")
    clock = figures_cache.time.monotonic() + figures_cache.KEEP_SECONDS + 1
    monkeypatch.setattr(figures_cache.time, "monotonic", lambda: clock)
    client.get("/scrutiny/")
    assert len(worked_out) == 2


def test_a_filter_with_errors_is_never_kept(client, world, worked_out):
    for _attempt in range(2):
        assert client.get("/scrutiny/?from=not-a-date").status_code == 400
    assert len(worked_out) == 2
