"""Ward leftovers that roll over (issue 13, item 1): owed at certification, added to the
ward's budget in a later round of the same area by an officer, stated on both rounds' pages."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from pb.extensions import db
from pb.models import AuditEntry, WardCarryOver
from pb.results import carry_over, override, presenting, services
from tests.factories import (
    add_ward_budgets,
    cast_for,
    close_voting,
    make_ballot_round,
    make_proposal,
    make_round,
)

HURDSFIELD = "Macclesfield Hurdsfield"
NEXT = "Hurdsfield and Town Wellbeing Fund 2027"


def _page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _certified_ward_round(neighbourhood, leftover="rollover"):
    """£9,500 with £5,000 ring-fenced for Hurdsfield: the allotment (£4,000) is funded from
    it, so the ward's own budget leaves £1,000."""
    round_, _ = make_ballot_round(neighbourhood, name=f"Hurdsfield Health Fund ({leftover})",
                                  projects=[], budget_pence=9_500_00, ward_leftover=leftover)
    hurdsfield = neighbourhood.wards[HURDSFIELD]
    add_ward_budgets(round_, {hurdsfield: 5_000_00})
    allotment = make_proposal(round_, "Hurdsfield allotment", 4_000_00, wards=[hurdsfield])
    helpline = make_proposal(round_, "Town-wide carers' helpline", 5_500_00)
    db.session.commit()
    cast_for(round_, neighbourhood.users["resident"], {allotment.id: 1, helpline.id: 1})
    close_voting(round_)
    services.tally(round_, neighbourhood.users["officer"])
    services.certify(round_, neighbourhood.users["officer2"], read_it=True)
    return round_


def _next_round(neighbourhood, phase="proposals", hurdsfield_budget=3_000_00):
    round_ = make_round(neighbourhood.partnership, NEXT, phase, budget_pence=20_000_00)
    if hurdsfield_budget is not None:
        add_ward_budgets(round_, {neighbourhood.wards[HURDSFIELD]: hurdsfield_budget})
    db.session.commit()
    return round_


def _submission(client, round_) -> str:
    page = client.get(f"/admin/rounds/{round_.id}/carry-over").get_data(as_text=True)
    return re.search(r'name="submission" type="hidden" value="([^"]+)"', page).group(1)


KEY = "a-fresh-submission-key-0001"  # a well-formed key, for pages that show no button


def test_certifying_a_rollover_round_owes_each_ward_what_its_budget_left(neighbourhood):
    round_ = _certified_ward_round(neighbourhood)
    carry = db.session.scalars(select(WardCarryOver)).one()
    assert (carry.from_round_id, carry.ward.name) == (round_.id, HURDSFIELD)
    # Independently: the ward's £5,000 less the allotment it funded.
    assert carry.amount_pence == 5_000_00 - 4_000_00 and carry.is_pending
    entry = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "result.certified")).one()
    assert entry.after["carried_over"] == {HURDSFIELD: 1_000_00}


@pytest.mark.parametrize("leftover", ["pooled", "returned"])
def test_pooled_and_returned_leftovers_are_owed_to_no_one(neighbourhood, leftover):
    _certified_ward_round(neighbourhood, leftover)
    assert db.session.scalars(select(WardCarryOver)).all() == []


def test_after_an_override_a_wards_leftover_is_its_budget_less_the_chosen_projects(
        neighbourhood):
    round_, _ = make_ballot_round(neighbourhood, name="Hurdsfield override", projects=[],
                                  budget_pence=9_500_00, ward_leftover="rollover")
    hurdsfield = neighbourhood.wards[HURDSFIELD]
    add_ward_budgets(round_, {hurdsfield: 5_000_00})
    allotment = make_proposal(round_, "Hurdsfield allotment", 4_000_00, wards=[hurdsfield])
    benches = make_proposal(round_, "Hurdsfield benches", 1_500_00, wards=[hurdsfield])
    db.session.commit()
    cast_for(round_, neighbourhood.users["resident"], {allotment.id: 1, benches.id: 1})
    close_voting(round_)
    result = services.tally(round_, neighbourhood.users["officer"])
    assert set(result.selected) == {allotment.pb_id}  # £1,500 does not fit the £1,000 left
    override.override(round_, neighbourhood.users["officer"], [benches.pb_id],
                      "The allotment found another funder, so the benches take its place.")
    services.certify(round_, neighbourhood.users["officer2"], read_it=True)
    carry = db.session.scalars(select(WardCarryOver)).one()
    assert carry.amount_pence == 5_000_00 - 1_500_00


