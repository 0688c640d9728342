"""Personal-data canaries (G6): unique strings planted in a resident's email, postcode and
date of birth, in a draft proposal and a proposal of an unpublished round, in a draft and
a submitted monitoring return, in the details given at a decision-day check-in and in
equality answers. Every GET route of the URL map (with its arguments filled from the
world), the API lists as CSV and a few htmx fragments are then crawled as each of 11
principals, and each canary may be found only where the ``ALLOWED`` table says. Sort and
filter parameters naming personal columns are ignored or refused, never obeyed, and the
published equality tables never give away one attendee's answers."""

from __future__ import annotations

import itertools
import re
from datetime import date
from urllib.parse import quote

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from pb.extensions import db
from tests.factories import (
    BUDGET_LINES,
    active_grant,
    add_document,
    add_grant_people,
    check_in_person,
    date_boxes,
    make_event,
    proposal_form,
    proposal_with_lines,
)

PRINCIPALS = ("anonymous", "resident", "resident2", "officer", "other_officer", "event_staff",
              "scrutiny", "grant_officer", "grantee", "other_grantee", "admin")

EMAIL = "canary-email-7f3a@example.org"
POSTCODE = "SK11 9ZQ"  # a real format (outward SK11, inward 9ZQ), in no test data but this
BORN = date(1931, 3, 17)
DRAFT_PROPOSAL = "Bollington canary-draft-5e21 lunch club"
HIDDEN_ROUND_PROPOSAL = "Winter canary-hidden-9c40 warm space"
DRAFT_RETURN = "canary-return-draft-3f88: we met eleven carers in the library"
SUBMITTED_RETURN = "canary-return-sent-71c0: twelve sessions at the community centre"
CHECKIN_NAME = "Zenobiaqx"
CHECKIN_POSTCODE = "SK10 1ZX"
CHECKIN_BORN = date(1929, 11, 23)
# One attendee's equality answers: a combination no one else gave (a Roma man over 75).
EQUALITY = {"age_band": "75-plus", "sex": "male", "gender_same_as_birth": "no",
            "ethnicity": "white-roma", "disability": "yes-a-lot"}


def _date_patterns(when: date) -> list[str]:
    """Every way a page could write the date: ISO, UK, long and short month, and the
    year box of a three-box date input."""
    return [re.escape(p) for p in (
        when.isoformat(), when.strftime("%d/%m/%Y"), f"{when.day} {when:%B %Y}",
        f"{when:%d %B %Y}", f"{when.day} {when:%b %Y}")] + [f'value="{when.year}"']


# Canary -> the patterns (regular expressions, case-insensitive) that find it.
CANARIES = {
    "email": [re.escape(EMAIL.split("@")[0])],
    "postcode": [re.escape(POSTCODE), re.escape(POSTCODE.replace(" ", ""))],
    "date_of_birth": _date_patterns(BORN),
    "draft_proposal": ["canary-draft-5e21"],
    "hidden_round_proposal": ["canary-hidden-9c40"],
    "draft_return": ["canary-return-draft-3f88"],
    "submitted_return": ["canary-return-sent-71c0"],
    "check_in_name": [CHECKIN_NAME],
    "check_in_postcode": [re.escape(CHECKIN_POSTCODE), re.escape(CHECKIN_POSTCODE.replace(
        " ", ""))],
    "check_in_born": _date_patterns(CHECKIN_BORN),
    # The answers' row id (set in the test): an individual answer set is never shown.
    "equality_row": [],
}
FOUND = {name: re.compile("|".join(patterns), re.IGNORECASE)
         for name, patterns in CANARIES.items() if patterns}

OWN_DATA = {"auth.account", "privacy.your_data", "privacy.download"}
OFFICERS = {"officer", "admin"}
PROPOSAL_PAGES = {"proposals.detail", "proposals.edit", "proposals.withdraw",
                  "proposals.merge", "proposals.mine", "proposals.review_list",
                  "proposals.browse"}
