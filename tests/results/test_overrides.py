"""An override respects the budget it overrides (issue 8, item 5).

Each constraint the count obeys (total budget, ward budgets, money for area-wide
projects, caps, at least one vote) refuses an override that breaks it, unless the
officer ticks an explicit exception naming it; the exception is then published with
the result, in the open data and in the audit log.
"""

from __future__ import annotations

import html
import json
from fractions import Fraction

import pytest
from sqlalchemy import select

from pb.allocation import Cap, Constraints
from pb.extensions import db
from pb.models import AuditEntry
from pb.models.result import RoundResult
from pb.results import override as overrides
from pb.results import services
from tests.factories import (
    add_ward_budgets,
    cast_for,
    close_voting,
    make_ballot_round,
    make_proposal,
    make_voter,
)

REASON = ("The community centre roof needs the Hurdsfield money first, so the partnership "
          "funds the youth club's kit from the same pot this year.")


@pytest.fixture
def ward_round(neighbourhood):
    """£20,000 with £6,000 for Hurdsfield; four Hurdsfield voters and two others."""
    round_, _ = make_ballot_round(neighbourhood, name="Ward pots vote", projects=[],
                                  budget_pence=20_000_00)
    hurdsfield = neighbourhood.wards["Macclesfield Hurdsfield"]
    add_ward_budgets(round_, {hurdsfield: 6_000_00})
    projects = {
        "roof": make_proposal(round_, "Hurdsfield centre roof repair", 4_000_00,
                              wards=[hurdsfield]),
        "kit": make_proposal(round_, "Hurdsfield youth club kit", 2_150_00, wards=[hurdsfield]),
        "garden": make_proposal(round_, "Hurdsfield sensory garden", 1_500_00,
                                wards=[hurdsfield]),
        "helpline": make_proposal(round_, "Town-wide carers' helpline", 9_000_00),
        "buses": make_proposal(round_, "Community minibus for day trips", 5_000_00),
        "mural": make_proposal(round_, "Silk heritage mural", 4_000_00),
    }
    db.session.commit()
    ballots = [("SK10 2LH", ["roof", "garden", "helpline"]), ("SK10 2AB", ["roof", "kit"]),
               ("SK10 2QQ", ["roof", "garden", "buses"]), ("SK10 2ZZ", ["garden", "buses"]),
               ("SK11 7AB", ["helpline", "buses"]), ("SK11 6AA", ["helpline"])]
    for n, (postcode, names) in enumerate(ballots):
        cast_for(round_, make_voter(n, postcode), {projects[k].id: 1 for k in names})
    close_voting(round_)
    result = services.tally(round_, neighbourhood.users["officer"])
    return round_, projects, result


def _ids(projects, *names):
    return [projects[n].pb_id for n in names]


def _post(client, round_, selected, **extra):
    return client.post(f"/rounds/{round_.id}/results/override",
                       data={"selected": selected, "reason": REASON, **extra})


def _text(response):
    return html.unescape(response.get_data(as_text=True))


def test_the_count_itself_keeps_to_the_ward_budget(ward_round):
    round_, projects, result = ward_round
    assert set(result.selected) == set(_ids(projects, "roof", "garden", "helpline", "buses"))


