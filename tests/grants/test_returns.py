"""Monitoring returns: drafts that are never lost, checks on submission, evidence uploads,
and the officer's review section by section."""

from __future__ import annotations

import html
import io
import json
from datetime import date

import pytest
from PIL import Image
from sqlalchemy import select

from pb.extensions import db
from pb.models import AuditEntry, GrantDocument, MonitoringReturn
from tests.grants.helpers import PDF, decisions, return_form, submit_return


@pytest.fixture
def ret(grant, clock):
    clock(date(2026, 2, 10))
    return grant.returns[0]


def _url(grant, ret, tail=""):
    return f"/grants/{grant.id}/returns/{ret.id}{tail}"


def _reload(ret):
    db.session.expire_all()
    return db.session.get(MonitoringReturn, ret.id)


def _png() -> io.BytesIO:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (20, 120, 90)).save(out, format="PNG")
    out.seek(0)
    return out


def test_autosave_keeps_the_draft_exactly_as_typed(client, sign_in, neighbourhood, grant, ret):
    sign_in(neighbourhood.users["grantee"])
    kpi = grant.kpi_targets[0].kpi_id
    typed = {"narrative": "Half written: we met on", f"kpi-{kpi}": "twelve",
             f"spend-{grant.budget_lines[0].id}": "1,2"}
    response = client.post(_url(grant, ret, "/autosave"), data=typed,
                           headers={"HX-Request": "true"})
    assert response.status_code == 200 and "Draft saved" in response.get_data(as_text=True)
    assert json.loads(_reload(ret).draft_json) == typed
    page = client.get(_url(grant, ret)).get_data(as_text=True)
    assert 'value="twelve"' in page and "Half written: we met on" in page
    # Without JavaScript the same URL (and the Save draft button) keeps the draft too.
    assert client.post(_url(grant, ret), data={**typed, "narrative": "More",
                                               "action": "save"}).status_code == 303
    assert _reload(ret).draft["narrative"] == "More"
    # One audit entry for the drafting session, not one per autosave.
    drafts = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "grant.return_draft_saved")).all()
    assert len(drafts) == 1 and drafts[0].actor_id == neighbourhood.users["grantee"].id
    # Only the grantee organisation writes it.
    for who in ("grant_officer", "scrutiny", "other_grantee"):
        sign_in(neighbourhood.users[who])
        assert client.post(_url(grant, ret, "/autosave"), data=typed).status_code in (403,
                                                                                      404)


def test_autosave_flags_spend_over_a_budget_line(client, sign_in, neighbourhood, grant, ret):
    sign_in(neighbourhood.users["grantee"])
    line = grant.budget_lines[1]  # £1,920
    response = client.post(_url(grant, ret, "/autosave"),
                           data={f"spend-{line.id}": "2000.00"}, headers={"HX-Request": "true"})
    body = html.unescape(response.get_data(as_text=True))
    assert "would reach £2,000, over its budget of £1,920" in body


def test_submission_checks_and_keeps_the_draft(client, sign_in, neighbourhood, grant, ret):
    sign_in(neighbourhood.users["grantee"])
    form = return_form(grant).to_dict()
    required = grant.kpi_targets[0]
    form[f"kpi-{required.kpi_id}"] = ""
    over = grant.budget_lines[1]
    form[f"spend-{over.id}"] = "1950.00"
    response = client.post(_url(grant, ret), data={**form, "action": "submit"})
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    assert f"Enter a figure for “{required.kpi.name}” (0 if none this period)." in page
    assert "over its budget of £1,920 by £30" in page
    assert "Upload a receipt or other evidence" in page
    assert 'value="1950.00"' in page  # what was typed is on the page...
    saved = _reload(ret)
    assert saved.status == "draft" and saved.draft[f"spend-{over.id}"] == "1950.00"  # ...and kept
    assert saved.kpi_actuals == [] and saved.spend == []


def test_evidence_uploads_are_checked(client, sign_in, neighbourhood, grant, ret):
    sign_in(neighbourhood.users["grantee"])
    line = grant.budget_lines[0]
    base = {"narrative": "Typed before uploading", "action": "upload", "file_kind": "evidence",
            "file_line": str(line.id)}
    bad = client.post(_url(grant, ret), data={
        **base, "file": (io.BytesIO(b"<svg onload=alert(1)>"), "receipt.svg")},
        content_type="multipart/form-data")
    assert bad.status_code == 400
    assert "PNG, JPEG or WebP" in bad.get_data(as_text=True) or "PDF" in bad.get_data(
        as_text=True)
    assert _reload(ret).draft["narrative"] == "Typed before uploading"  # kept anyway
    photo = client.post(_url(grant, ret), data={
        **base, "file_kind": "photo", "file": (_png(), "group.png")},
        content_type="multipart/form-data")
    assert photo.status_code == 400
    assert "everyone who can be recognised" in photo.get_data(as_text=True)
    good = client.post(_url(grant, ret), data={**base, "file": (io.BytesIO(PDF), "hall.pdf")},
                       content_type="multipart/form-data")
    assert good.status_code == 303
    document = db.session.scalar(select(GrantDocument))
    assert document.budget_line_id == line.id and document.kind == "evidence"
    assert client.get(f"/grants/{grant.id}/files/{document.id}").data == PDF
    sign_in(neighbourhood.users["other_grantee"])
    assert client.get(f"/grants/{grant.id}/files/{document.id}").status_code == 404
    client.post("/account/logout")
    assert client.get(f"/grants/{grant.id}/photos/{document.id}").status_code == 404