# canary -> principal -> endpoints where it may appear (everywhere else is a leak).
ALLOWED: dict[str, dict[str, set[str]]] = {
    # Admins see residents' addresses in the people list and the audit log (actors);
    # scrutiny's audit log hides them (pb.opendata.audit_trail, show_residents).
    "email": {"resident": OWN_DATA, "admin": {"admin.people", "main.audit_log",
                                              "main.audit_csv"}},
    # The ballot page says which postcode the vote is checked against.
    "postcode": {"resident": OWN_DATA | {"voting.vote"}},
    "date_of_birth": {"resident": OWN_DATA},
    # A draft: its proposer, and the officers of the round's partnership (and admins).
    # Admins also in the audit log (scrutiny's names no draft: audit_trail.describe).
    "draft_proposal": {"resident": PROPOSAL_PAGES | OWN_DATA, "officer": PROPOSAL_PAGES,
                       "admin": PROPOSAL_PAGES | {"main.audit_log", "main.audit_csv"}},
    # A submitted proposal of an unpublished round: proposer, the partnership's officers,
    # scrutiny and admins.
    "hidden_round_proposal": dict.fromkeys(("resident", "scrutiny", *OFFICERS),
                                           PROPOSAL_PAGES | OWN_DATA),
    # A draft return: its grantee, and admins, who may report for any organisation
    # (policy.can_report_for); never the grant officer until it is submitted.
    "draft_return": {who: {"grants.monitoring_return"} for who in ("grantee", "admin")},
    # Submitted: also the grant officers and scrutiny (policy.can_view_grant), read-only.
    "submitted_return": {who: {"grants.monitoring_return"}
                         for who in ("grantee", "grant_officer", "scrutiny", "admin")},
    # A check-in keeps no name, postcode or date of birth: nowhere, for anyone.
    "check_in_name": {}, "check_in_postcode": {}, "check_in_born": {}, "equality_row": {},
}


# The world ----------------------------------------------------------------------------------

def _through_the_forms(client, sign_in, neighbourhood) -> None:
    """The resident sets postcode and birthday on their profile and saves a draft through
    the proposal form, so the audit log holds entries by and about them."""
    resident = neighbourhood.users["resident"]
    sign_in(resident)
    response = client.post("/account/profile", data={
        "display_name": "Maureen", "postcode": POSTCODE, **date_boxes(BORN)})
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:300]
    round_ = neighbourhood.rounds["proposals"]
    response = client.post(f"/rounds/{round_.id}/proposals/new", data=proposal_form(
        neighbourhood, title=f"{DRAFT_PROPOSAL} (second)", action="save",
        summary=f"{DRAFT_PROPOSAL}, Thursdays.", description=f"{DRAFT_PROPOSAL}, again."))
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:300]
    client.post("/account/logout")


def _plant(client, sign_in, neighbourhood, monkeypatch) -> dict:
    from pb.grants import common, returns
    from pb.models import EqualityResponse

    users = neighbourhood.users
    add_grant_people(neighbourhood)
    resident = users["resident"]
    resident.email = EMAIL
    db.session.commit()
    _through_the_forms(client, sign_in, neighbourhood)
    rounds = neighbourhood.rounds
    tytherington = [neighbourhood.wards["Macclesfield Tytherington"]]
    draft = proposal_with_lines(rounds["proposals"], DRAFT_PROPOSAL, BUDGET_LINES,
                                status="draft", proposer=resident, wards=tytherington,
                                summary=f"{DRAFT_PROPOSAL}, Tuesdays.",
                                description=f"{DRAFT_PROPOSAL}: soup and company.")
    hidden = proposal_with_lines(rounds["draft"], HIDDEN_ROUND_PROPOSAL, BUDGET_LINES,
                                 proposer=resident, description=f"{HIDDEN_ROUND_PROPOSAL}.")
    public = proposal_with_lines(rounds["proposals"], "Tytherington Walking Netball",
                                 BUDGET_LINES, proposer=users["resident2"], wards=tytherington)
    add_document(draft)
    add_document(public)

    monkeypatch.setattr(common, "FIXED_TODAY", date(2025, 11, 20))
    grant = active_grant(neighbourhood, start=date(2025, 11, 1))
    sent, drafted = grant.returns[0], grant.returns[1]
    sent.narrative, sent.status = SUBMITTED_RETURN, "submitted"
    db.session.commit()
    returns.save_draft(grant, drafted, users["grantee"], MultiDict({"narrative": DRAFT_RETURN}))
    db.session.commit()

    event = make_event(rounds["voting"], users["officer"], staff=[users["event_staff"]])
    check_in_person(event, users["event_staff"], first_name=CHECKIN_NAME,
                    postcode=CHECKIN_POSTCODE, age_band="75-plus", born=CHECKIN_BORN,
                    equality=dict(EQUALITY))
    check_in_person(event, users["event_staff"], first_name="Maureen", age_band="65-74")
    row = db.session.scalars(select(EqualityResponse).where(
        EqualityResponse.ethnicity == "white-roma")).one()
    return {"grant": grant, "event": event, "proposals": [draft, hidden, public],
            "equality_row": row.id}


