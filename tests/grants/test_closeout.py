"""Close-out: only when everything is in; a closed grant is read-only; corrections are new
entries with reasons that the totals include."""

from __future__ import annotations

import html
from datetime import date

import pytest
from sqlalchemy import select

from pb.extensions import db
from pb.grants import tranches
from pb.grants.figures import kpi_achieved, spent_by_line
from pb.models import Adjustment, Grant, ReturnKpiActual
from tests.grants.helpers import accept_return, submit_return


def _reload(grant):
    db.session.expire_all()
    return db.session.get(Grant, grant.id)


@pytest.fixture
def finished(neighbourhood, grant, clock):
    """All four returns in and accepted (spending 90% of each line), all payments made."""
    officer2 = neighbourhood.users["grant_officer2"]
    for ret in grant.returns:
        clock(ret.period_end)
        submit_return(grant, ret, neighbourhood.users["grantee"], spend_share=0.225)
        accept_return(grant, ret, officer2)
    clock(date(2026, 11, 25))
    for tranche in grant.tranches:
        tranches.release(grant, tranche.id, officer2, paid_on="2026-11-25",
                         reference=f"CEC-{tranche.position}")
    return _reload(grant)


def test_close_is_refused_until_everything_is_in(client, sign_in, neighbourhood, grant, clock):
    clock(date(2026, 3, 1))
    sign_in(neighbourhood.users["grant_officer"])
    page = html.unescape(client.get(f"/grants/{grant.id}/close").get_data(as_text=True))
    assert "The final return has not been accepted yet." in page
    assert "3 payments are neither released nor withheld." in page
    response = client.post(f"/grants/{grant.id}/close", data={"note": "Done."})
    assert response.status_code == 409 and _reload(grant).status == "active"


def test_underspend_must_be_returned_or_agreed(client, sign_in, neighbourhood, finished):
    grant = finished
    sign_in(neighbourhood.users["grant_officer2"])
    url = f"/grants/{grant.id}/close"
    assert "£480 paid has not been spent" in client.get(url).get_data(as_text=True)
    silent = client.post(url, data={"note": "All delivered."})
    assert silent.status_code == 400 and "record it as returned" in silent.get_data(
        as_text=True)
    no_reason = client.post(url, data={"note": "All delivered.", "underspend": "agreed"})
    assert no_reason.status_code == 400
    assert client.post(url, data={"note": "All delivered.",
                                  "underspend": "returned"}).status_code == 303
    grant = _reload(grant)
    assert grant.status == "closed" and grant.closed_by_id == neighbourhood.users["grant_officer2"].id
    returned = db.session.scalar(select(Adjustment).where(
        Adjustment.kind == "underspend_returned"))
    assert returned.amount_pence == 480_00
    assert tranches.money_for(grant).net_paid == tranches.money_for(grant).spent == 4_320_00


def test_a_closed_grant_is_read_only(client, sign_in, neighbourhood, finished):
    grant = finished
    sign_in(neighbourhood.users["grant_officer2"])
    client.post(f"/grants/{grant.id}/close", data={
        "note": "All delivered.", "underspend": "agreed",
        "agreed_reason": "The group keeps £480 to run sessions over the summer."})
    grant = _reload(grant)
    assert grant.status == "closed" and "£480 agreed" in grant.close_note
    refused = [
        ("POST", f"/grants/{grant.id}/agreement", {"action": "save"}),
        ("POST", f"/grants/{grant.id}/rag", {"value": "red", "reason": "Trying after close."}),
        ("POST", f"/grants/{grant.id}/milestones/{grant.milestones[1].id}/met",
         {"met_on": "2026-04-01"}),
        ("POST", f"/grants/{grant.id}/savings", {"action": "funding",
                                                 "funding-0-route": "pb"}),
        ("POST", f"/grants/{grant.id}/withdraw", {"reason": "Trying after close."}),
    ]
    for method, url, data in refused:
        response = client.open(url, method=method, data=data)
        assert response.status_code == 409, url
        assert "This grant is closed" in response.get_data(as_text=True) or url.endswith(
            "agreement")
    sign_in(neighbourhood.users["grantee"])
    last = grant.returns[-1]
    response = client.post(f"/grants/{grant.id}/returns/{last.id}", data={
        "narrative": "A late addition", "action": "save"})
    assert response.status_code == 409 and "This grant is closed" in response.get_data(
        as_text=True)
    page = client.get(f"/grants/{grant.id}").get_data(as_text=True)
    assert "This grant is read-only" in page


def test_corrections_are_new_entries_with_reasons(client, sign_in, neighbourhood, finished):
    grant = finished
    sign_in(neighbourhood.users["grant_officer2"])
    client.post(f"/grants/{grant.id}/close", data={"note": "All delivered.",
                                                   "underspend": "returned"})
    grant = _reload(grant)
    volunteers = grant.kpi_targets[0]
    reported = db.session.scalars(select(ReturnKpiActual.value).where(
        ReturnKpiActual.kpi_id == volunteers.kpi_id)).all()
    before_kpi = kpi_achieved(grant)[volunteers.kpi_id]
    line = grant.budget_lines[0]
    before_spend = spent_by_line(grant)[line.id]
    url = f"/grants/{grant.id}/corrections"
    no_reason = client.post(url, data={"kind": "kpi", "target_id": volunteers.kpi_id,
                                       "delta": "-2"})
    assert no_reason.status_code == 400
    assert client.post(url, data={
        "kind": "kpi", "target_id": volunteers.kpi_id, "delta": "-2",
        "reason": "Two volunteers were counted in both the third and final returns."}
    ).status_code == 303
    assert client.post(url, data={
        "kind": "spend", "target_id": line.id, "delta": "-25.50",
        "reason": "A hall hire refund arrived after close-out."}).status_code == 303
    grant = _reload(grant)
    assert kpi_achieved(grant)[volunteers.kpi_id] == before_kpi - 2
    assert spent_by_line(grant)[line.id] == before_spend - 25_50
    # What was reported is untouched: the correction sits beside it.
    assert db.session.scalars(select(ReturnKpiActual.value).where(
        ReturnKpiActual.kpi_id == volunteers.kpi_id)).all() == reported
    page = html.unescape(client.get(f"/grants/{grant.id}").get_data(as_text=True))
    assert "Two volunteers were counted in both" in page and "-2" in page
    # Money coming back after close-out is an entry too.
    assert client.post(f"/grants/{grant.id}/money-back", data={
        "kind": "clawed_back", "amount": "100", "on": "2026-11-25",
        "reason": "Equipment sold when the group wound up."}).status_code == 303
