"""XSS (G7), static and rendered: no ``|safe`` or ``Markup(`` outside the one sanitiser
module, and a corpus of 160 payloads through names, proposal texts, query parameters and
``next=``, rendered by the app, with nothing injected into any page. (The same pages are
loaded in Chromium with the CSP on and off in tests/browser/test_trust_xss.py.)"""

from __future__ import annotations

import re
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