def _values(neighbourhood, world) -> dict[str, list]:
    """Values for each URL argument: the objects holding canaries, and others."""
    from pb.admin.phases import PHASES
    from pb.models import (
        Grant,
        GrantDocument,
        PaperBallot,
        Programme,
        Proposal,
        ProposalDocument,
        Round,
        VotingCodeBatch,
    )
    from pb.models.equality import QUESTIONS
    from pb.models.monitoring import MonitoringReturn
    from pb.scrutiny.dashboard import CHARTS

    def ids(model):
        return list(db.session.scalars(select(model.id).order_by(model.id))) or [1]

    return {
        "round_id": ids(Round), "proposal_id": ids(Proposal), "grant_id": ids(Grant),
        "return_id": ids(MonitoringReturn), "event_id": [world["event"].id],
        "batch_id": ids(VotingCodeBatch), "paper_id": ids(PaperBallot),
        "document_id": sorted({*ids(ProposalDocument), *ids(GrantDocument)}),
        "programme_id": ids(Programme), "area_id": [neighbourhood.area.id],
        "item_id": [1, 2], "kind": ["partnerships", "themes", "organisations"],
        "slug": ["privacy", "contact"], "key": list(PHASES)[:2], "field": list(QUESTIONS),
        "name": list(CHARTS), "job_id": ["0" * 32], "token": ["not-a-token"],
        "code": ["en", "cy"],
    }


def _urls(app, values) -> list[tuple[str, str]]:
    """(endpoint, url) for every GET rule, each argument taking each of its values; the
    API lists also as CSV."""
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        names = sorted(rule.arguments)
        for combo in itertools.product(*(values[name] for name in names)):
            path = rule.build(dict(zip(names, combo)), append_unknown=False)[1]
            urls.append((rule.endpoint, path))
            if path.startswith("/api/v1/") and not path.endswith((".pb", ".json", ".csv")):
                urls.append((rule.endpoint, f"{path}?format=csv"))
    return urls


# The crawl ----------------------------------------------------------------------------------

def _kind(url: str, content_type: str) -> str:
    if url.startswith("/api/"):
        return "api"
    if "html" in content_type:
        return "page"
    return "export"


def _crawl(client, sign_in, users, urls, world) -> tuple[dict, dict]:
    equality_row = re.compile(re.escape(world["equality_row"]), re.IGNORECASE)
    found: dict[tuple[str, str, str], str] = {}
    counts: dict[str, dict[str, int]] = {}
    binary: set[str] = set()
    for who in PRINCIPALS:
        if who == "anonymous":
            client.post("/account/logout")
        else:
            sign_in(users[who])
        tally = counts.setdefault(who, {"page": 0, "export": 0, "api": 0, "fragment": 0})
        for endpoint, url in urls:
            response = client.get(url)
            assert response.status_code < 500, (who, url, response.status_code)
            # Raw bytes, as text where they are text: PDFs and .pb files are searched as
            # bytes (pb writes no compressed PDF streams of personal data).
            body = response.get_data().decode("utf-8", errors="replace")
            tally[_kind(url, response.content_type or "")] += 1
            if not re.search(r"text/|json|csv", response.content_type or ""):
                binary.add(f"{url} ({response.content_type})")
            for name, pattern in [*FOUND.items(), ("equality_row", equality_row)]:
                if pattern.search(body):
                    found[(who, endpoint, name)] = url
        # The htmx fragments: the same lists, narrower templates.
        for url in world["fragments"]:
            response = client.get(url, headers={"HX-Request": "true"})
            assert response.status_code < 500, (who, url)
            tally["fragment"] += 1
            body = response.get_data(as_text=True)
            for name, pattern in FOUND.items():
                if pattern.search(body):
                    found[(who, url.split("?")[0] + " (htmx)", name)] = url
    print("binary responses (raw bytes searched): " + ", ".join(sorted(binary)))
    return found, counts


