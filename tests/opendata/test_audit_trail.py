"""The audit log as people read it: names, roles, sentences, diffs, filters, CSV."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from pb import audit
from pb.extensions import db
from pb.models.base import utcnow
from pb.results import services as results
from tests.factories import cast_for, close_voting, make_ballot_round, make_voter


def _entries_part(page: str) -> str:
    return page.split('class="audit-entries"', 1)[1].split("</ol>", 1)[0]


def _certify(neighbourhood):
    round_, projects = make_ballot_round(neighbourhood, name="Sutton Wellbeing Vote 2026",
                                         budget_pence=20_000_00,
                                         max_project_cost_pence=10_000_00)
    for n, picks in enumerate([[0, 1], [0], [1, 2]]):
        cast_for(round_, make_voter(n), {projects[i].id: 1 for i in picks})
    close_voting(round_)
    results.tally(round_, neighbourhood.users["officer"])
    results.certify(round_, neighbourhood.users["officer2"])
    return round_


def test_entries_read_as_sentences_with_names_roles_and_a_diff(client, neighbourhood, sign_in):
    _certify(neighbourhood)
    round_ = neighbourhood.rounds["proposals"]
    audit.record("round.updated", round_, before={"budget_pence": 10_000_00},
                 after={"budget_pence": 12_000_00}, actor=neighbourhood.users["officer"])
    db.session.commit()
    sign_in(neighbourhood.users["scrutiny"])
    page = _entries_part(client.get("/audit").get_data(as_text=True))
    assert ("<strong>Tom</strong> <span class=\"audit-roles\">(Resident, Partnership officer)"
            "</span>: Certified the result of Sutton Wellbeing Vote 2026") in page
    assert "Counted the ballots of Sutton Wellbeing Vote 2026" in page
    assert "Changed the settings of Healthy Neighbourhoods Small Grants 2027" in page
    # The diff is a table: field, before, after.
    row = page.split("<th scope=\"row\">budget pence</th>", 1)[1].split("</tr>", 1)[0]
    assert "1000000" in row and "1200000" in row
    assert "RoundResult #" not in page and "account #" not in page
    # Voters are residents: scrutiny never sees their names.
    assert "A resident" in page and "Voter 0" not in page


def test_filters_by_round_person_action_and_date(client, neighbourhood, sign_in):
    round_ = _certify(neighbourhood)
    other = neighbourhood.rounds["proposals"]
    audit.record("round.updated", other, after={"name": other.name},
                 actor=neighbourhood.users["officer"])
    db.session.commit()
    sign_in(neighbourhood.users["scrutiny"])

    by_round = _entries_part(client.get(f"/audit?round={round_.id}").get_data(as_text=True))
    assert "Certified the result of" in by_round and "Voted in" in by_round
    assert "Healthy Neighbourhoods Small Grants 2027" not in by_round

    tom = neighbourhood.users["officer2"]
    by_person = _entries_part(client.get(f"/audit?person={tom.id}").get_data(as_text=True))
    assert "Certified the result of" in by_person and "Counted the ballots" not in by_person

    by_action = _entries_part(client.get("/audit?action=result").get_data(as_text=True))
    assert "Certified" in by_action and "Counted" in by_action and "Voted" not in by_action
    exact = _entries_part(client.get("/audit?action=result.tallied").get_data(as_text=True))
    assert "Counted" in exact and "Certified" not in exact

    today = utcnow().date()
    dated = _entries_part(client.get(f"/audit?from={today}&to={today}").get_data(as_text=True))
    assert "Certified" in dated
    past = today - timedelta(days=3)
    old = _entries_part(client.get(f"/audit?from={past}&to={past}").get_data(as_text=True))
    assert "No entries match" in old
    # Nonsense in the query string is ignored, never a 500.
    assert client.get("/audit?round=x&person=-1&from=yesterday&page=zz").status_code == 200


def test_sign_ins_are_hidden_unless_asked_for(client, neighbourhood, sign_in):
    sign_in(neighbourhood.users["officer"])
    sign_in(neighbourhood.users["scrutiny"])
    hidden = client.get("/audit").get_data(as_text=True)
    assert "Signed in" not in _entries_part(hidden)
    assert "Signing in and out is hidden" in hidden
    shown = _entries_part(client.get("/audit?sign_ins=1").get_data(as_text=True))
    assert "<strong>Priya</strong>" in shown and "Signed in" in shown
    asked = _entries_part(client.get("/audit?action=account.login").get_data(as_text=True))
    assert "Signed in" in asked


def test_pages_keep_the_filters(client, neighbourhood, sign_in):
    for i in range(60):
        audit.record("round.updated", neighbourhood.rounds["voting"], after={"n": i},
                     actor=neighbourhood.users["officer"])
    db.session.commit()
    sign_in(neighbourhood.users["scrutiny"])
    page = client.get("/audit?action=round").get_data(as_text=True)
    assert "Page 1 of 2 (60 entries)" in page
    assert "/audit?page=2&amp;action=round" in page


def test_htmx_gets_only_the_entries(client, neighbourhood, sign_in):
    sign_in(neighbourhood.users["scrutiny"])
    fragment = client.get("/audit?action=round", headers={"HX-Request": "true"})
    text = fragment.get_data(as_text=True)
    assert 'class="audit-entries"' in text and "<html" not in text


def test_csv_export_follows_the_filters_and_hides_emails(client, neighbourhood, sign_in):
    round_ = _certify(neighbourhood)
    sign_in(neighbourhood.users["scrutiny"])
    response = client.get(f"/audit.csv?round={round_.id}&action=result", buffered=False)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.is_streamed  # written as it is read, never built in memory
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [r["action"] for r in rows] == ["result.certified", "result.tallied"]
    assert rows[0]["description"] == "Certified the result of Sutton Wellbeing Vote 2026"
    assert rows[0]["person"] == "Tom" and "Partnership officer" in rows[0]["roles"]
    assert rows[0]["entry_hash"] and "@" not in response.get_data(as_text=True)


def test_the_page_shows_the_head_and_the_last_verification(client, neighbourhood, sign_in,
                                                             runner):
    _certify(neighbourhood)
    sign_in(neighbourhood.users["scrutiny"])
    before = client.get("/audit").get_data(as_text=True)
    assert "Not yet: run" in before
    assert runner.invoke(args=["audit-anchor"]).exit_code == 0
    page = client.get("/audit").get_data(as_text=True)
    head = audit.verify_chain().head_hash
    assert head in page
    assert "intact, " in page.split("Last verified by the daily check", 1)[1]
    assert "certified result" in page and "daily digest" in page
