"""A refused grants form behaves as GOV.UK forms do everywhere in pb: the page title starts
"Error: ", a summary at the top takes focus and links to each field in error, and each
message is tied to its field with aria-describedby (and the field marked aria-invalid)."""

from __future__ import annotations

import html
import re
from datetime import date

import pytest

from pb.grants.forms import GRANT_PAGE_FIELDS
from tests.factories import make_grant
from tests.grants.helpers import return_form, upload_receipts


def _page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _summary(page: str) -> str:
    assert 'class="error-summary"' in page, "no error summary"
    return page.split('class="error-summary"', 1)[1].split("</div>", 1)[0]


def assert_govuk_errors(response, fields: dict[str, str], *, status: int = 400) -> str:
    """``fields`` maps each control's id to (a part of) its message."""
    page = _page(response)
    assert response.status_code == status, page[:2000]
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1).strip()
    assert title.startswith("Error: "), title
    summary = _summary(page)
    assert "autofocus" in page.split('class="error-summary"', 1)[1].split(">", 1)[0]
    for control_id, message in fields.items():
        link = re.search(rf'<a href="#{re.escape(control_id)}">([^<]*)</a>', summary)
        assert link, f"the summary does not link to #{control_id}: {summary}"
        assert message in link.group(1)
        error = re.search(rf'<p class="error-message" id="{re.escape(control_id)}-error">(.*?)</p>',
                          page, re.S)
        assert error and message in error.group(1), f"no message beside #{control_id}"
        control = re.search(rf'<(?:input|textarea|select|fieldset)\b[^>]*\bid="{re.escape(control_id)}"[^>]*>',
                            page)
        assert control, f"no control #{control_id}"
        described = re.search(r'aria-describedby="([^"]*)"', control.group(0))
        assert described and f"{control_id}-error" in described.group(1).split(), control.group(0)
        if not control.group(0).startswith("<fieldset"):
            assert 'aria-invalid="true"' in control.group(0), control.group(0)
    return page


# The grant page's small forms -------------------------------------------------------------------

def _post(client, grant, tail, **data):
    return client.post(f"/grants/{grant.id}{tail}", data={"version": str(grant.version), **data})


def test_release_withhold_and_money_back(client, sign_in, neighbourhood, grant):
    first, second = grant.tranches[0], grant.tranches[1]
    sign_in(neighbourhood.users["grant_officer2"])
    name = f"release-{first.id}"
    assert_govuk_errors(_post(client, grant, f"/tranches/{first.id}/release",
                              paid_on="2025-12-25", reference="CEC-1"),
                        {f"{name}-paid_on": "cannot be in the future"})
    assert_govuk_errors(_post(client, grant, f"/tranches/{first.id}/release",
                              paid_on="2025-11-20", reference=""),
                        {f"{name}-reference": "payment reference"})
    assert_govuk_errors(_post(client, grant, f"/tranches/{second.id}/withhold", reason="No"),
                        {f"withhold-{second.id}-reason": "in a sentence"})
    assert _post(client, grant, f"/tranches/{first.id}/release", paid_on="2025-11-20",
                 reference="CEC-1").status_code == 303
    assert_govuk_errors(_post(client, grant, "/money-back", kind="clawed_back",
                              amount="999999", on="2025-11-20",
                              reason="The group paid the money back."),
                        {"money_back-amount": "no more than that can come back"})


def test_rag_correction_interest_and_milestone(client, sign_in, neighbourhood, grant):
    sign_in(neighbourhood.users["grant_officer"])
    page = assert_govuk_errors(_post(client, grant, "/rag", value="purple", reason="x"),
                               {"rag-value": "Choose red, amber or green"})
    assert "<details open>" in page or "<details open" in page  # the refused form is open
    assert_govuk_errors(_post(client, grant, "/corrections", kind="note", delta="",
                              target_id="", reason="Too short"),
                        {"correction-reason": "in a sentence"})
    assert_govuk_errors(_post(client, grant, "/interest", nature="Cousin"),
                        {"interest-nature": "the nature of the interest"})
    stone = grant.milestones[0]
    assert_govuk_errors(_post(client, grant, f"/milestones/{stone.id}/met", met_on="2030-01-01"),
                        {f"milestone-{stone.id}-met_on": "cannot be in the future"})


