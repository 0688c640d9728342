"""City-scale pages and downloads: queries that do not grow with ballots or projects, the
receipts list in pages, and a certified round's ballots.pb written once with an ETag."""

from __future__ import annotations

from sqlalchemy import select

from pb.api import voting as api_voting
from pb.extensions import db
from pb.models import Round
from pb.results import services as results
from tests.factories import cast_for, make_ballot_round, make_voter


def _round_with_ballots(neighbourhood, name: str, projects: int, ballots: int, first_voter: int):
    round_, proposals = make_ballot_round(
        neighbourhood, name=name, ballot_max_choices=3,
        projects=[(f"Community garden {i}", 1_000_00 + 10_00 * i) for i in range(projects)])
    for n in range(ballots):
        picks = {proposals[(n + k) % projects].id: 1 for k in range(3)}
        cast_for(round_, make_voter(first_voter + n), picks)
    return round_.id


def _statements_for(client, statements, url: str) -> int:
    db.session.remove()  # each request starts with an empty session, as in production
    with statements.counting():
        response = client.get(url)
    assert response.status_code == 200, url
    return len(statements)


def test_turnout_and_receipts_pages_do_not_grow_with_ballots_or_projects(
        client, sign_in, neighbourhood, statements):
    small = _round_with_ballots(neighbourhood, "Small vote", 4, 2, 0)
    large = _round_with_ballots(neighbourhood, "Large vote", 24, 9, 10)
    sign_in(neighbourhood.users["officer"])
    for page in ("/rounds/{}/turnout", "/rounds/{}/receipts", "/rounds/{}/receipts?page=2",
                 "/rounds/{}/receipts?fingerprint=a"):
        few = _statements_for(client, statements, page.format(small))
        many = _statements_for(client, statements, page.format(large))
        assert few == many, (page, few, many)


def test_receipts_are_listed_in_pages(client, runner, neighbourhood):
    assert runner.invoke(args=["scale-demo", "--voters", "450", "--projects", "8",
                               "--status", "voting"]).exit_code == 0
    round_ = db.session.scalar(select(Round).where(Round.name.like("City-scale%")))
    first = client.get(f"/rounds/{round_.id}/receipts").get_data(as_text=True)
    assert "450 ballots counted" in first and "Page 1 of 3." in first
    assert first.count("<li><code") == 200
    last = client.get(f"/rounds/{round_.id}/receipts?page=3").get_data(as_text=True)
    assert last.count("<li><code") == 50 and 'rel="prev"' in last and 'rel="next"' not in last
    found = client.get(f"/rounds/{round_.id}/receipts?fingerprint=ab").get_data(as_text=True)
    listed = found.count("<li><code")
    assert 0 < listed < 20 and found.count("<li><code>ab") == listed


def test_certified_ballots_pb_is_written_once_and_served_with_an_etag(
        client, runner, neighbourhood, monkeypatch):
    assert runner.invoke(args=["scale-demo", "--voters", "300", "--projects", "10"]
                         ).exit_code == 0
    round_ = db.session.scalar(select(Round).where(Round.name.like("City-scale%")))
    results.tally(round_, neighbourhood.users["officer"])
    result = results.certify(round_, neighbourhood.users["officer2"])
    url = f"/api/v1/rounds/{round_.id}/ballots.pb"
    first = client.get(url)
    assert first.status_code == 200 and first.headers["ETag"] == f'"{result.inputs_hash}"'
    assert "max-age=86400" in first.headers["Cache-Control"]
    assert first.get_data(as_text=True).count("\n") > 300

    def no_rebuild(_round):
        raise AssertionError("the certified file was built again")

    monkeypatch.setattr(api_voting, "open_ballots_pb", no_rebuild)
    again = client.get(url)
    assert again.status_code == 200 and again.data == first.data
    cached = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert cached.status_code == 304 and not cached.data
