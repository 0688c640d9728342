"""The demo gives the dashboard meaningful figures, with suppressed cells, and stays
idempotent."""

from __future__ import annotations

from sqlalchemy import func, select

from pb.extensions import db
from pb.models import AreaProfile, EqualityResponse, Ward
from pb.scrutiny.dashboard import Dashboard
from pb.scrutiny.filters import parse


def test_the_demo_dashboard(app, client):
    from pb.demo import ROUND_DECISION_DAY, ROUND_OPEN_VOTE, seed_demo

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
    assert [r["round"] for r in public.turnout["rounds"]] == [ROUND_DECISION_DAY]
    scrutiny = Dashboard(parse({}), sees_all_rounds=True)
    rounds = {r["round"]: r["ballots"] for r in scrutiny.turnout["rounds"]}
    assert rounds[ROUND_DECISION_DAY] > 200 and rounds[ROUND_OPEN_VOTE] > 0
    assert all(row["percent"] is not None for row in public.turnout["wards"])

    page = client.get("/scrutiny/").get_data(as_text=True)
    equality = page.split('id="equality-heading"')[1]
    assert "<td class=\"num\">&lt;5</td>" in equality and "[c]" in equality