def test_a_refusal_about_a_whole_form_links_to_that_form(client, sign_in, neighbourhood, grant):
    sign_in(neighbourhood.users["grant_officer"])  # set it up, so may not release it
    first = grant.tranches[0]
    response = _post(client, grant, f"/tranches/{first.id}/release", paid_on="2025-11-20",
                     reference="CEC-1")
    page = _page(response)
    assert response.status_code == 403
    assert re.search(r"<title>\s*Error: ", page)
    assert 'href="#rag"' not in _summary(page)


def test_every_small_form_field_has_a_control_with_its_id(client, sign_in, neighbourhood, grant):
    """The summary links to "<form>-<field>": each such control exists on the page."""
    sign_in(neighbourhood.users["grant_officer2"])
    page = _page(client.get(f"/grants/{grant.id}"))
    ids = set(re.findall(r'\bid="([^"]+)"', page))
    tranche, stone = grant.tranches[0], grant.milestones[0]
    forms = {"rag": "rag", "release": f"release-{tranche.id}",
             "withhold": f"withhold-{tranche.id}", "milestone": f"milestone-{stone.id}",
             "correction": "correction", "interest": "interest"}
    for kind, name in forms.items():
        for field in GRANT_PAGE_FIELDS[kind]:
            assert f"{name}-{field}" in ids, f"{name}-{field}"


# The grants area's full-page forms ---------------------------------------------------------------

@pytest.fixture
def draft(neighbourhood, programme):
    return make_grant(neighbourhood, title="Tytherington Walking Group", programme=programme,
                      reference="T-WALK")


def test_agreement_form(client, sign_in, neighbourhood, programme, draft):
    sign_in(neighbourhood.users["grant_officer"])
    kpi = programme.kpis[0]
    response = client.post(f"/grants/{draft.id}/agreement", data={
        "version": str(draft.version), "start_date": "", "end_date": "2026-10-31",
        "report_every_months": "3", "programme_id": str(programme.id),
        f"target-{kpi.id}": "lots", "tranche-0-amount": "100", "tranche-0-condition": "never"})
    page = _page(response)
    assert response.status_code == 400
    summary = _summary(page)
    targets = re.findall(r'<a href="#([^"]+)">', summary)
    assert "start_date" in targets
    ids = set(re.findall(r'\bid="([^"]+)"', page))
    assert set(targets) <= ids, set(targets) - ids  # every link lands on the page
    assert_govuk_errors(response, {"start_date": "date", f"target-{kpi.id}": "whole number",
                                   "tranche-0-condition": "Choose when"})
    # A problem with a whole part of the form: its fieldset is described by the message.
    assert re.search(r'<fieldset id="tranches" aria-describedby="tranches-error">', page)
    assert page.count('id="tranches"') == 1


def test_grantee_form(client, sign_in, neighbourhood, draft):
    sign_in(neighbourhood.users["grant_officer"])
    response = client.post(f"/grants/{draft.id}/grantee", data={
        "version": str(draft.version), "action": "register", "name": ""})
    page = _page(response)
    targets = re.findall(r'<a href="#([^"]+)">', _summary(page))
    assert targets and set(targets) <= set(re.findall(r'\bid="([^"]+)"', page))
    assert_govuk_errors(response, {targets[0]: ""})


def test_accepting_the_agreement(client, sign_in, neighbourhood, programme):
    from werkzeug.datastructures import MultiDict

    from pb.grants import agreements
    from tests.factories import agreement_form

    grant = make_grant(neighbourhood, programme=programme, reference="T-ACCEPT")
    agreements.save(grant, neighbourhood.users["grant_officer"], MultiDict(agreement_form(
        grant, programme, start=date(2025, 11, 3), end=date(2026, 11, 2))), issue=True)
    sign_in(neighbourhood.users["grantee"])
    response = client.post(f"/grants/{grant.id}/accept", data={
        "version": str(grant.version), "name": ""})
    page = _page(response)
    targets = re.findall(r'<a href="#([^"]+)">', _summary(page))
    assert "name" in targets and set(targets) <= set(re.findall(r'\bid="([^"]+)"', page))
    assert_govuk_errors(response, {"name": ""})