def test_an_override_over_a_ward_budget_is_refused_without_an_exception(
        client, sign_in, neighbourhood, ward_round):
    round_, projects, result = ward_round
    sign_in(neighbourhood.users["officer"])
    # Roof + kit = £6,150 of Hurdsfield's £6,000 (the case a council was told about).
    wanted = _ids(projects, "roof", "kit", "helpline")
    refused = _post(client, round_, wanted)
    assert refused.status_code == 400
    page = _text(refused)
    assert "Make an exception to: The Macclesfield Hurdsfield ward budget of £6,000: the " \
           "projects chosen there cost £6,150." in page
    assert "total budget" not in page.split('id="exceptions"')[1].split("</fieldset>")[0]
    db.session.expire_all()
    assert db.session.get(RoundResult, result.id).override_selected_json is None
    assert not db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "result.overridden")).all()

    # An exception to some other rule does not do.
    assert _post(client, round_, wanted, exceptions=["budget"]).status_code == 400
    accepted = _post(client, round_, wanted, exceptions=["ward:Macclesfield Hurdsfield"])
    assert accepted.status_code == 303
    db.session.expire_all()
    stored = db.session.get(RoundResult, result.id)
    assert [e["constraint"] for e in stored.override_exceptions] == [
        "ward:Macclesfield Hurdsfield"]
    [entry] = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "result.overridden")).all()
    assert entry.after["exceptions"][0]["text"].startswith(
        "The Macclesfield Hurdsfield ward budget of £6,000")

    # Published: on the page the certifying officer sees, then in the open data.
    sign_in(neighbourhood.users["officer2"])
    page = _text(client.get(f"/rounds/{round_.id}/results"))
    assert "an exception to the count's own rules" in page
    assert "ward budget of £6,000: the projects chosen there cost £6,150" in page
    assert client.post(f"/rounds/{round_.id}/results/certify", data={"read_it": "y"}).status_code == 303
    data = client.get(f"/api/v1/rounds/{round_.id}/results").get_json()
    assert data["override_exceptions"] == stored.override_exceptions


@pytest.mark.parametrize("names, constraint, words", [
    (("roof", "garden", "helpline", "buses", "mural"), "budget",
     "The total budget of £20,000: the projects chosen cost £23,500."),
    (("roof", "helpline", "buses", "mural"), "area",
     "The £14,000 for projects across the whole area: the projects chosen there cost "
     "£18,000."),
    (("roof", "garden", "helpline", "mural"), "votes:{mural}",
     "Only projects someone voted for are funded: Silk heritage mural had no votes."),
])
def test_each_constraint_of_the_count_needs_its_own_exception(
        neighbourhood, ward_round, names, constraint, words):
    round_, projects, result = ward_round
    officer = neighbourhood.users["officer"]
    constraint = constraint.format(mural=projects["mural"].pb_id)
    selected = _ids(projects, *names)
    found = overrides.breaches(round_, result, selected)
    assert constraint in [b.constraint for b in found]
    assert words in [b.text for b in found]
    with pytest.raises(services.ResultError) as refused:
        overrides.override(round_, officer, selected, REASON)
    assert refused.value.field == "exceptions" and words in refused.value.message
    everything = [b.constraint for b in found]
    overrides.override(round_, officer, selected, REASON, exceptions=everything)
    assert {e["constraint"] for e in result.override_exceptions} == set(everything)


def test_a_cap_is_a_constraint_too(neighbourhood, ward_round, monkeypatch):
    round_, projects, result = ward_round
    capped = Constraints(min_votes=1, ward_budgets=True,
                         caps=(Cap("ward", "Macclesfield Hurdsfield", share=Fraction(1, 4)),))
    monkeypatch.setattr(overrides, "constraints_for", lambda _round, _voters=0: capped)
    selected = _ids(projects, "roof", "kit", "helpline")  # Hurdsfield £6,150 > £5,000 cap
    found = {b.constraint: b.text for b in overrides.breaches(round_, result, selected)}
    assert found["cap:ward:Macclesfield Hurdsfield"] == (
        "The cap of £5,000 on Macclesfield Hurdsfield: the projects chosen there cost £6,150.")


def test_an_override_within_every_constraint_needs_no_exception(neighbourhood, ward_round):
    round_, projects, result = ward_round
    selected = _ids(projects, "roof", "garden", "helpline")  # drops the buses
    assert overrides.breaches(round_, result, selected) == []
    overrides.override(round_, neighbourhood.users["officer"], selected, REASON)
    assert result.override_exceptions == [] and result.selected == selected


def test_a_new_count_clears_the_override_and_its_exceptions(neighbourhood, ward_round):
    round_, projects, result = ward_round
    selected = _ids(projects, "roof", "kit", "helpline")
    overrides.override(round_, neighbourhood.users["officer"], selected, REASON,
                       exceptions=["ward:Macclesfield Hurdsfield"])
    services.tally(round_, neighbourhood.users["officer2"])
    assert result.override_exceptions_json is None and result.override_reason is None
    assert json.loads(result.outcome_json)["selected"] == result.selected
