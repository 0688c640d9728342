"""XSS (G7), static and rendered: no ``|safe`` or ``Markup(`` outside the one sanitiser
module, and a corpus of 160 payloads through names, proposal texts, query parameters and
``next=``, then through event names, file names, monitoring returns' texts and officers'
reasons, rendered by the app, with nothing injected into any page. (The same pages are
loaded in Chromium with the CSP on and off in tests/browser/test_trust_xss.py.)"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

from pb.extensions import db
from pb.proposals.markup import render_markdown
from tests.factories import PASSWORD, make_proposal, make_user
from tests.xss import injected, payloads

ROOT = Path(__file__).resolve().parents[2]
SANITISER = "pb/proposals/markup.py"
# Places allowed to mark text as safe HTML, each with its reason. An entry that no longer
# matches anything fails the test, so the list only ever shrinks.
ALLOWED: dict[str, str] = {
    SANITISER: "the sanitiser: Markup() only around HTML that nh3 has just cleaned",
    "templates/scrutiny/_chart.html": "server-drawn SVG from pb/scrutiny/charts.py, which "
    "escapes every label, title and value (tests/scrutiny/test_charts.py::test_labels_are_escaped)",
    "pb/scrutiny/figures_cache.py": "Markup() only around what templates/scrutiny/_dashboard.html "
    "rendered with autoescaping on, kept so the page does not escape it a second time",
}
UNSAFE = re.compile(r"\|\s*safe\b|\bMarkup\s*\(|autoescape\s+false|\|\s*safe_html_unchecked")


def _marked_safe() -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    files = [*ROOT.joinpath("templates").rglob("*.html"), *ROOT.joinpath("pb").rglob("*.py")]
    for path in files:
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if UNSAFE.search(line):
                found.setdefault(str(path.relative_to(ROOT)), []).append(number)
    return found


def test_nothing_is_marked_safe_outside_the_sanitiser(figure):
    found = _marked_safe()
    outside = {path: lines for path, lines in found.items() if path not in ALLOWED}
    unused = [path for path in ALLOWED if path not in found]
    figure("marked-safe HTML", places=sum(map(len, found.values())), outside_sanitiser=len(
        outside), allow_list=len(ALLOWED), unused_allowances=len(unused))
    assert outside == {}, f"|safe or Markup( outside {SANITISER}: {outside}"
    assert unused == [], f"allow-list entries no longer needed: {unused}"


def _fields(neighbourhood):
    round_ = neighbourhood.rounds["proposals"]
    corpus = payloads()
    people, proposals = [], []
    for number, payload in enumerate(corpus):
        person = make_user(f"xss{number}@example.org", payload[:80])
        people.append(person)
        proposals.append(make_proposal(
            round_, payload[:120], 1_000_00, status="eligible", proposer=person,
            summary=payload[:200], description=payload,
            description_html=render_markdown(payload)))
    db.session.commit()
    return round_, corpus, people, proposals


@pytest.mark.slow
def test_xss_corpus_renders_escaped_everywhere(app, client, neighbourhood, sign_in, figure):
    round_, corpus, people, proposals = _fields(neighbourhood)
    problems: dict[str, list[str]] = {}
    pages = 0

    def check(url: str, shown: list[str], **kwargs):
        nonlocal pages
        response = client.get(url, **kwargs)
        assert response.status_code == 200, (url, response.status_code)
        pages += 1
        found = injected(response.get_data(as_text=True), shown)
        if found:
            problems[url] = found

    browse = f"/rounds/{round_.id}/proposals"
    for page in range(1, len(corpus) // 20 + 2):
        check(f"{browse}?page={page}", [])
    for number, (proposal, payload) in enumerate(zip(proposals, corpus)):
        check(f"/proposals/{proposal.id}", [payload[:120], payload[:200]])
        check(f"{browse}?q={quote(payload)}", [payload[:100]])
        check(f"/account/login?next={quote(payload)}", [payload])
        if number % 5 == 0:  # the htmx fragment is the same template as the page's list
            check(f"{browse}?q={quote(payload)}", [payload[:100]],
                  headers={"HX-Request": "true"})
    for person, payload in zip(people, corpus):
        sign_in(person)
        check("/account/", [payload[:80]])
    fields = ["proposal title", "proposal summary", "proposal description", "proposer name",
              "display name", "search query (page)", "search query (fragment)", "next="]
    figure("XSS corpus (test client)", payloads=len(corpus), fields=len(fields),
           pages_checked=pages, injected=sum(map(len, problems.values())))
    assert len(corpus) >= 150
    assert problems == {}


OPEN_REDIRECTS = ["//evil.example", "https://evil.example", "/\\evil.example",
                  "\\\\evil.example", "javascript:alert(1)", "/%2F%2Fevil.example",
                  " //evil.example", "http:evil.example", "///evil.example", "/\t/evil.example",
                  "data:text/html,<script>alert(1)</script>", "https:/evil.example",
                  "%2F%2Fevil.example", "/\\/evil.example", "//evil.example/%2e%2e"]


def test_next_never_leaves_the_site(app, client, neighbourhood, figure):
    resident = neighbourhood.users["resident"]
    external = []
    for target in OPEN_REDIRECTS:
        client.post("/account/logout")
        response = client.post(f"/account/login?next={quote(target)}",
                               data={"email": resident.email, "password": PASSWORD})
        assert response.status_code == 302
        location = urlsplit(response.headers["Location"])
        if location.netloc not in ("", "pb.test") or location.scheme not in ("", "http"):
            external.append((target, response.headers["Location"]))
    figure("open redirects", variants=len(OPEN_REDIRECTS), external=len(external))
    assert external == []


# The other user-controlled fields: event names, file names, return narratives, reasons ------

RETURN_TEXTS = ("narrative", "public_update", "case_study")


def _chunks(items: list[str], size: int) -> list[list[str]]:
    return [items[start:start + size] for start in range(0, len(items), size)]


def _return_fields(grant) -> list[str]:
    """The free-text fields of a return's form: three texts, a note per KPI and budget
    line, and evidence for each outcome."""
    from pb.grants.returns import outcome_choices

    return ([*RETURN_TEXTS] + [f"kpi-{t.kpi_id}-note" for t in grant.kpi_targets]
            + [f"spend-{line.id}-note" for line in grant.budget_lines]
            + [f"outcome-{code}-evidence" for code in outcome_choices(grant)])


def _write_return(grant, ret, texts: dict[str, str]) -> None:
    """A reviewed return holding ``texts`` as if submitted (written directly: the
    submission's checks, such as receipts for spend, are not what is tested here)."""
    from pb.models.monitoring import ReturnKpiActual, ReturnOutcome, ReturnSpend

    for rows in (ret.kpi_actuals, ret.spend, ret.outcomes):
        rows.clear()
    db.session.flush()
    for name in RETURN_TEXTS:
        setattr(ret, name, texts[name])
    ret.kpi_actuals = [ReturnKpiActual(kpi_id=t.kpi_id, value=1, note=texts[
        f"kpi-{t.kpi_id}-note"][:300]) for t in grant.kpi_targets]
    ret.spend = [ReturnSpend(budget_line_id=line.id, amount_pence=1_00, note=texts[
        f"spend-{line.id}-note"][:300]) for line in grant.budget_lines]
    ret.outcomes = [ReturnOutcome(code=name.split("-")[1], status="claimed", evidence=value)
                    for name, value in texts.items() if name.startswith("outcome-")]
    ret.status = "accepted"
    db.session.commit()


@pytest.mark.slow
def test_xss_corpus_in_events_files_returns_and_reasons(app, client, neighbourhood, sign_in,
                                                        figure, monkeypatch):
    """The 160 payloads as decision-day names, proposal and return file names, every
    free-text field of a monitoring return (as submitted and as a draft in its form), and
    officers' reasons (review decisions, in the audit log and scrutiny's detail)."""
    from werkzeug.datastructures import MultiDict

    from pb.grants import common, evidence, returns
    from pb.proposals import review
    from tests.factories import active_grant, add_document, add_grant_people, make_event
    from tests.grants.helpers import receipt

    corpus = payloads()
    users = neighbourhood.users
    round_ = neighbourhood.rounds["proposals"]
    problems: dict[str, list[str]] = {}
    pages = 0

    def check(url: str, shown: list[str]):
        nonlocal pages
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        pages += 1
        found = injected(response.get_data(as_text=True), shown)
        if found:
            problems[url] = found

    # Event names: every payload names a decision day of one round.
    events = [make_event(round_, users["officer"], payload[:120],
                         staff=[users["event_staff"]] if number % 8 == 0 else ())
              for number, payload in enumerate(corpus)]
    names = [event.name for event in events]
    sign_in(users["officer"])
    check(f"/rounds/{round_.id}/events", names)
    for event in events[::4]:
        check(f"/events/{event.id}", [event.name])
        check(f"/events/{event.id}/edit", [event.name])
    sign_in(users["event_staff"])
    check(f"/rounds/{round_.id}/events", names[::8])

    # File names: 20 PDFs on each of 8 proposals, as their proposer and an officer see them.
    resident = users["resident"]
    proposals = []
    for number, chunk in enumerate(_chunks(corpus, 20)):
        proposal = make_proposal(round_, f"Files {number}", 1_000_00, status="submitted",
                                 proposer=resident)
        proposals.append((proposal, [add_document(proposal, payload).original_name
                                     for payload in chunk]))
    for who in (resident, users["officer"]):
        sign_in(who)
        for proposal, shown in proposals:
            check(f"/proposals/{proposal.id}", shown)
    sign_in(resident)
    for proposal, shown in proposals:
        check(f"/proposals/{proposal.id}/edit", shown)

    # Return narratives: each round of payloads fills one return as submitted and accepted
    # (read by grant officer, grantee and the public) and the next as a draft in its form.
    add_grant_people(neighbourhood)
    monkeypatch.setattr(common, "FIXED_TODAY", date(2025, 11, 20))
    grant = active_grant(neighbourhood, start=date(2025, 11, 1))
    read, draft = grant.returns[0], grant.returns[1]
    fields = _return_fields(grant)
    grantee, officer = users["grantee"], users["grant_officer"]
    for chunk in _chunks(corpus, len(fields) * 2):
        chunk = (chunk * 2)[:len(fields) * 2]  # the last round repeats payloads to fill up
        _write_return(grant, read, dict(zip(fields, chunk)))
        returns.save_draft(grant, draft, grantee, MultiDict(zip(fields, chunk[len(fields):])))
        for who in (grantee, officer):
            sign_in(who)
            check(f"/grants/{grant.id}/returns/{read.id}", chunk[:len(fields)])
            check(f"/grants/{grant.id}/returns/{draft.id}", chunk[len(fields):])
        client.post("/account/logout")
        check(f"/grants/{grant.id}/progress", chunk[:len(fields)])
    # File names of receipts on the draft return.
    line = grant.budget_lines[0]
    for payload in corpus:
        evidence.upload(grant, draft, grantee, receipt(payload), kind="evidence",
                        budget_line_id=line.id)
    files = [document.original_name for document in draft.documents]
    for who in (grantee, officer):
        sign_in(who)
        check(f"/grants/{grant.id}/returns/{draft.id}", files)

    # Reasons: an officer finds each of 160 proposals not eligible, giving a payload as
    # the reason, which the audit log and scrutiny's detail page show.
    reviewed = []
    for number, payload in enumerate(corpus):
        proposal = make_proposal(round_, f"Reviewed {number}", 1_000_00, status="submitted",
                                 proposer=resident)
        review.review(proposal, users["officer"], "ineligible", payload)
        reviewed.append(proposal)
    for who in (users["admin"], users["scrutiny"]):
        sign_in(who)
        check("/scrutiny/detail", corpus)
        for page in range(1, 8):
            check(f"/audit?page={page}", [])
    for proposal, payload in list(zip(reviewed, corpus))[::8]:
        check(f"/proposals/{proposal.id}", [payload])

    fields = ["event name", "proposal file name", "return narrative", "return public update",
              "return case study", "KPI note", "spend note", "outcome evidence",
              "return draft (form)", "return file name", "review reason (audit, scrutiny)"]
    figure("XSS corpus, events, files, returns and reasons (test client)",
           payloads=len(corpus), fields=len(fields), pages_checked=pages,
           injected=sum(map(len, problems.values())))
    assert problems == {}