def test_monitoring_return_and_its_review(client, sign_in, neighbourhood, grant, clock):
    clock(date(2026, 2, 10))
    ret = grant.returns[0]
    sign_in(neighbourhood.users["grantee"])
    form = return_form(grant).to_dict()
    form["narrative"] = ""
    required = grant.kpi_targets[0]
    form[f"kpi-{required.kpi_id}"] = ""
    response = client.post(f"/grants/{grant.id}/returns/{ret.id}", data={**form,
                                                                         "action": "submit"})
    page = _page(response)
    targets = re.findall(r'<a href="#([^"]+)">', _summary(page))
    assert set(targets) <= set(re.findall(r'\bid="([^"]+)"', page)), targets
    assert_govuk_errors(response, {"narrative": "", f"kpi-{required.kpi_id}": required.kpi.name})

    upload_receipts(grant, ret, neighbourhood.users["grantee"])
    from pb.grants import returns
    returns.submit(grant, ret, neighbourhood.users["grantee"], return_form(grant))
    sign_in(neighbourhood.users["grant_officer"])
    response = client.post(f"/grants/{grant.id}/returns/{ret.id}/review", data={
        "version": str(ret.version), "decision-spend": "changes", "comment-spend": ""})
    page = _page(response)
    targets = re.findall(r'<a href="#([^"]+)">', _summary(page))
    assert targets and set(targets) <= set(re.findall(r'\bid="([^"]+)"', page)), targets
    assert_govuk_errors(response, {"comment-spend": ""})
    # A section with no decision: the link lands on its first choice, and the group (the
    # fieldset the choices are in) is described by the message.
    assert 'href="#decision-narrative"' in _summary(page)
    assert re.search(r'<input type="radio" id="decision-narrative" name="decision-narrative"'
                     r'[^>]*aria-invalid="true"', page)
    assert re.search(r'<fieldset [^>]*id="decision-narrative-group" '
                     r'aria-describedby="decision-narrative-error"', page)
    assert 'id="decision-narrative-error"' in page


def test_savings_and_close(client, sign_in, neighbourhood, grant):
    sign_in(neighbourhood.users["grant_officer"])
    response = client.post(f"/grants/{grant.id}/savings", data={
        "version": str(grant.version), "action": "", "description": "", "unit_cost_id": ""})
    page = _page(response)
    targets = re.findall(r'<a href="#([^"]+)">', _summary(page))
    assert targets and set(targets) <= set(re.findall(r'\bid="([^"]+)"', page)), targets
    assert_govuk_errors(response, {targets[0]: ""})

    response = client.post(f"/grants/{grant.id}/close", data={
        "version": str(grant.version), "note": "x"})
    page = _page(response)
    assert re.search(r"<title>\s*Error: ", page)
    targets = re.findall(r'<a href="#([^"]+)">', _summary(page))
    assert set(targets) <= set(re.findall(r'\bid="([^"]+)"', page)), targets


def test_programme_form(client, sign_in, neighbourhood):
    sign_in(neighbourhood.users["grant_officer"])
    response = client.post("/programmes/new", data={"name": ""})
    page = _page(response)
    assert response.status_code == 400, response.status_code
    targets = re.findall(r'<a href="#([^"]+)">', _summary(page))
    assert targets and set(targets) <= set(re.findall(r'\bid="([^"]+)"', page)), targets
    assert_govuk_errors(response, {targets[0]: ""})


def test_close_out_underspend_choice(client, sign_in, neighbourhood, grant, clock):
    from pb.grants import tranches
    from tests.grants.helpers import accept_return, submit_return

    officer2 = neighbourhood.users["grant_officer2"]
    for ret in grant.returns:
        clock(ret.period_end)
        submit_return(grant, ret, neighbourhood.users["grantee"], spend_share=0.225)
        accept_return(grant, ret, officer2)
    clock(date(2026, 11, 25))
    for tranche in grant.tranches:
        tranches.release(grant, tranche.id, officer2, paid_on="2026-11-25",
                         reference=f"CEC-{tranche.position}")
    sign_in(officer2)
    response = client.post(f"/grants/{grant.id}/close", data={"note": "All delivered."})
    page = _page(response)
    assert response.status_code == 400
    assert re.search(r"<title>\s*Error: ", page)
    assert '<a href="#underspend">' in _summary(page)
    assert re.search(r'<input type="radio" id="underspend" name="underspend"[^>]*'
                     r'aria-invalid="true"', page)
    assert re.search(r'<fieldset [^>]*id="underspend-group" '
                     r'aria-describedby="underspend-error"', page)
    assert re.search(r'<p class="error-message" id="underspend-error">.*record it as returned',
                     page)
