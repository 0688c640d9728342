"""The public list (filters with and without htmx) and the open-data API."""

from __future__ import annotations

import re

import pytest

from pb.extensions import db
from pb.models.proposal import ProposalSupport
from tests import factories
from tests.factories import proposal_with_lines


@pytest.fixture
def listed(neighbourhood):
    round_ = neighbourhood.rounds["proposals"]
    w = neighbourhood.wards
    t = neighbourhood.themes
    items = {
        "cafe": proposal_with_lines(round_, "Hurdsfield Dementia Café",
                                    [("Hall", 1_200_00), ("Tea", 300_00)],
                                    wards=[w["Macclesfield Hurdsfield"]],
                                    themes=[t["Older people"]], status="eligible",
                                    proposer=neighbourhood.users["resident"],
                                    organisation_id=neighbourhood.organisations[
                                        "Hurdsfield Community Centre"].id),
        "netball": proposal_with_lines(round_, "Tytherington Walking Netball",
                                       [("Coach", 900_00)],
                                       wards=[w["Macclesfield Tytherington"]],
                                       themes=[t["Physical activity"]], status="submitted",
                                       proposer=neighbourhood.users["resident2"]),
        "befriend": proposal_with_lines(round_, "Silk Town Befriending", [("Staff", 6_000_00)],
                                        themes=[t["Social isolation"]], status="under_review",
                                        proposer=neighbourhood.users["resident2"]),
        "draft": proposal_with_lines(round_, "Secret Draft Idea", [("X", 700_00)],
                                     wards=[w["Macclesfield Hurdsfield"]], status="draft"),
        "gone": proposal_with_lines(round_, "Withdrawn Idea", [("X", 700_00)],
                                    wards=[w["Macclesfield Hurdsfield"]], status="withdrawn"),
    }
    for index in range(2):
        fan = factories.make_user(f"fan{index}@example.org", f"Fan{index}")
        db.session.add(ProposalSupport(proposal_id=items["netball"].id, user_id=fan.id))
    db.session.commit()
    return items


def _titles(html: str, items) -> set[str]:
    return {key for key, p in items.items() if p.title in html}


def _url(neighbourhood, query=""):
    return f"/rounds/{neighbourhood.rounds['proposals'].id}/proposals{query}"


@pytest.mark.parametrize("query, expected", [
    ("", {"cafe", "netball", "befriend"}),
    ("?ward={hurdsfield}", {"cafe", "befriend"}),  # area-wide projects serve every ward
    ("?theme={physical}", {"netball"}),
    ("?min=1000&max=2000", {"cafe"}),
    ("?max=950", {"netball"}),
    ("?status=eligible", {"cafe"}),
    ("?status=withdrawn", {"gone"}),
    ("?status=draft", {"cafe", "netball", "befriend"}),  # not a public status: ignored
    ("?q=netball", {"netball"}),
    ("?q=%25", set()),
    ("?q=DEMENTIA", {"cafe"}),
    ("?ward=notanumber&theme=-3&sort=1;drop", {"cafe", "netball", "befriend"}),
])
@pytest.mark.parametrize("htmx", [False, True])
def test_filters_with_and_without_htmx(client, neighbourhood, listed, query, expected, htmx):
    query = query.format(hurdsfield=neighbourhood.wards["Macclesfield Hurdsfield"].id,
                         physical=neighbourhood.themes["Physical activity"].id)
    headers = {"HX-Request": "true"} if htmx else {}
    response = client.get(_url(neighbourhood, query), headers=headers)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert _titles(html, listed) == expected
    assert "HX-Request" in response.headers.get("Vary", "")
    if htmx:
        assert "<html" not in html and 'id="result-count"' in html
        assert "<form" not in html
    else:
        assert html.startswith("<!doctype html>") and 'hx-get=' in html
        assert 'method="get"' in html  # the plain form works without JavaScript


def test_bad_cost_filter_is_explained_not_a_500(client, neighbourhood, listed):
    response = client.get(_url(neighbourhood, "?min=lots"))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Enter an amount in pounds" in page
    # The list is not emptied by a filter it could not read: every proposal, said so.
    everything = client.get(_url(neighbourhood, "")).get_data(as_text=True)
    count = re.search(r"(\d+) proposals\.", everything).group(1)
    assert f"{count} proposals, without the cost filter that could not be used." in page


@pytest.mark.parametrize("query, message", [
    ("?max=-5", "Enter an amount of £0 or more."),
    ("?min=2000&max=1000", "Enter a highest cost that is not below the lowest cost."),
])
def test_impossible_cost_filters_are_flagged(client, neighbourhood, listed, query, message):
    page = client.get(_url(neighbourhood, query)).get_data(as_text=True)
    assert message in page and "without the cost filter that could not be used" in page


@pytest.mark.parametrize("sort, first", [("cost_low", "netball"), ("cost_high", "befriend"),
                                         ("supports", "netball"), ("title", "cafe")])
def test_sorting(client, neighbourhood, listed, sort, first):
    html = client.get(_url(neighbourhood, f"?sort={sort}")).get_data(as_text=True)
    positions = {key: html.find(p.title) for key, p in listed.items() if p.title in html}
    assert min(positions, key=positions.get) == first


def test_pagination_keeps_filters(app, client, neighbourhood, listed):
    app.config["PAGE_SIZE"] = 2
    html = client.get(_url(neighbourhood, "?sort=title&q=i")).get_data(as_text=True)
    assert "Page 1 of 2" in html
    assert "page=2" in html and "q=i" in html and "sort=title" in html
    second = client.get(_url(neighbourhood, "?sort=title&q=i&page=2")).get_data(as_text=True)
    assert "Tytherington Walking Netball" in second
    assert client.get(_url(neighbourhood, "?page=999")).status_code == 200