@pytest.mark.slow
def test_personal_data_canaries_appear_only_where_allowed(app, client, neighbourhood, sign_in,
                                                          figure, monkeypatch):
    world = _plant(client, sign_in, neighbourhood, monkeypatch)
    round_ = neighbourhood.rounds["proposals"]
    world["fragments"] = [f"/rounds/{round_.id}/proposals", f"/rounds/{round_.id}/proposals?q="
                          + quote("canary"), f"/rounds/{round_.id}/proposals/review"]
    urls = _urls(app, _values(neighbourhood, world))
    # The audit log also with sign-ins (which hold typed addresses) and as one person's.
    resident_id = neighbourhood.users["resident"].id
    urls += [("main.audit_log", "/audit?sign_ins=1"), ("main.audit_csv", "/audit.csv?sign_ins=1"),
             ("main.audit_log", "/audit?action=account"),
             ("main.audit_log", f"/audit?person={resident_id}"),
             ("main.audit_csv", f"/audit.csv?person={resident_id}&sign_ins=1")]
    found, counts = _crawl(client, sign_in, neighbourhood.users, urls, world)

    leaks = sorted(f"{who} {url} {name}" for (who, endpoint, name), url in found.items()
                   if endpoint not in ALLOWED[name].get(who, set()))
    planted = len(CANARIES)
    per = {who: "/".join(str(c[k]) for k in ("page", "export", "api", "fragment"))
           for who, c in counts.items()}
    figure("personal-data canaries", canaries=planted, principals=len(PRINCIPALS),
           routes=len({e for e, _ in urls}), urls=len(urls),
           requests=sum(sum(c.values()) for c in counts.values()),
           found_where_allowed=len(found) - len(leaks), out_of_place=len(leaks))
    print("pages/exports/APIs/fragments per principal: " + ", ".join(
        f"{who}={n}" for who, n in per.items()))
    # The search works: each owner finds their own data where it belongs.
    for expected in [("resident", "auth.account", "email"),
                     ("resident", "privacy.download", "postcode"),
                     ("resident", "privacy.download", "date_of_birth"),
                     ("resident", "proposals.detail", "draft_proposal"),
                     ("officer", "proposals.detail", "draft_proposal"),
                     ("grantee", "grants.monitoring_return", "draft_return"),
                     ("grant_officer", "grants.monitoring_return", "submitted_return")]:
        assert expected in found, expected
    assert leaks == [], "\n".join(leaks)


# Sort and filter parameters naming personal columns --------------------------------------

COLUMNS = ("password_hash", "email", "date_of_birth", "postcode")


def _fuzzed(column: str) -> list[dict[str, str]]:
    return [{"sort": column}, {"sort": f"-{column}"}, {"order_by": column},
            {"order": column}, {"sort_by": column, "dir": "desc"},
            {column: EMAIL if column == "email" else POSTCODE},
            {"filter": f"{column}:{EMAIL}"}, {"q": EMAIL}, {"q": POSTCODE}]


def _normalised(body: str, params: dict[str, str]) -> str:
    """The body without what may echo the parameters: query strings of links, the
    values themselves (raw, escaped, URL-encoded) and per-request nonces."""
    body = re.sub(r'nonce="[^"]*"|[\w-]{20,}\.[\w-]{6}\.[\w-]{20,}', "", body)  # CSRF tokens
    body = re.sub(r"\?[^\"'\s<>]*", "", body)
    for value in params.values():
        if value.lstrip("-") in COLUMNS or value == "desc":
            continue  # words that the page has anyway ("Email", "desc")
        for form in {value, quote(value), quote(value, safe=""), value.replace("@", "&#64;")}:
            body = body.replace(form, "")
    return body


