"""Casting ballots through the pages: every design, receipts, superseding, stale tabs."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from pb.extensions import db
from pb.models import AuditEntry
from pb.models.voting import Ballot, BallotChoice, Voter
from pb.voting import codes
from tests.factories import make_ballot_round


def _vote_url(round_):
    return f"/rounds/{round_.id}/vote"


def _counted(round_):
    return db.session.scalars(select(Ballot).where(Ballot.round_id == round_.id,
                                                   Ballot.status == "counted")).all()


def _receipt_from(client, round_):
    page = client.get(f"/rounds/{round_.id}/vote/done").get_data(as_text=True)
    match = re.search(r'id="receipt-code">([A-Z0-9-]+)<', page)
    return match.group(1) if match else None, page


def test_approval_ballot_is_counted_with_a_receipt(client, sign_in, neighbourhood, outbox):
    round_, projects = make_ballot_round(neighbourhood, ballot_max_choices=3)
    sign_in(neighbourhood.users["resident"])
    page = client.get(_vote_url(round_))
    assert page.status_code == 200
    assert "Tytherington walking group" in page.get_data(as_text=True)

    response = client.post(_vote_url(round_), data={"project": [projects[0].id, projects[2].id]})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/rounds/{round_.id}/vote/done")

    receipt, page = _receipt_from(client, round_)
    assert receipt and len(receipt.replace("-", "")) == 20
    assert "Tytherington walking group" in page and "Men&#39;s Shed tool library" in page
    # The receipt is shown once only.
    _again, page2 = _receipt_from(client, round_)
    assert _again is None and "Tytherington walking group" in page2

    ballots = _counted(round_)
    assert len(ballots) == 1
    assert ballots[0].receipt_hash == codes.receipt_hash(receipt)
    assert {c.proposal_id for c in ballots[0].choices} == {projects[0].id, projects[2].id}
    # Emailed too, and the receipt does not carry the choices.
    assert len(outbox) == 1 and receipt in outbox[0].get_content()
    assert "walking" not in outbox[0].get_content()
    # Audited without the choices.
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "ballot.cast"))
    assert entry is not None and "Tytherington" not in (entry.after_json or "")

    # The public list has its fingerprint, and the lookup finds it counted.
    listing = client.post(f"/rounds/{round_.id}/receipts",
                          data={"receipt": receipt}).get_data(as_text=True)
    assert codes.receipt_hash(receipt) in listing
    assert "is counted" in listing


def test_a_receipt_is_checked_by_post_and_an_empty_check_is_explained(client, neighbourhood):
    round_, _projects = make_ballot_round(neighbourhood)
    page = client.get(f"/rounds/{round_.id}/receipts").get_data(as_text=True)
    assert 'method="post"' in page and 'name="receipt"' in page
    empty = client.post(f"/rounds/{round_.id}/receipts", data={"receipt": "  "})
    text = empty.get_data(as_text=True)
    assert empty.status_code == 400 and "<title>Error: " in text
    assert 'href="#receipt">Enter the receipt code from the page shown after you voted' in text
    assert empty.headers["Cache-Control"] == "no-store"
    # A code in the address is not read (it would sit in history and server logs).
    ignored = client.get(f"/rounds/{round_.id}/receipts?receipt=ABCD-EFGH").get_data(
        as_text=True)
    assert "No ballot in this round has that receipt" not in ignored


def test_changing_a_ballot_supersedes_the_old_one(client, sign_in, neighbourhood):
    round_, projects = make_ballot_round(neighbourhood)
    sign_in(neighbourhood.users["resident"])
    client.post(_vote_url(round_), data={"project": [projects[0].id]})
    first_receipt, _ = _receipt_from(client, round_)
    first = _counted(round_)[0]

    page = client.get(_vote_url(round_)).get_data(as_text=True)
    assert f'name="replaces" value="{first.id}"' in page
    assert "You have voted" in page
    response = client.post(_vote_url(round_), data={"project": [projects[1].id],
                                                      "replaces": first.id})
    assert response.status_code == 303
    second_receipt, _ = _receipt_from(client, round_)

    db.session.expire_all()
    all_ballots = db.session.scalars(select(Ballot).where(Ballot.round_id == round_.id)).all()
    assert sorted(b.status for b in all_ballots) == ["counted", "superseded"]
    counted = _counted(round_)
    assert len(counted) == 1 and counted[0].choices[0].proposal_id == projects[1].id
    assert db.session.get(Ballot, first.id).superseded_at is not None
    assert db.session.scalar(select(func.count()).select_from(Voter)) == 1

    old = client.post(f"/rounds/{round_.id}/receipts",
                      data={"receipt": first_receipt}).get_data(as_text=True)
    assert "replaced by a newer ballot" in old
    assert codes.receipt_hash(first_receipt) not in old.split('class="receipt-hashes"')[1]
    new = client.post(f"/rounds/{round_.id}/receipts",
                      data={"receipt": second_receipt}).get_data(as_text=True)
    assert "is counted" in new


def test_a_second_tab_is_told_it_already_voted(client, sign_in, neighbourhood):
    round_, projects = make_ballot_round(neighbourhood)
    sign_in(neighbourhood.users["resident"])
    # Both tabs loaded the empty ballot; the first submits, then the second.
    assert client.post(_vote_url(round_), data={"project": [projects[0].id]}).status_code == 303
    response = client.post(_vote_url(round_), data={"project": [projects[1].id]})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "already voted" in page and "latest" in page
    # The ballot that counts is the first, shown ticked.
    assert re.search(rf'value="{projects[0].id}"\s+checked', page)
    counted = _counted(round_)
    assert len(counted) == 1 and counted[0].choices[0].proposal_id == projects[0].id
    assert db.session.scalar(select(func.count()).select_from(Ballot)) == 1


def test_budget_ballot_valid_and_running_total(client, sign_in, neighbourhood):
    round_, projects = make_ballot_round(neighbourhood, design="budget",
                                         budget_pence=15_000_00, rule="mes-cost-add1")
    sign_in(neighbourhood.users["resident"])
    page = client.get(_vote_url(round_)).get_data(as_text=True)
    assert f'hx-get="/rounds/{round_.id}/vote/total"' in page
    assert "You have chosen <strong>£0</strong> of £15,000" in page

    total_url = f"/rounds/{round_.id}/vote/total?project={projects[0].id}&project={projects[2].id}"
    fragment = client.get(total_url, headers={"HX-Request": "true"})
    text = fragment.get_data(as_text=True)
    assert "<html" not in text and "£7,500" in text and "£7,500 left" in text
    assert "HX-Request" in fragment.headers.get("Vary", "")
    full = client.get(total_url).get_data(as_text=True)
    assert "<html" in full and "£7,500" in full

    over = client.get(f"/rounds/{round_.id}/vote/total?project={projects[1].id}"
                      f"&project={projects[5].id}", headers={"HX-Request": "true"})
    assert "£2,000 too much" in over.get_data(as_text=True)

    # "Check my total" without JavaScript re-renders, keeping the ticks, and saves nothing.
    checked = client.post(_vote_url(round_), data={"project": [projects[0].id], "check": "total"})
    assert checked.status_code == 200
    assert re.search(rf'value="{projects[0].id}"\s+checked', checked.get_data(as_text=True))
    assert not _counted(round_)

    ok = client.post(_vote_url(round_), data={"project": [projects[0].id, projects[2].id]})
    assert ok.status_code == 303
    assert len(_counted(round_)) == 1


def test_points_ballot_valid(client, sign_in, neighbourhood):
    round_, projects = make_ballot_round(neighbourhood, design="points", ballot_points_total=10,
                                         ballot_points_per_project_max=6)
    sign_in(neighbourhood.users["resident"])
    response = client.post(_vote_url(round_), data={f"points-{projects[0].id}": "6",
                                                     f"points-{projects[1].id}": "4",
                                                     f"points-{projects[2].id}": ""})
    assert response.status_code == 303
    ballot = _counted(round_)[0]
    assert {c.proposal_id: c.points for c in ballot.choices} == {projects[0].id: 6,
                                                                 projects[1].id: 4}


def test_scores_ballot_valid(client, sign_in, neighbourhood):
    round_, projects = make_ballot_round(neighbourhood, design="scores")
    sign_in(neighbourhood.users["resident"])
    data = {f"points-{p.id}": str(i % 6) for i, p in enumerate(projects)}
    assert client.post(_vote_url(round_), data=data).status_code == 303
    ballot = _counted(round_)[0]
    assert {c.proposal_id: c.points for c in ballot.choices} == {
        p.id: i % 6 for i, p in enumerate(projects) if i % 6}


def test_ranking_ballot_valid(client, sign_in, neighbourhood):
    round_, projects = make_ballot_round(neighbourhood, design="ranking", ballot_rank_length=3,
                                         rule="mes-cost")
    sign_in(neighbourhood.users["resident"])
    page = client.get(_vote_url(round_)).get_data(as_text=True)
    assert "Your 1st choice" in page and "Your 3rd choice" in page
    # 1st and 3rd places filled: ranks close up.
    response = client.post(_vote_url(round_), data={"rank-1": projects[4].id, "rank-2": "",
                                                     "rank-3": projects[1].id})
    assert response.status_code == 303
    ballot = _counted(round_)[0]
    assert {c.proposal_id: c.rank for c in ballot.choices} == {projects[4].id: 1,
                                                               projects[1].id: 2}


def test_projects_appear_in_a_random_order_stable_per_voter(client, sign_in, neighbourhood):
    titles = [(f"Community project {n}", 1_000_00) for n in range(12)]
    round_, _projects = make_ballot_round(neighbourhood, projects=titles)

    def order():
        page = client.get(_vote_url(round_)).get_data(as_text=True)
        return re.findall(r"Community project (\d+)<", page)

    sign_in(neighbourhood.users["resident"])
    first = order()
    assert first == order()  # stable for that voter
    sign_in(neighbourhood.users["resident2"])
    other = order()
    assert sorted(first) == sorted(other) and first != other
    assert first != sorted(first, key=int) or other != sorted(other, key=int)


def test_choices_are_stored_once_per_project(client, sign_in, neighbourhood):
    round_, projects = make_ballot_round(neighbourhood)
    sign_in(neighbourhood.users["resident"])
    client.post(_vote_url(round_), data={"project": [projects[0].id, projects[0].id]})
    assert db.session.scalar(select(func.count()).select_from(BallotChoice)) == 1


def test_round_page_links_to_voting_and_receipts(client, sign_in, neighbourhood):
    round_, _projects = make_ballot_round(neighbourhood)
    page = client.get(f"/rounds/{round_.id}").get_data(as_text=True)
    assert f'href="/rounds/{round_.id}/vote"' in page and "Vote now" in page
    assert f'href="/rounds/{round_.id}/receipts"' in page
    closed = client.get(f"/rounds/{neighbourhood.rounds['closed'].id}").get_data(as_text=True)
    assert "Vote now" not in closed and "Check your ballot was counted" in closed


def test_while_voting_is_open_vote_now_is_the_primary_button(client, neighbourhood):
    round_, _projects = make_ballot_round(neighbourhood)
    page = client.get(f"/rounds/{round_.id}").get_data(as_text=True)
    actions = page[page.index('<div class="actions">'):]
    first = re.search(r'<a class="([^"]*)" href="([^"]*)">([^<]*)</a>', actions)
    assert first.group(3) == "Vote now" and first.group(1) == "button"
    assert f'class="button button-secondary" href="/rounds/{round_.id}/proposals"' in actions


def test_empty_round_can_be_counted(neighbourhood):
    from pb.results import services as results
    from tests.factories import close_voting

    round_, projects = make_ballot_round(neighbourhood, name="Nobody voted")
    close_voting(round_)
    result = results.tally(round_, neighbourhood.users["officer"])
    assert result.ballots_counted == 0
    assert len(result.outcome["projects"]) == len(projects)
    assert all(p["votes"] == 0 for p in result.outcome["projects"].values())


def test_the_receipt_email_is_in_the_language_the_resident_voted_in(client, sign_in,
                                                                      neighbourhood, outbox):
    round_, projects = make_ballot_round(neighbourhood)
    sign_in(neighbourhood.users["resident"])
    client.set_cookie("pb_lang", "cy", domain=client.application.config.get("SERVER_NAME")
                      or "localhost")
    assert client.post(_vote_url(round_), data={"project": [projects[0].id]}).status_code == 303
    receipt, _page = _receipt_from(client, round_)
    assert len(outbox) == 1
    assert outbox[0]["Subject"] == f"Cafwyd eich pleidlais yn {round_.name}"
    body = outbox[0].get_content()
    assert f"Eich cod derbynneb yw: {receipt}" in body and "Thank you" not in body
