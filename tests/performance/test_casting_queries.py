"""How many SQL statements a ballot POST costs: a handful, whatever the number of projects."""

from __future__ import annotations

from pb.extensions import db
from pb.jobs import outbox
from tests.factories import add_ward_budgets, make_ballot_round

# Statements for one ballot POST, the session and audit lock included (14: the browser
# session, its account and roles are one query; the area, its postcode coverage and wards
# one; the ballot paper's projects and their wards one; the receipt email one INSERT into
# the outbox); before this work it was 26 with 6 projects and 42 with 30 (one ward load
# per project), then 17, and 18 with the outbox.
MOST_PER_BALLOT = 14


def _projects(n: int) -> list[tuple[str, int]]:
    return [(f"Community garden {i}", 1_000_00 + 10_00 * i) for i in range(n)]


def _ward_round(neighbourhood, n: int, name: str):
    """A ward ballot: every project in a ward, so the paper needs each one's wards."""
    round_, proposals = make_ballot_round(neighbourhood, name=name, projects=_projects(n),
                                          ballot_max_choices=n)
    wards = list(neighbourhood.wards.values())
    for i, proposal in enumerate(proposals):
        proposal.is_area_wide = i % 3 == 0
        proposal.wards = [] if proposal.is_area_wide else [wards[i % len(wards)]]
    db.session.commit()
    add_ward_budgets(round_, dict.fromkeys(wards, 2000000))
    return round_, proposals


def _cast_counting(client, statements, round_id, proposal_ids):
    db.session.remove()  # as in production: each request starts with an empty session
    with statements.counting():
        response = client.post(f"/rounds/{round_id}/vote", data={"project": proposal_ids})
    assert response.status_code == 303, response.get_data(as_text=True)[:800]
    return len(statements)


def test_a_ballot_post_costs_the_same_few_statements_for_6_or_30_projects(
        client, sign_in, neighbourhood, statements, monkeypatch):
    # As in production, the receipt email waits in the outbox for the sender (a worker, or
    # a thread of the app server): the request's own statements are counted, not its.
    monkeypatch.setattr(outbox, "wake", lambda app: None)
    small, small_projects = _ward_round(neighbourhood, 6, "Small ward vote")
    large, large_projects = _ward_round(neighbourhood, 30, "Large ward vote")
    sign_in(neighbourhood.users["resident"])
    # Area-wide projects are on everyone's paper.
    small_ids = [p.id for p in small_projects if p.is_area_wide][:2]
    large_ids = [p.id for p in large_projects if p.is_area_wide][:2]
    small_id, large_id = small.id, large.id
    few = _cast_counting(client, statements, small_id, small_ids)
    many = _cast_counting(client, statements, large_id, large_ids)
    print(f"ballot POST: {few} statements with 6 projects, {many} with 30")
    assert many == few, "\n".join(s.split("\n")[0][:150] for s in statements)
    assert few <= MOST_PER_BALLOT, "\n".join(s.split("\n")[0][:150] for s in statements)
