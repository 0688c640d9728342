"""XSS corpus in Chromium (G7): the pages showing 160 payloads (proposal titles, summaries,
descriptions, proposer names, search queries, next=), all on one list page and a sample
of detail, search and sign-in pages, are loaded with the CSP on and off; so are, signed in
as someone who may see them, pages showing the payloads as decision-day names, file names,
a monitoring return's texts (read and in its form) and review reasons (audit, scrutiny);
no payload may run. Every payload calls alert(N), so each run is counted as a dialog."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from pb.extensions import db
from pb.models import Round
from pb.proposals.markup import render_markdown
from tests.factories import PASSWORD, make_proposal, make_user
from tests.xss import payloads


def _plant(live_app, round_id: int) -> list[int]:
    with live_app.app_context():
        round_ = db.session.get(Round, round_id)
        ids = []
        for number, payload in enumerate(payloads()):
            person = make_user(f"xss{number}@example.org", payload[:80])
            ids.append(make_proposal(round_, payload[:120], 1_000_00, status="eligible",
                                     proposer=person, summary=payload[:200],
                                     description=payload,
                                     description_html=render_markdown(payload)).id)
        db.session.commit()
        return ids


def _executed(browser, base_url: str, urls: list[str], bypass_csp: bool,
              email: str | None = None) -> tuple[int, list]:
    context = browser.new_context(base_url=base_url, bypass_csp=bypass_csp,
                                  java_script_enabled=True)
    page = context.new_page()
    ran: list[str] = []
    page.on("dialog", lambda dialog: (ran.append(dialog.message), dialog.dismiss()))
    try:
        if email:  # signed in through the real form, as the person who can see the pages
            page.goto("/account/login")
            page.get_by_label("Email address").fill(email)
            page.get_by_label("Password", exact=True).fill(PASSWORD)
            with page.expect_navigation():
                page.get_by_role("button", name="Sign in").click()
            assert "/account/login" not in page.url, page.url
        # A control: a script that is not escaped does run and is counted.
        if bypass_csp:
            page.set_content("<img src=x onerror=alert(0)>")
            page.wait_for_timeout(50)
            assert ran == ["0"], ran
            ran.clear()
        for url in urls:
            response = page.goto(url, wait_until="load")
            assert response is not None and response.status == 200, (url, response)
            page.wait_for_timeout(10)  # ontoggle and autofocus handlers fire just after load
    finally:
        context.close()
    return len(urls), ran


pytestmark = pytest.mark.no_axe


@pytest.mark.slow
def test_no_payload_runs_in_chromium_with_the_csp_on_or_off(live_app, live_server, neighbourhood,
                                                           browser, figure):
    round_id = neighbourhood.rounds["proposals"].id
    ids = _plant(live_app, round_id)
    corpus = payloads()
    browse = f"/rounds/{round_id}/proposals"
    # One list page shows every title, summary and proposer's name; the test-client corpus
    # (tests/trust/test_xss.py) renders every page for every payload, so here a sample of
    # the detail, search and sign-in pages keeps the run short on two cores.
    live_app.config["PAGE_SIZE"] = 200
    urls = [browse]
    urls += [f"/proposals/{proposal_id}" for proposal_id in ids[::4]]
    urls += [f"{browse}?q={quote(payload)}" for payload in corpus[1::8]]
    urls += [f"/account/login?next={quote(payload)}" for payload in corpus[2::8]]
    loaded_on, ran_on = _executed(browser, live_server, urls, bypass_csp=False)
    loaded_off, ran_off = _executed(browser, live_server, urls, bypass_csp=True)
    figure("XSS corpus (Chromium)", payloads=len(corpus), pages=len(urls),
           loads=loaded_on + loaded_off, executed_csp_on=len(ran_on),
           executed_csp_off=len(ran_off))
    assert ran_on == [] and ran_off == []


def _plant_more(live_app, neighbourhood, monkeypatch) -> dict[str, list[str]]:
    """Every payload as a decision-day name, a proposal's file name, a return's file name
    and a review reason; the first ones in a read and a draft return. The URLs that show
    them, by who may see them."""
    from datetime import date

    from werkzeug.datastructures import MultiDict

    from pb.grants import common, evidence, returns
    from pb.models import User
    from pb.proposals import review
    from tests.factories import active_grant, add_document, add_grant_people, make_event
    from tests.grants.helpers import receipt
    from tests.trust.test_xss import _return_fields, _write_return

    corpus = payloads()
    emails = {role: user.email for role, user in neighbourhood.users.items()}
    with live_app.app_context():
        users = {role: db.session.scalar(db.select(User).filter_by(email=email))
                 for role, email in emails.items()}
        round_ = db.session.get(Round, neighbourhood.rounds["proposals"].id)
        for payload in corpus:
            make_event(round_, users["officer"], payload[:120])
        files = make_proposal(round_, "Files", 1_000_00, status="submitted",
                              proposer=users["resident"])
        for payload in corpus:
            add_document(files, payload)
        add_grant_people(neighbourhood)
        monkeypatch.setattr(common, "FIXED_TODAY", date(2025, 11, 20))
        grant = active_grant(neighbourhood, start=date(2025, 11, 1))
        read, draft = grant.returns[0], grant.returns[1]
        fields = _return_fields(grant)
        _write_return(grant, read, dict(zip(fields, corpus)))
        returns.save_draft(grant, draft, users["grantee"],
                           MultiDict(zip(fields, corpus[len(fields):])))
        for payload in corpus:
            evidence.upload(grant, draft, users["grantee"], receipt(payload),
                            kind="evidence", budget_line_id=grant.budget_lines[0].id)
        # Last, so that the newest pages of the audit log hold these reasons.
        reviewed = []
        for number, payload in enumerate(corpus):
            proposal = make_proposal(round_, f"Reviewed {number}", 1_000_00,
                                     status="submitted", proposer=users["resident"])
            review.review(proposal, users["officer"], "ineligible", payload)
            reviewed.append(proposal.id)
        db.session.commit()
        return {
            emails["officer"]: [f"/rounds/{round_.id}/events", f"/proposals/{files.id}"],
            emails["grantee"]: [f"/grants/{grant.id}/returns/{read.id}",
                                f"/grants/{grant.id}/returns/{draft.id}"],
            emails["admin"]: ["/scrutiny/detail", "/audit", "/audit?page=2", "/audit?page=3",
                              "/audit?page=4"],
            emails["resident"]: [f"/proposals/{files.id}/edit"]
            + [f"/proposals/{proposal_id}" for proposal_id in reviewed[::16]],
        }


@pytest.mark.slow
def test_no_payload_in_events_files_returns_or_reasons_runs(live_app, live_server,
                                                            neighbourhood, browser, figure,
                                                            monkeypatch):
    by_person = _plant_more(live_app, neighbourhood, monkeypatch)
    loads, ran_on, ran_off = 0, [], []
    for email, urls in by_person.items():
        loaded, ran = _executed(browser, live_server, urls, bypass_csp=False, email=email)
        loads, ran_on = loads + loaded, ran_on + ran
        loaded, ran = _executed(browser, live_server, urls, bypass_csp=True, email=email)
        loads, ran_off = loads + loaded, ran_off + ran
    figure("XSS corpus, events, files, returns and reasons (Chromium)",
           payloads=len(payloads()), pages=sum(map(len, by_person.values())), loads=loads,
           executed_csp_on=len(ran_on), executed_csp_off=len(ran_off))
    assert ran_on == [] and ran_off == []