@pytest.mark.slow
def test_sort_and_filter_by_personal_columns_are_ignored(app, client, neighbourhood, sign_in,
                                                         figure, monkeypatch):
    world = _plant(client, sign_in, neighbourhood, monkeypatch)
    round_ = neighbourhood.rounds["proposals"]
    lists = [("anonymous", f"/rounds/{round_.id}/proposals"),
             ("anonymous", "/api/v1/proposals"), ("anonymous", "/api/v1/rounds"),
             ("anonymous", f"/api/v1/rounds/{round_.id}/proposals"),
             ("anonymous", "/api/v1/grants"), ("anonymous", "/api/v1/events"),
             ("officer", f"/rounds/{round_.id}/proposals/review"),
             ("grant_officer", "/grants/all"), ("admin", "/admin/people"),
             ("admin", "/audit"), ("scrutiny", "/audit"), ("scrutiny", "/audit.csv")]
    obeyed, tried = [], 0
    for who, url in lists:
        if who == "anonymous":
            client.post("/account/logout")
        else:
            sign_in(neighbourhood.users[who])
        client.get(url)  # takes any flashed message ("You have signed out.")
        baseline = client.get(url)
        assert baseline.status_code == 200, (who, url)
        for column in COLUMNS:
            for params in _fuzzed(column):
                tried += 1
                response = client.get(url, query_string=params)
                if response.status_code == 400:
                    continue
                assert response.status_code == 200, (who, url, params, response.status_code)
                if "q" in params:  # a search: compare with a search that finds nothing
                    if url == "/admin/people":
                        continue  # admins find people by name or email, on purpose
                    base = client.get(url, query_string={"q": "zz-nothing-matches"})
                    reference = _normalised(base.get_data(as_text=True),
                                            {"q": "zz-nothing-matches", "searched": params["q"]})
                else:
                    reference = _normalised(baseline.get_data(as_text=True), params)
                if _normalised(response.get_data(as_text=True), params) != reference:
                    obeyed.append((who, url, params))

    # The comparison sees a real change: a second page of one is not the first page.
    client.post("/account/logout")
    assert _normalised(client.get("/api/v1/rounds?per_page=1&page=2").get_data(
        as_text=True), {}) != _normalised(client.get("/api/v1/rounds").get_data(as_text=True), {})
    figure("personal columns as sort/filter parameters", lists=len(lists), requests=tried,
           obeyed=len(obeyed))
    assert obeyed == [], "\n".join(map(str, obeyed))
    assert world["equality_row"]


# Equality answers: only counts, and never one person's ---------------------------------------

# The canary attendee's answers, as the published tables label them.
EQUALITY_LABELS = {"age_band": "75 or over", "sex": "Male", "gender_same_as_birth": "No",
                   "ethnicity": "White", "disability": "Yes, limited a lot"}
ATTENDEES = "Decision-day attendees"


def _other_attendees(round_, ward) -> int:
    """Twenty-two other attendees' answers, so that the tables have counts to publish and
    suppression has work to do (one person alone in a cell must not be given away by the
    total either)."""
    from pb.models import EqualityResponse

    answers = [("65-74", "female", "yes", "white-british", "no")] * 12 + \
        [("25-34", "female", "yes", "white-british", "no")] * 6 + \
        [("45-54", "female", "yes", "asian-indian", "yes-a-little")] * 4
    for age, sex, same, ethnicity, disability in answers:
        db.session.add(EqualityResponse(
            context="attendee", round_id=round_.id, ward_id=ward.id, age_band=age, sex=sex,
            gender_same_as_birth=same, ethnicity=ethnicity, disability=disability,
            recorded_on=date.today()))
    db.session.commit()
    return len(answers)


def _exact(cell: str) -> bool:
    return cell.strip().isdigit()


def test_one_attendees_equality_answers_are_never_published(app, client, neighbourhood,
                                                            sign_in, figure, monkeypatch):
    import csv
    import io

    from pb.models.equality import QUESTIONS

    world = _plant(client, sign_in, neighbourhood, monkeypatch)
    round_ = neighbourhood.rounds["voting"]
    others = _other_attendees(round_, neighbourhood.wards["Macclesfield Central"])
    revealed, tables = [], 0
    for who in ("anonymous", "scrutiny", "admin"):
        if who == "anonymous":
            client.post("/account/logout")
        else:
            sign_in(neighbourhood.users[who])
        for field, query in itertools.product(QUESTIONS, ("", f"?round={round_.id}")):
            response = client.get(f"/scrutiny/equality/{field}.csv{query}")
            assert response.status_code == 200, (who, field, query)
            tables += 1
            rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
            column = rows[0].index(ATTENDEES)
            cells = {row[0]: row[column] for row in rows[1:]}
            total = cells.pop("Total", "")
            hidden = [label for label, cell in cells.items() if not _exact(cell)]
            small = [label for label, cell in cells.items() if _exact(cell)
                     and 0 < int(cell) < 5]
            # No small count is given (the canary's cell holds 1 in the age, sex and
            # disability tables), nor one hidden cell left to subtract from the total.
            mine = cells[EQUALITY_LABELS[field]]
            if small or (_exact(total) and len(hidden) == 1) or mine.strip() == "1":
                revealed.append((who, field, query, cells, total))
        report = client.get(f"/events/{world['event'].id}/report.csv")
        if report.status_code == 200:
            tables += 1
            if "75 or over,1" in report.get_data(as_text=True):
                revealed.append((who, "event report", "", "75 or over", 1))
    figure("equality answers of one attendee", other_answers=others, tables_read=tables,
           revealed=len(revealed))
    assert revealed == [], revealed