def test_an_officer_adds_the_carried_money_to_the_next_round(client, sign_in, neighbourhood):
    first = _certified_ward_round(neighbourhood)
    later = _next_round(neighbourhood)
    sign_in(neighbourhood.users["officer"])
    form = _page(client.get(f"/admin/rounds/{later.id}/edit"))
    assert "£1,000 left in ward budgets of earlier rounds is owed to this area's wards" in form
    page = _page(client.get(f"/admin/rounds/{later.id}/carry-over"))
    assert "£3,000, becomes £4,000" in page
    assert "This round's budget becomes £21,000 (now £20,000)" in page
    key = _submission(client, later)
    response = client.post(f"/admin/rounds/{later.id}/carry-over", data={"submission": key})
    assert response.status_code == 303
    db.session.expire_all()
    assert later.budget_pence == 21_000_00
    assert later.ward_budget_for(neighbourhood.wards[HURDSFIELD].id) == 4_000_00
    carry = db.session.scalars(select(WardCarryOver)).one()
    assert carry.into_round_id == later.id and carry.added_by_id == neighbourhood.users["officer"].id
    entry = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "round.carry_over_added")).one()
    assert entry.object_id == str(later.id)
    assert entry.before["budget_pence"] == 20_000_00 and entry.after["budget_pence"] == 21_000_00
    assert entry.after["ward_budgets"] == {HURDSFIELD: 4_000_00}
    assert entry.after["added"] == [{"ward": HURDSFIELD, "pence": 1_000_00,
                                     "from_round_id": first.id}]
    # The same form sent again (a double click) adds nothing more.
    again = client.post(f"/admin/rounds/{later.id}/carry-over", data={"submission": key})
    assert again.status_code == 303
    db.session.expire_all()
    assert later.budget_pence == 21_000_00
    done = _page(client.get(f"/admin/rounds/{later.id}/carry-over"))
    assert "No money is waiting to be carried into this round." in done
    assert f"£1,000 for {HURDSFIELD} ward, from {first.name}" in done
    # Both rounds say where the money went.
    said = _page(client.get(f"/rounds/{first.id}/results"))
    assert (f"the £1,000 left was added to {HURDSFIELD} ward's budget in {NEXT}") in said
    assert (f"{HURDSFIELD}'s budget includes £1,000 its own budget did not spend in "
            f"{first.name}, carried over") in _page(client.get(f"/rounds/{later.id}"))
    assert (f"This round's budget includes £1,000 carried over for {HURDSFIELD} ward from "
            f"{first.name}.") in presenting.constraint_lines(later)


def test_before_it_is_added_the_results_say_it_goes_to_the_next_round(client, neighbourhood):
    first = _certified_ward_round(neighbourhood)
    page = _page(client.get(f"/rounds/{first.id}/results"))
    assert f"the £1,000 left is added to {HURDSFIELD} ward's budget in the next round" in page
    # The area-wide £4,500 did not fit the £5,500 helpline: only the ward's part rolls over.
    assert ("Of this, the £1,000 left in the wards' own budgets is carried into their "
            "budgets in the next round; the rest goes back to the partnership.") in page


def test_carried_money_waits_until_the_ward_has_a_budget_in_the_round(client, sign_in,
                                                                       neighbourhood):
    _certified_ward_round(neighbourhood)
    later = _next_round(neighbourhood, hurdsfield_budget=None)
    sign_in(neighbourhood.users["officer"])
    page = _page(client.get(f"/admin/rounds/{later.id}/carry-over"))
    assert f"{HURDSFIELD} has no ward budget in this round. Give it one on this form first" in page
    assert "Add the carried money to this round" not in page
    response = client.post(f"/admin/rounds/{later.id}/carry-over", data={"submission": KEY})
    assert response.status_code == 400
    assert f"{HURDSFIELD} has no ward budget in this round" in _page(response)
    db.session.expire_all()
    assert later.budget_pence == 20_000_00
    assert db.session.scalars(select(WardCarryOver)).one().is_pending


def test_a_round_whose_voting_has_opened_cannot_take_it(client, sign_in, neighbourhood):
    _certified_ward_round(neighbourhood)
    later = _next_round(neighbourhood, phase="voting")
    sign_in(neighbourhood.users["officer"])
    assert "its budget is locked" in _page(client.get(f"/admin/rounds/{later.id}/carry-over"))
    response = client.post(f"/admin/rounds/{later.id}/carry-over", data={"submission": KEY})
    assert response.status_code == 400
    assert "Voting has opened, so this round's budget can no longer change" in _page(response)
    db.session.expire_all()
    assert later.budget_pence == 20_000_00


def test_the_service_refuses_a_second_add_and_other_partnerships(neighbourhood):
    _certified_ward_round(neighbourhood)
    later = _next_round(neighbourhood)
    officer = neighbourhood.users["officer"]
    assert [c.amount_pence for c in carry_over.add_to_round(later, officer)] == [1_000_00]
    with pytest.raises(carry_over.CarryOverError, match="There is no carried money to add"):
        carry_over.add_to_round(later, officer)
    elsewhere = make_round(neighbourhood.other_partnership, "Elsewhere Fund 2027",
                           budget_pence=10_000_00)
    db.session.commit()
    assert carry_over.owed_to(elsewhere) == []


@pytest.mark.parametrize("who, status", [
    (None, 302), ("resident", 403), ("scrutiny", 403), ("other_officer", 403),
    ("event_staff", 403),
])
def test_only_the_partnerships_officers_reach_the_carried_money(client, sign_in, neighbourhood,
                                                                who, status):
    _certified_ward_round(neighbourhood)
    later = _next_round(neighbourhood)
    if who:
        sign_in(neighbourhood.users[who])
    assert client.get(f"/admin/rounds/{later.id}/carry-over").status_code == status
    response = client.post(f"/admin/rounds/{later.id}/carry-over",
                           data={"submission": KEY})
    assert response.status_code in (status, 400 if who is None else status)
    db.session.expire_all()
    assert later.budget_pence == 20_000_00
