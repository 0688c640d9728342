"""Every constraint of the core on the round form: through the form, into the core, and
back to the pages; validation; locked once voting opens; the lottery seed published."""

from __future__ import annotations

import html
import re
from datetime import timedelta

from sqlalchemy import select

from pb.allocation import Cap, Constraints, Reserve
from pb.extensions import db
from pb.models import Round
from pb.models.base import utcnow
from pb.results import services
from tests.factories import add_ward_budgets, cast_for, close_voting, make_ballot_round, make_voter

NAME = "Tytherington Wellbeing Fund 2027"


def _local(days: int) -> str:
    return (utcnow() + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def _data(neighbourhood, **changes) -> dict:
    data = {
        "name": NAME, "description": "Small grants for wellbeing.",
        "partnership_id": str(neighbourhood.partnership.id), "is_published": "y", "budget": "20,000",
        "proposals_open_at": _local(1), "proposals_close_at": _local(20),
        "review_close_at": _local(30), "voting_open_at": _local(40), "voting_close_at": _local(50),
        "ballot_design": "approval", "allocation_rule": "greedy-approval", "tie_break": "id",
        "eligibility_postcode": "y", "voter_verification": "account_or_code",
        "ward_ballot": "own_ward_and_area", "supports_required": "0",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_every_constraint_goes_through_the_form_into_the_core(client, sign_in, neighbourhood):
    hood = neighbourhood
    older, young = hood.themes["Older people"], hood.themes["Children and families"]
    hurdsfield = hood.wards["Macclesfield Hurdsfield"]
    sign_in(hood.users["officer"])
    form = _page(client.get("/admin/rounds/new"))
    assert "What happens to money a ward's own budget does not spend" in form
    assert "Caps and reserves per theme" in form and "Lottery seed" in form
    response = client.post("/admin/rounds/new", data=_data(
        hood, ward_leftover="pooled", min_support_votes="2", min_support_percent="10",
        tie_break="lottery", lottery_seed="Town Hall 2 March 2027",
        **{f"ward_budget_{hurdsfield.id}": "5,000", f"theme_cap_{older.id}": "8,000",
           f"theme_reserve_{young.id}": "3,000"}))
    assert response.status_code == 302, _page(response)
    round_ = db.session.scalar(select(Round).where(Round.name == NAME))
    assert round_.ward_leftover == "pooled"
    assert (round_.min_support_votes, round_.min_support_percent) == (2, 10)
    assert round_.tie_break == "lottery:Town Hall 2 March 2027"
    assert {t.theme.name: (t.cap_pence, t.reserve_pence) for t in round_.theme_limits} == {
        "Older people": (8_000_00, None), "Children and families": (None, 3_000_00)}
    # Into the core: 10% of 45 voters is 4.5, so 5 votes.
    assert services.constraints_for(round_, 45) == Constraints(
        min_votes=5, ward_budgets=True, pool_leftovers=True,
        caps=(Cap("category", "Older people", amount=8_000_00),),
        reserves=(Reserve("category", "Children and families", 3_000_00),))
    assert services.constraints_for(round_, 10).min_votes == 2
    # The seed is published on the round's page before voting opens.
    page = _page(client.get(f"/rounds/{round_.id}"))
    assert "Town Hall 2 March 2027" in page and round_.status != "voting"
    # And the form shows it all back.
    again = _page(client.get(f"/admin/rounds/{round_.id}/edit"))
    assert 'value="Town Hall 2 March 2027"' in again
    assert 'value="8,000' in again or 'value="8000' in again


def test_the_rule_guide_names_rules_for_people(client, sign_in, neighbourhood):
    sign_in(neighbourhood.users["officer"])
    page = _page(client.get("/admin/rounds/new"))
    guide = page.split('class="rule-guide-box"', 1)[1].split("</details>", 1)[0]
    assert "Equal Shares, spending the whole budget" in guide
    # A code appears only inside <code>, never as the name.
    assert re.sub(r"<code>[^<]*</code>", "", guide).count("mes-cost-add1") == 0
    assert '<option value="mes-cost-add1">Equal Shares, spending the whole budget</option>' in page


def test_bad_constraints_are_refused_with_reasons(client, sign_in, neighbourhood):
    hood = neighbourhood
    older = hood.themes["Older people"]
    sign_in(hood.users["officer"])
    cases = [
        (dict(tie_break="lottery", lottery_seed=""), "Enter the seed the lottery is drawn from"),
        (dict(tie_break="lottery", lottery_seed="drop table; --"), "Use letters, digits, spaces"),
        (dict(min_support_percent="150"), "Enter a percentage from 1 to 100."),
        (dict(min_support_votes="0"), "Enter a number of votes from 1."),
        (dict(ward_leftover="burn it"), "Choose what happens to a ward's leftover money."),
        ({f"theme_cap_{older.id}": "2,000", f"theme_reserve_{older.id}": "3,000"},
         "A reserve cannot be more than the theme's cap."),
        ({f"theme_cap_{older.id}": "25,000"}, "A cap cannot be more than the round's budget."),
        ({f"theme_reserve_{older.id}": "15,000",
          f"ward_budget_{hood.wards['Macclesfield Central'].id}": "6,000"},
         "The reserves (£15,000) and ward budgets together come to more than the round's budget."),
        ({f"theme_cap_{older.id}": "lots"}, "Enter an amount in pounds"),
    ]
    for changes, message in cases:
        response = client.post("/admin/rounds/new", data=_data(hood, **changes))
        assert response.status_code == 400, changes
        assert message in _page(response), (changes, message)
    assert db.session.scalar(select(Round).where(Round.name == NAME)) is None


def test_constraints_are_locked_once_voting_opens(client, sign_in, neighbourhood):
    hood = neighbourhood
    older = hood.themes["Older people"]
    sign_in(hood.users["officer"])
    assert client.post("/admin/rounds/new", data=_data(
        hood, ward_leftover="returned", min_support_votes="3",
        **{f"theme_cap_{older.id}": "8,000"})).status_code == 302
    round_ = db.session.scalar(select(Round).where(Round.name == NAME))
    round_.voting_open_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    opened = (utcnow() - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M")
    form = _page(client.get(f"/admin/rounds/{round_.id}/edit"))
    # Said once, at the top, naming what is locked; the count's rules say "locked" in place.
    assert form.count("Voting has opened") == 1
    assert "the rules of the count are locked" in form
    assert "Rules of the count (locked)" in form
    cap_input = re.search(rf'<input id="theme_cap_{older.id}"[^>]*>', form).group(0)
    assert "readonly" in cap_input
    for changes in (dict(ward_leftover="pooled"), dict(min_support_votes="1"),
                    {f"theme_cap_{older.id}": "9,000"}):
        base = _data(hood, voting_open_at=opened, ward_leftover="returned", min_support_votes="3",
                     **{f"theme_cap_{older.id}": "8,000"})
        base.update(changes)
        response = client.post(f"/admin/rounds/{round_.id}/edit", data=base)
        assert response.status_code == 400, changes
        assert "Voting has opened" in _page(response)
    db.session.expire_all()
    round_ = db.session.get(Round, round_.id)
    assert round_.ward_leftover == "returned" and round_.min_support_votes == 3
    assert [t.cap_pence for t in round_.theme_limits] == [8_000_00]


def test_constraints_decide_the_count_and_the_page_says_so(client, sign_in, neighbourhood):
    hood = neighbourhood
    older = hood.themes["Older people"]
    round_, projects = make_ballot_round(hood, name="Constrained vote", budget_pence=20_000_00,
                                         max_project_cost_pence=10_000_00, min_support_votes=4)
    walking, cafe, shed, cinema = projects[:4]
    walking.themes = [older]
    cafe.themes = [older]
    from pb.models.round import RoundThemeLimit

    round_.theme_limits.append(RoundThemeLimit(theme_id=older.id, cap_pence=10_000_00))
    round_.tie_break = "lottery:Hurdsfield draw 2026"
    db.session.commit()
    # walking 6, cafe 6, shed 4, cinema 3 votes.
    ballots = [[0, 1], [0, 1], [0, 1], [0, 3], [0, 3], [1, 2], [1, 2], [2], [3], [0, 2], [1]]
    for n, ballot in enumerate(ballots):
        cast_for(round_, make_voter(n), {projects[i].id: 1 for i in ballot})
    close_voting(round_)
    result = services.tally(round_, None)
    reasons = {pid: p["reason"] for pid, p in result.outcome["projects"].items()}
    # The cap of £10,000 on older people's projects: walking (4,500) + cafe (9,000) breaks it.
    assert not (walking.pb_id in result.selected and cafe.pb_id in result.selected)
    dropped = cafe if cafe.pb_id not in result.selected else walking
    assert "past its cap of £10,000" in reasons[dropped.pb_id]
    # Minimum support of 4 votes: the cinema's 3 are too few.
    assert reasons[cinema.pb_id] == ("Not fundable: it had 3 votes, fewer than the 4 a project "
                                     "needs to be funded.")
    sign_in(hood.users["officer"])
    page = _page(client.get(f"/rounds/{round_.id}/results"))
    assert "A project needed at least 4 votes to be funded." in page
    assert "At most £10,000 could go to Older people projects." in page
    assert "Hurdsfield draw 2026" in page
    assert "fewer than the 4 a project needs" in page


def test_ward_leftover_pooling_reaches_the_core(neighbourhood):
    round_, projects = make_ballot_round(neighbourhood, name="Pooled", projects=[],
                                         budget_pence=10_000_00, ward_leftover="pooled")
    add_ward_budgets(round_, {neighbourhood.wards["Macclesfield Central"]: 2_000_00})
    c = services.constraints_for(round_, 10)
    assert c.ward_budgets and c.pool_leftovers and c.min_votes == 1
    round_.ward_leftover = "rollover"
    assert not services.constraints_for(round_, 10).pool_leftovers
