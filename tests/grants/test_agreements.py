"""The agreement: completed by a grant officer, refused when it does not add up, accepted
online by the grantee's lead (who and when recorded)."""

from __future__ import annotations

import html
from datetime import date

import pytest
from sqlalchemy import select

from pb.extensions import db
from pb.models import AuditEntry, Grant
from tests.factories import agreement_form, make_grant


@pytest.fixture
def draft(neighbourhood, programme):
    return make_grant(neighbourhood, programme=programme)


def _form(grant, programme, **changes):
    form = agreement_form(grant, programme, start=date(2025, 11, 1), end=date(2026, 10, 31))
    form.update(changes)
    return form


def _reload(grant):
    db.session.expire_all()
    return db.session.get(Grant, grant.id)


def test_officer_completes_and_offers_then_the_lead_accepts(client, sign_in, neighbourhood, programme,
                                                           draft, outbox):
    sign_in(neighbourhood.users["grant_officer"])
    response = client.post(f"/grants/{draft.id}/agreement",
                           data={**_form(draft, programme), "action": "issue"})
    assert response.status_code == 303
    grant = _reload(draft)
    assert grant.status == "offered" and grant.set_up_by_id == neighbourhood.users["grant_officer"].id
    assert [r.label for r in grant.returns] == ["Return 1", "Return 2", "Return 3",
                                                "Final return"]
    assert grant.returns[0].due_date == date(2026, 2, 21)  # 21 days after 31 January
    assert sum(t.amount_pence for t in grant.tranches) == grant.amount_pence
    assert [m.title for m in grant.milestones][0] == "Venue booked and first session held"
    assert any("agreement is ready" in m["Subject"] for m in outbox)

    # Nobody accepts for the organisation: not an admin, not another organisation's grantee.
    for who in ("admin", "other_grantee", "grant_officer"):
        sign_in(neighbourhood.users[who])
        refused = client.post(f"/grants/{grant.id}/accept",
                              data={"name": "Someone Else", "confirm": "y"})
        assert refused.status_code in (403, 404), who
    sign_in(neighbourhood.users["grantee"])
    page = client.get(f"/grants/{grant.id}/agreement").get_data(as_text=True)
    assert "Accept the agreement" in page and "£2,400" in page
    missing = client.post(f"/grants/{grant.id}/accept", data={"name": "Dave Booth"})
    assert missing.status_code == 400
    assert "Tick to confirm you accept" in missing.get_data(as_text=True)
    assert 'value="Dave Booth"' in missing.get_data(as_text=True)
    accepted = client.post(f"/grants/{grant.id}/accept",
                           data={"name": "Dave Booth", "confirm": "y"})
    assert accepted.status_code == 303
    grant = _reload(grant)
    assert grant.status == "active" and grant.accepted_name == "Dave Booth"
    assert grant.accepted_by_id == neighbourhood.users["grantee"].id and grant.accepted_at is not None
    entry = db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "grant.agreement_accepted"))
    assert entry.actor_id == neighbourhood.users["grantee"].id


@pytest.mark.parametrize("changes, field, message", [
    ({"line-1-amount": "100.00"}, "lines", "they must add up to the award of £4,800"),
    ({"tranche-1-amount": "4000.00"}, "tranche-1-amount",
     "This payment takes the schedule to £6,400, over the award of £4,800"),
    ({"tranche-2-amount": "100.00"}, "tranches", "£860 short of the award of £4,800"),
    ({"milestone-0-due": "2027-01-15"}, "milestone-0-due", "outside the grant period"),
    ({"tranche-2-condition": "date", "tranche-2-date": "2025-09-01"}, "tranche-2-date",
     "outside the grant period"),
    ({"tranche-1-number": "9"}, "tranche-1-number", "Give the return's number, 1 to 4"),
    ({"end_date": "2025-10-01"}, "end_date", "The end date must come after the start date"),
    ({"start_date": "31/11/2025"}, "start_date", "year-month-day"),
    ({"programme_id": ""}, "programme_id", "Choose the funding programme"),
])
def test_an_agreement_that_does_not_add_up_is_refused_and_nothing_is_lost(
        client, sign_in, neighbourhood, programme, draft, changes, field, message):
    sign_in(neighbourhood.users["grant_officer"])
    form = _form(draft, programme, **changes)
    response = client.post(f"/grants/{draft.id}/agreement", data={**form, "action": "issue"})
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    assert message in page
    assert f'href="#{field}"' in page or f'id="{field}"' in page
    for name, value in changes.items():
        if value and not name.endswith("condition"):
            assert f'value="{value}"' in page  # as typed
    grant = _reload(draft)
    assert grant.status == "draft" and grant.tranches == [] and grant.returns == []


def test_a_stale_agreement_form_is_refused(client, sign_in, neighbourhood, programme, draft):
    sign_in(neighbourhood.users["grant_officer"])
    form = _form(draft, programme)
    assert client.post(f"/grants/{draft.id}/agreement",
                       data={**form, "action": "save"}).status_code == 303
    # A second officer submits the page they opened before that save.
    sign_in(neighbourhood.users["grant_officer2"])
    stale = client.post(f"/grants/{draft.id}/agreement", data={
        **form, "line-0-description": "Something else", "action": "save"})
    assert stale.status_code == 409
    assert "Someone else changed this grant" in stale.get_data(as_text=True)
    assert _reload(draft).budget_lines[0].description == "Hall hire (weekly, one year)"


def test_take_back_and_withdraw(client, sign_in, neighbourhood, programme, draft):
    sign_in(neighbourhood.users["grant_officer"])
    client.post(f"/grants/{draft.id}/agreement", data={**_form(draft, programme),
                                                       "action": "issue"})
    grant = _reload(draft)
    assert client.post(f"/grants/{grant.id}/take-back",
                       data={"version": grant.version}).status_code == 303
    grant = _reload(grant)
    assert grant.status == "draft" and grant.returns == [] and grant.set_up_by_id is None
    short = client.post(f"/grants/{grant.id}/withdraw", data={"reason": "No."})
    assert short.status_code == 400 and "Give the reason" in short.get_data(as_text=True)
    assert client.post(f"/grants/{grant.id}/withdraw", data={
        "reason": "The group dissolved before the project started."}).status_code == 303
    grant = _reload(grant)
    assert grant.status == "withdrawn"
    assert "Not going ahead" in client.get(f"/grants/{grant.id}/progress").get_data(as_text=True)


def test_offering_needs_a_grantee(client, sign_in, neighbourhood, programme):
    grant = make_grant(neighbourhood, programme=programme, organisation=None, title="Upton Repair Cafe")
    sign_in(neighbourhood.users["grant_officer"])
    response = client.post(f"/grants/{grant.id}/agreement",
                           data={**_form(grant, programme), "action": "issue"})
    assert response.status_code == 400
    assert "Name the organisation that will deliver the project" in response.get_data(
        as_text=True)
    assert _reload(grant).status == "draft"