def test_send_back_per_section_correct_and_accept(client, sign_in, neighbourhood, grant, ret, outbox):
    submit_return(grant, ret, neighbourhood.users["grantee"])
    assert _reload(ret).status == "submitted"
    assert any("Return to review" in m["Subject"] for m in outbox)
    sign_in(neighbourhood.users["grantee"])
    assert client.post(_url(grant, ret), data={"action": "save"}).status_code == 409
    sign_in(neighbourhood.users["scrutiny"])
    assert client.post(_url(grant, ret, "/review"), data=decisions()).status_code == 403
    sign_in(neighbourhood.users["grant_officer"])
    no_comment = client.post(_url(grant, ret, "/review"), data={
        **decisions().to_dict(), "decision-spend": "changes", "comment-spend": ""})
    assert no_comment.status_code == 400
    assert "Say what needs changing in “Spend”" in html.unescape(
        no_comment.get_data(as_text=True))
    back = client.post(_url(grant, ret, "/review"), data=decisions(
        spend="The hall hire receipt is for October, outside this period."))
    assert back.status_code == 303
    ret = _reload(ret)
    assert ret.status == "sent_back" and ret.resubmit_by == date(2026, 2, 24)
    assert any("Please change your return" in m["Subject"] for m in outbox)
    sign_in(neighbourhood.users["grantee"])
    page = html.unescape(client.get(_url(grant, ret)).get_data(as_text=True))
    assert "The hall hire receipt is for October" in page
    form = return_form(grant, spend_share=0.2).to_dict()
    assert client.post(_url(grant, ret), data={**form, "action": "submit"}).status_code == 303
    ret = _reload(ret)
    assert ret.status == "submitted" and ret.review_cycle == 2
    sign_in(neighbourhood.users["grant_officer"])
    assert client.post(_url(grant, ret, "/review"), data=decisions()).status_code == 303
    ret = _reload(ret)
    assert ret.status == "accepted"
    assert {r.decision for r in ret.latest_reviews().values()} == {"accepted"}
    assert len(ret.reviews) == 12  # two cycles of six sections, history kept
    actions = db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.action.like("grant.return_%")).order_by(AuditEntry.id)).all()
    assert actions == ["grant.return_submitted", "grant.return_sent_back",
                       "grant.return_submitted", "grant.return_accepted"]


def test_outcomes_are_claimed_evidenced_and_verified(neighbourhood, grant, ret):
    from pb.grants import reviews
    from pb.grants.figures import outcome_statuses

    submit_return(grant, ret, neighbourhood.users["grantee"], **{
        "outcome-reduced_isolation": "evidenced",
        "outcome-reduced_isolation-evidence": "WEMWBS survey of 14 regulars: up 4 points.",
        "outcome-mental_health": "claimed"})
    form = decisions()
    form["verify-reduced_isolation"] = "y"
    reviews.review(grant, ret, neighbourhood.users["grant_officer"], form)
    assert outcome_statuses(grant) == {"reduced_isolation": "verified",
                                       "mental_health": "claimed"}


def test_evidenced_outcome_needs_its_evidence(client, sign_in, neighbourhood, grant, ret):
    sign_in(neighbourhood.users["grantee"])
    form = return_form(grant, spend_share=0).to_dict()
    form["outcome-mental_health"] = "evidenced"
    response = client.post(_url(grant, ret), data={**form, "action": "submit"})
    assert response.status_code == 400
    assert "Say what shows" in html.unescape(response.get_data(as_text=True))


def test_a_sent_back_return_opens_with_everything_submitted(neighbourhood, grant, ret):
    from pb.grants import returns as return_rules
    from pb.grants import reviews

    ward = neighbourhood.wards["Macclesfield Hurdsfield"]
    submit_return(grant, ret, neighbourhood.users["grantee"], **{
        "age-4": "9", f"ward-{ward.id}": "14", "case_study": "Mavis found friends here.",
        "outcome-mental_health": "claimed"})
    submitted = return_rules.draft_from_form(return_rules.values_for(ret))
    ret.draft_json = "{}"  # as if the draft had never been kept
    db.session.commit()
    reviews.review(grant, ret, neighbourhood.users["grant_officer"],
                   decisions(people="Please split the over-65s by ward."))
    values = return_rules.values_for(ret)
    assert values["age-4"] == "9" and values[f"ward-{ward.id}"] == "14"
    assert values["case_study"] == "Mavis found friends here."
    assert values["outcome-mental_health"] == "claimed"
    assert {k: v for k, v in values.items() if v} == {k: v for k, v in submitted.items() if v}