def test_public_list_never_shows_emails(client, neighbourhood, listed):
    html = client.get(_url(neighbourhood)).get_data(as_text=True)
    assert "Hurdsfield Community Centre" in html  # the organisation, for its proposal
    assert "Sanjay" in html  # a resident's first name
    for user in neighbourhood.users.values():
        assert user.email not in html


def test_api_lists_public_fields_only(client, neighbourhood, listed):
    response = client.get(f"/api/v1/rounds/{neighbourhood.rounds['proposals'].id}/proposals")
    assert response.status_code == 200
    data = response.get_json()
    by_title = {p["title"]: p for p in data["proposals"]}
    assert "Secret Draft Idea" not in by_title
    netball = by_title["Tytherington Walking Netball"]
    assert netball["cost_pence"] == 900_00 and netball["supports"] == 2
    assert netball["wards"] == ["Macclesfield Tytherington"]
    assert netball["themes"] == ["Physical activity"]
    assert netball["status"] == "submitted" and netball["proposer"] == "Sanjay"
    assert {"id", "title", "cost_pence", "status", "wards", "themes", "supports"} <= set(netball)
    text = response.get_data(as_text=True)
    for user in neighbourhood.users.values():
        assert user.email not in text
    assert "paper_proposer_contact" not in text and "@" not in text.replace("http", "")
    only = client.get(f"/api/v1/rounds/{neighbourhood.rounds['proposals'].id}/proposals"
                      "?status=eligible").get_json()
    assert [p["title"] for p in only["proposals"]] == ["Hurdsfield Dementia Café"]


def test_api_404s_are_json(client, neighbourhood):
    for round_id in (neighbourhood.rounds["draft"].id, 9999):
        response = client.get(f"/api/v1/rounds/{round_id}/proposals")
        assert response.status_code == 404
        assert response.get_json()["error"]["status"] == 404


def test_round_page_links(client, neighbourhood, sign_in):
    round_ = neighbourhood.rounds["proposals"]
    html = client.get(f"/rounds/{round_.id}").get_data(as_text=True)
    assert "Browse proposals" in html and "Put forward a proposal" in html
    voting = client.get(f"/rounds/{neighbourhood.rounds['voting'].id}").get_data(as_text=True)
    assert "Browse proposals" in voting and "Put forward a proposal" not in voting
    sign_in(neighbourhood.users["officer"])
    manage = client.get("/manage").get_data(as_text=True)
    assert "Review proposals" in manage and "Enter a paper proposal" in manage
    sign_in(neighbourhood.users["other_officer"])
    manage = client.get("/manage").get_data(as_text=True)
    assert f"/rounds/{round_.id}/proposals/review" not in manage


def test_budget_total_fragment(client, neighbourhood):
    url = f"/rounds/{neighbourhood.rounds['proposals'].id}/proposals/budget-total"
    html = client.get(url + "?lines-0-amount=900&lines-1-amount=650.50").get_data(as_text=True)
    assert "Total: £1,550.50" in html and "<html" not in html
    over = client.get(url + "?lines-0-amount=12,450").get_data(as_text=True)
    assert ("Your budget lines add up to £12,450, but the most a project can cost in this "
            "round is £10,000.") in over
    bad = client.get(url + "?lines-0-amount=abc").get_data(as_text=True)
    assert "Row 1: enter an amount" in bad


def test_proposal_page_shows_its_published_result(client, neighbourhood):
    import json

    from pb.models.base import utcnow
    from pb.models.result import RoundResult

    round_ = neighbourhood.rounds["closed"]
    funded = proposal_with_lines(round_, "Chair-Based Exercise", [("Tutor", 3_200_00)],
                                 status="shortlisted")
    lost = proposal_with_lines(round_, "West Park Outdoor Gym", [("Kit", 9_950_00)],
                               status="shortlisted")
    outcome = {"selected": [funded.pb_id], "projects": {
        funded.pb_id: {"cost": 3_200_00, "votes": 212, "selected": True,
                       "explanation": "Funded: it had the most points."},
        lost.pb_id: {"cost": 9_950_00, "votes": 80, "selected": False,
                     "explanation": "Not funded: £6,000 remained and it costs £9,950."}}}
    result = RoundResult(round_id=round_.id, rule="greedy-points", tie_break="id",
                         inputs_hash="0" * 64, ballots_counted=300, budget_pence=50_000_00,
                         outcome_json=json.dumps(outcome))
    db.session.add(result)
    db.session.commit()
    assert "Result" not in client.get(f"/proposals/{funded.id}").get_data(as_text=True)
    result.certified_at = round_.results_published_at = utcnow()
    db.session.commit()
    page = client.get(f"/proposals/{funded.id}").get_data(as_text=True)
    assert "<strong>Funded</strong>: it had the most points" in page and "212" in page
    assert "Funded. Funded" not in page and page.count("Funded:") == 0
    page = client.get(f"/proposals/{lost.id}").get_data(as_text=True)
    assert "<strong>Not funded</strong>: £6,000 remained and it costs £9,950" in page


@pytest.mark.parametrize("query", ["?q=%00", "?q=a%00b", "?min=%00", "?page=-1",
                                   "?page=99999999999999999999", "?sort=%00",
                                   "?max=99999999999999999", "?ward=99999999999999999999"])
def test_odd_browse_queries_never_cause_a_500(client, neighbourhood, query):
    response = client.get(f"/rounds/{neighbourhood.rounds['proposals'].id}/proposals{query}")
    assert response.status_code == 200
