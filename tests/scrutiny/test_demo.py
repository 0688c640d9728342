"""The demo gives the dashboard meaningful figures for two certified rounds, with
suppressed cells, and stays idempotent."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from pb.extensions import db
from pb.models import AreaProfile, EqualityResponse, Ward
from pb.scrutiny.dashboard import Dashboard
from pb.scrutiny.filters import parse


def test_the_demo_dashboard(app, client):
    from pb.demo import ROUND_DECISION_DAY, ROUND_OPEN_VOTE, ROUND_PAST, seed_demo

    seed_demo()
    answers = db.session.scalar(select(func.count()).select_from(EqualityResponse))
    seed_demo()
    assert db.session.scalar(select(func.count()).select_from(EqualityResponse)) == answers > 300
    assert db.session.scalar(select(func.count()).select_from(AreaProfile)) > 20
    assert not db.session.scalar(select(func.count()).select_from(Ward).where(
        Ward.population.is_(None)))

    public = Dashboard(parse({}))
    assert public.allocated["total"] > 0 and public.totals.paid > 0 and public.totals.spent > 0
    assert len(public.value_for_money) >= 3 and any(r["ratio"] for r in public.value_for_money)
    assert [r["round"] for r in public.turnout["rounds"]] == [ROUND_PAST, ROUND_DECISION_DAY]
    turnout = {r["round"]: r for r in public.turnout["rounds"]}
    assert 100 < turnout[ROUND_PAST]["ballots"] < turnout[ROUND_DECISION_DAY]["ballots"]
    assert all(row["percent"] for row in turnout.values())
    scrutiny = Dashboard(parse({}), sees_all_rounds=True)
    rounds = {r["round"]: r["ballots"] for r in scrutiny.turnout["rounds"]}
    assert rounds[ROUND_DECISION_DAY] > 200 and rounds[ROUND_OPEN_VOTE] > 0
    assert all(row["percent"] is not None for row in public.turnout["wards"])
    _two_certified_rounds(public, ROUND_PAST, ROUND_DECISION_DAY)

    page = client.get("/scrutiny/").get_data(as_text=True)
    allocated = _chart_table(page, "allocated-by-round")
    assert [name for name, _amount in allocated] == [ROUND_PAST, ROUND_DECISION_DAY]
    assert all(amount != "£0" for _name, amount in allocated)
    assert allocated[0][1] != allocated[1][1]
    turnout_rows = [row[0] for row in _chart_table(page, "turnout-by-round")]
    assert turnout_rows == [ROUND_PAST, ROUND_DECISION_DAY]
    equality = page.split('id="equality-heading"')[1]
    assert "<td class=\"num\">&lt;5</td>" in equality and "[c]" in equality


def _two_certified_rounds(board, past, decision):
    """Allocated, awarded, paid and spent differ between the two certified rounds, and
    the paid-over-time line has last year's round's first payments."""
    allocated = dict(board.allocated["by"]["round"])
    assert allocated[past] > 0 and allocated[decision] > 0 and allocated[past] != allocated[decision]
    assert [name for name, _a, _b in board.allocated["budgets"]] == [past, decision]
    money = {row["label"]: row for row in board.by["round"]}
    for name in (past, decision):
        assert money[name]["grants"] and money[name]["paid"] and money[name]["spent"], name
    assert money[past]["paid"] != money[decision]["paid"]
    months = [row[0] for row in board.chart("paid-over-time").rows]
    assert "2025-03" in months  # last year's round's first payments (March 2025)


def _chart_table(page: str, name: str) -> list[list[str]]:
    """The rows of a chart's table on the page: the row heading, then each cell."""
    figure = page.split(f'id="figure-{name}"')[1].split("</figure>")[0]
    body = figure.split("<tbody>")[1].split("</tbody>")[0]
    return [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)
            for row in re.findall(r"<tr>(.*?)</tr>", body)]
