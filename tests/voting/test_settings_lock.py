"""Through the round set-up form: valid rule/design pairs only, and no changes once voting opens."""

from __future__ import annotations

import pytest

from pb.extensions import db
from pb.models import Round
from pb.models.round import rule_name
from pb.money import pence_to_pounds_text
from pb.templating import local_time
from tests.factories import make_ballot_round

PHASES = ("proposals_open_at", "proposals_close_at", "review_close_at", "voting_open_at",
          "voting_close_at")


def _whole_minutes(round_):
    for name in PHASES:
        value = getattr(round_, name)
        setattr(round_, name, value.replace(second=0, microsecond=0))
    db.session.commit()


def form_data(round_: Round, **changes) -> dict:
    data = {
        "name": round_.name, "description": round_.description,
        "partnership_id": str(round_.partnership_id), "is_published": "y",
        "budget": pence_to_pounds_text(round_.budget_pence),
        "min_project_cost": pence_to_pounds_text(round_.min_project_cost_pence),
        "max_project_cost": pence_to_pounds_text(round_.max_project_cost_pence),
        "ballot_design": round_.ballot_design, "allocation_rule": round_.allocation_rule,
        "tie_break": round_.tie_break, "voter_verification": round_.voter_verification,
        "ward_ballot": round_.ward_ballot,
        "ballot_budget_percent": str(round_.ballot_budget_percent or 100),
        "supports_required": str(round_.supports_required or 0),
    }
    for name in ("ballot_min_choices", "ballot_max_choices", "ballot_points_total",
                 "ballot_points_per_project_max", "ballot_rank_length",
                 "ballot_min_budget_percent", "eligibility_min_age"):
        value = getattr(round_, name)
        data[name] = "" if value is None else str(value)
    if round_.eligibility_postcode:
        data["eligibility_postcode"] = "y"
    for name in PHASES:
        data[name] = local_time(getattr(round_, name)).strftime("%Y-%m-%dT%H:%M")
    data.update(changes)
    return {k: v for k, v in data.items() if v is not False}


def _edit(client, round_, **changes):
    return client.post(f"/admin/rounds/{round_.id}/edit", data=form_data(round_, **changes))


def test_unchanged_form_saves_during_voting(client, sign_in, neighbourhood):
    round_, _ = make_ballot_round(neighbourhood)
    _whole_minutes(round_)
    sign_in(neighbourhood.users["officer"])
    response = _edit(client, round_, description="Now with a clearer description.")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.session.expire_all()
    assert db.session.get(Round, round_.id).description == "Now with a clearer description."


@pytest.mark.parametrize("field, value, column", [
    ("budget", "90000.00", "budget_pence"),
    ("ballot_design", "budget", "ballot_design"),
    ("allocation_rule", "mes-cost", "allocation_rule"),
    ("tie_break", "cost", "tie_break"),
    ("ballot_max_choices", "2", "ballot_max_choices"),
    ("eligibility_min_age", "16", "eligibility_min_age"),
    ("eligibility_postcode", False, "eligibility_postcode"),
    ("voter_verification", "code", "voter_verification"),
    ("ward_ballot", "own_ward", "ward_ballot"),
])
def test_rules_are_locked_once_voting_opens(client, sign_in, neighbourhood, field, value, column):
    round_, _ = make_ballot_round(neighbourhood)
    _whole_minutes(round_)
    before = getattr(round_, column)
    sign_in(neighbourhood.users["officer"])
    response = _edit(client, round_, **{field: value})
    assert response.status_code == 400
    assert "Voting has opened, so this can no longer change." in response.get_data(as_text=True)
    db.session.expire_all()
    assert getattr(db.session.get(Round, round_.id), column) == before


def test_rules_can_change_before_voting_opens(client, sign_in, neighbourhood):
    round_, _ = make_ballot_round(neighbourhood, phase="review")
    _whole_minutes(round_)
    sign_in(neighbourhood.users["officer"])
    response = _edit(client, round_, ballot_design="budget", allocation_rule="mes-cost-add1",
                     budget="40000.00")
    assert response.status_code == 302
    db.session.expire_all()
    changed = db.session.get(Round, round_.id)
    assert (changed.ballot_design, changed.allocation_rule, changed.budget_pence) == (
        "budget", "mes-cost-add1", 40_000_00)


@pytest.mark.parametrize("design, rule, ok", [
    ("scores", "greedy-points", True),
    ("points", "mes-score", True),
    ("budget", "mes-cost-add1", True),
    ("ranking", "phragmen", True),
    ("approval", "greedy-points", False),
    ("budget", "mes-score", False),
    ("ranking", "max-utility", False),
    ("ranking", "greedy-points", False),
])
def test_only_valid_rule_and_design_pairs(client, sign_in, neighbourhood, design, rule, ok):
    round_, _ = make_ballot_round(neighbourhood, phase="review")
    _whole_minutes(round_)
    sign_in(neighbourhood.users["officer"])
    extra = {"ballot_points_total": "10"} if design == "points" else {}
    if design == "ranking":
        extra["ballot_rank_length"] = "3"
    response = _edit(client, round_, ballot_design=design, allocation_rule=rule, **extra)
    if ok:
        assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    else:
        assert response.status_code == 400
        # People read the rule's name, never its code.
        text = response.get_data(as_text=True)
        assert f"{rule_name(rule)}” does not suit {design} ballots" in text
        assert f"The rule {rule} " not in text
