"""City-scale pages and downloads: queries that do not grow with ballots or projects, the
receipts list in pages, and a certified round's ballots.pb written once with an ETag."""

from __future__ import annotations

import re
from html import unescape

from sqlalchemy import select

from pb.api import voting as api_voting
from pb.extensions import db
from pb.models import Ballot, Round
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
    for page in ("/rounds/{}/turnout", "/rounds/{}/receipts", "/rounds/{}/receipts?after=8",
                 "/rounds/{}/receipts?before=8", "/rounds/{}/receipts?fingerprint=a",
                 "/rounds/{}/receipts?fingerprint=a&after=a8"):
        few = _statements_for(client, statements, page.format(small))
        many = _statements_for(client, statements, page.format(large))
        assert few == many, (page, few, many)


def _listed(html: str) -> list[str]:
    return re.findall(r"<li><code[^>]*>([0-9a-f]{64})</code></li>", html)


def _link(html: str, rel: str) -> str | None:
    found = re.search(rf'<a href="([^"]+)" rel="{rel}">', html)
    return unescape(found.group(1)).split("#")[0] if found else None


def test_receipts_are_listed_in_pages(client, runner, neighbourhood):
    assert runner.invoke(args=["scale-demo", "--voters", "450", "--projects", "8",
                               "--status", "voting", "--grants", "0"]).exit_code == 0
    round_ = db.session.scalar(select(Round).where(Round.name.like("City-scale%")))
    every = sorted(db.session.scalars(select(Ballot.receipt_hash)
                                      .where(Ballot.round_id == round_.id)))
    first = client.get(f"/rounds/{round_.id}/receipts").get_data(as_text=True)
    assert "450 ballots counted" in first and _link(first, "prev") is None
    assert _listed(first) == every[:200]
    # Next, next: each page starts after the last fingerprint of the one before.
    second = client.get(_link(first, "next")).get_data(as_text=True)
    assert f"after={every[199]}" in _link(first, "next") and _listed(second) == every[200:400]
    last = client.get(_link(second, "next")).get_data(as_text=True)
    assert _listed(last) == every[400:] and _link(last, "next") is None
    # And back: the page before the last is the second again, and before it the first.
    back = client.get(_link(last, "prev")).get_data(as_text=True)
    assert _listed(back) == every[200:400] and _link(back, "next")
    again = client.get(_link(back, "prev")).get_data(as_text=True)
    assert _listed(again) == every[:200] and _link(again, "prev") is None
    # The search by prefix stays, and its pages keep the prefix.
    found = client.get(f"/rounds/{round_.id}/receipts?fingerprint=ab").get_data(as_text=True)
    listed = _listed(found)
    assert listed == [h for h in every if h.startswith("ab")] and 0 < len(listed) < 20
    # Nonsense in the links is ignored, never an error.
    odd = client.get(f"/rounds/{round_.id}/receipts?after=zz%3C&before=%00")
    assert odd.status_code == 200 and _listed(odd.get_data(as_text=True)) == every[:200]


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
