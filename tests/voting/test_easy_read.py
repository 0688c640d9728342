"""The easy-read summary of how a vote works (issue 16): on the ballot page and on a page
of its own to print, saying only what is true of the round's own settings."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from pb.extensions import db
from pb.models.base import utcnow
from pb.templating import format_date, format_datetime
from tests.factories import add_ward_budgets, cast_for, make_ballot_round


def _text(response) -> str:
    """The page's words, without tags or repeated spaces."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style|svg)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _steps(response) -> list[str]:
    return re.findall(r'<p class="easy-lead">([^<]*)</p>', response.get_data(as_text=True))


@pytest.mark.parametrize("design, settings, says, never", [
    ("approval", {"ballot_max_choices": 3},
     ["Tick the projects you want.", "You can tick up to 3 projects."],
     ["as many as you like", "Keep within the money", "points", "score"]),
    ("approval", {},
     ["Tick the projects you want.", "You can tick as many as you like."],
     ["You can tick up to", "Keep within the money"]),
    ("budget", {"budget_pence": 40_000_00, "ballot_budget_percent": 50},
     ["Tick the projects you want.", "Keep within the money.",
      "Your projects can cost up to £20,000 in total.", "The ballot adds up your total"],
     ["as many as you like", "points"]),
    ("points", {"ballot_points_total": 12, "ballot_points_per_project_max": 4},
     ["Share out your 12 points.", "Give no more than 4 points to one project."],
     ["Tick the projects", "Keep within the money"]),
    ("scores", {"ballot_min_choices": 2},
     ["Give each project a score.", "5 means you like it most. 0 means do not fund it.",
      "Score at least 2 projects above 0."],
     ["Tick the projects", "Keep within the money"]),
    ("ranking", {"ballot_rank_length": 4},
     ["Put the projects in order.", "You can choose up to 4 projects.",
      "Put your favourite first."],
     ["Tick the projects", "Keep within the money"]),
])
def test_the_printable_page_follows_the_ballot_design(client, neighbourhood, design, settings,
                                                      says, never):
    round_, _projects = make_ballot_round(neighbourhood, design=design, **settings)
    response = client.get(f"/rounds/{round_.id}/how-to-vote")
    assert response.status_code == 200
    text = _text(response)
    for words in says:
        assert words in text, words
    for words in never:
        assert words not in text, words
    close = format_datetime(round_.voting_close_at)
    assert f"Send your vote by {close}." in text
    assert "You can vote if you live, work or study in Macclesfield and are aged 11 or over." \
        in text
    steps = _steps(response)
    assert 4 <= len(steps) <= 6 and steps[0] == "Read about the projects."
    assert steps[-2:] == ["Keep your receipt code.", "See the results after voting closes."]
    # Every step has its picture, hidden from screen readers: the words carry the meaning.
    html = response.get_data(as_text=True)
    assert html.count('<svg class="easy-icon"') == len(steps)
    assert html.count('aria-hidden="true" focusable="false"') >= len(steps)


def test_the_dates_and_ways_of_voting_are_the_rounds_own(client, neighbourhood):
    round_, _projects = make_ballot_round(neighbourhood, voter_verification="code",
                                          eligibility_min_age=None, eligibility_postcode=False)
    round_.results_published_at = utcnow() + timedelta(days=30)
    db.session.commit()
    text = _text(client.get(f"/rounds/{round_.id}/how-to-vote"))
    assert "Anyone can vote." in text
    assert f"The results are due on {format_date(round_.results_published_at)}." in text
    assert "A voting code works only once." in text
    assert "If you vote with an account" not in text  # this round takes codes only


def test_ward_money_is_described_without_guessing_the_readers_ward(client, neighbourhood):
    round_, _projects = make_ballot_round(neighbourhood, design="budget")
    add_ward_budgets(round_, {neighbourhood.wards["Macclesfield Hurdsfield"]: 8_000_00})
    text = _text(client.get(f"/rounds/{round_.id}/how-to-vote"))
    assert "Each ward has its own money for its projects." in text
    assert "Your projects can cost up to" not in text


def test_the_ballot_page_shows_the_voters_own_money_and_links_to_the_print_page(
        client, sign_in, neighbourhood):
    round_, _projects = make_ballot_round(neighbourhood, design="budget",
                                          budget_pence=30_000_00)
    sign_in(neighbourhood.users["resident"])
    page = client.get(f"/rounds/{round_.id}/vote")
    html = page.get_data(as_text=True)
    assert '<details class="easy-read-box" open>' in html  # open until they have voted
    assert "How voting works (easy read)" in html
    assert "Your projects can cost up to £30,000 in total." in _text(page)
    assert f'href="/rounds/{round_.id}/how-to-vote"' in html


def test_once_they_have_voted_the_summary_is_folded_and_names_the_replace_button(
        client, sign_in, neighbourhood):
    round_, projects = make_ballot_round(neighbourhood)
    resident = neighbourhood.users["resident"]
    cast_for(round_, resident, {projects[0].id: 1})
    sign_in(resident)
    html = client.get(f"/rounds/{round_.id}/vote").get_data(as_text=True)
    assert '<details class="easy-read-box">' in html
    assert "Press “Replace my ballot” at the end of the ballot." in html
    assert "Press “Submit my ballot”" not in html


def test_the_round_page_links_to_the_summary_until_voting_closes(client, neighbourhood):
    round_, _projects = make_ballot_round(neighbourhood)
    page = client.get(f"/rounds/{round_.id}").get_data(as_text=True)
    assert f'href="/rounds/{round_.id}/how-to-vote"' in page
    closed = neighbourhood.rounds["closed"]
    assert "/how-to-vote" not in client.get(f"/rounds/{closed.id}").get_data(as_text=True)
    # The page itself still answers, saying that voting has closed.
    after = _text(client.get(f"/rounds/{closed.id}/how-to-vote"))
    assert f"Voting closed on {format_datetime(closed.voting_close_at)}." in after


def test_a_draft_rounds_summary_is_not_shown(client, neighbourhood):
    assert client.get(f"/rounds/{neighbourhood.rounds['draft'].id}/how-to-vote"
                      ).status_code == 404
