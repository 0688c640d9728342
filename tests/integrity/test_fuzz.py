"""Hostile input gets a 4xx, never a 500, on every route, as every role (issue 8, item 6).

For every rule in ``app.url_map`` (one test each), as each of ten principals (signed
out, two residents, an officer, an officer of another partnership, event staff,
scrutiny, a grant officer, a grantee, an administrator), the test sends:

* every path integer as a real id and as overflowing, negative, zero, non-numeric and
  very long values (and every path string as hostile text);
* every query parameter the page uses, and the usual ones (``page``, ``q``, ``sort``,
  ``next``...), all set to each hostile value at once and (for the first principal
  who can open the page) one at a time;
* for each form that posts to the rule (found by crawling every page as that
  principal), every field hostile at once, and (for the first principal shown that
  form) every field set to each hostile value while the others keep the form's own
  values.

Hostile values: overflowing (2**31, 10**20), negative, zero, non-numeric, very long,
control characters (NUL, escape sequences, CR/LF) and bytes that are not UTF-8. A
single 500 fails the rule's test, naming the request. The counts are printed at the
end of the run (see ``pytest_terminal_summary`` in this package's conftest).

Known 500s in areas this package does not own are listed in ``KNOWN`` and marked
``xfail(strict=True)`` with the reason, so fixing them turns the test red until the
mark is removed.
"""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

import pytest
from werkzeug.routing import IntegerConverter

from pb import create_app
from pb.extensions import db
from pb.models import VotingCodeBatch
from tests.conftest import TEST_CONFIG
from tests.factories import (
    PASSWORD,
    build_neighbourhood,
    cast_for,
    close_voting,
    make_ballot_round,
    make_codes,
    make_proposal,
    make_voter,
)

HOSTILE: dict[str, list] = {
    "overflowing": ["99999999999999999999", "2147483648"],
    "negative": ["-1"],
    "zero": ["0"],
    "non-numeric": ["1e400abc"],
    "very long": ["9" * 5000 + "x" * 15000],
    "control characters": ["\x00", "\x01\x1b[2J\x7f\r\n\t\u202e"],
    "not UTF-8": [b"\xff\xfe\xc3\x28"],
}
VALUES = [(kind, value) for kind, values in HOSTILE.items() for value in values]
PATH_VALUES = ["0", "2147483648", "99999999999999999999", "-1", "abc", "%FF%FE", "9" * 300]
COMMON_PARAMS = ("page", "q", "sort", "status", "theme", "ward", "next", "receipt",
                 "other_ward", "action", "email")
ROLES = ("anonymous", "resident", "resident2", "officer", "other_officer", "event_staff",
         "scrutiny", "grant_officer", "grantee", "admin")

# Rules with a known 500 in an area this branch does not own: {rule: reason}.
KNOWN: dict[str, str] = {}

COUNTS: Counter = Counter()  # read by tests/integrity/conftest.py at the end of the run


def _rules():
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    rules = sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, sorted(r.methods)))
    return [(r.rule, r.endpoint) for r in rules]


RULES = _rules()


def _param(rule: str, endpoint: str):
    marks = [pytest.mark.xfail(strict=True, reason=KNOWN[rule])] if rule in KNOWN else []
    return pytest.param(rule, endpoint, id=rule, marks=marks)


# The world the requests land in ------------------------------------------------------

def _world() -> dict:
    """A neighbourhood with a vote open, codes made, a closed and counted round, proposals."""
    from pb.results import services as results

    hood = build_neighbourhood()
    voting, _projects = make_ballot_round(hood, name="Macclesfield Community Health Vote 2026")
    make_codes(voting, hood.users["officer"], 3)
    closed, projects = make_ballot_round(hood, name="Macclesfield Wellbeing Vote 2025")
    for n, chosen in enumerate([[0, 1], [1, 2], [2]]):
        cast_for(closed, make_voter(n), {projects[i].id: 1 for i in chosen})
    close_voting(closed)
    results.tally(closed, hood.users["officer"])
    submitted = make_proposal(hood.rounds["proposals"], "Tytherington walking football",
                              1_200_00, status="submitted", proposer=hood.users["resident"])
    draft = make_proposal(hood.rounds["proposals"], "Hurdsfield repair café", 800_00,
                          status="draft", proposer=hood.users["resident"])
    db.session.commit()
    assignment = next(a for a in hood.users["grantee"].roles if a.organisation_id)
    return {
        "users": {role: hood.users[role].email for role in ROLES if role != "anonymous"},
        "ids": {
            "round_id": [voting.id, hood.rounds["proposals"].id, closed.id,
                         hood.rounds["draft"].id],
            "proposal_id": [submitted.id, draft.id, projects[0].id],
            "batch_id": [db.session.scalar(db.select(VotingCodeBatch.id))],
            "area_id": [hood.area.id],
            "item_id": [hood.partnership.id],
            "assignment_id": [assignment.id],
            "document_id": [1],
        },
        "strings": {"kind": ["partnerships", "themes", "organisations"],
                    "token": ["not-a-token"], "filename": ["pb.css"],
                    "slug": ["accessibility", "contact", "cookies", "terms", "privacy"]},
    }


def _paths(rule, world: dict) -> list[tuple[str, str]]:
    """(kind, path) for the rule: real ids and strings first, then hostile ones."""
    arguments = list(rule.arguments)
    real = {}
    for name in arguments:
        real[name] = (world["ids"].get(name) or world["strings"].get(name) or ["1"])
    paths = []
    for index in range(max(len(v) for v in real.values()) if arguments else 1):
        values = {n: str(real[n][min(index, len(real[n]) - 1)]) for n in arguments}
        paths.append(("real", _build(rule.rule, values)))
    for name in arguments:
        numeric = isinstance(rule._converters[name], IntegerConverter)  # noqa: SLF001
        for value in PATH_VALUES if numeric else PATH_VALUES + ["\x00", "a" * 3000]:
            values = {n: str(real[n][0]) for n in arguments}
            values[name] = value
            paths.append((f"path {name}", _build(rule.rule, values)))
    return paths


def _build(template: str, values: dict) -> str:
    import re
    from urllib.parse import quote

    def fill(match):
        name = match.group(1).split(":")[-1]
        value = values[name]
        return value if value.startswith("%") else quote(value, safe="")

    return re.sub(r"<([^>]+)>", fill, template)


# Finding the forms ---------------------------------------------------------------------

class _Forms(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self.links: list[str] = []
        self._form = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag == "form":
            self._form = {"action": attrs.get("action") or "", "method":
                          (attrs.get("method") or "get").lower(), "fields": []}
            self.forms.append(self._form)
        elif self._form is None or not attrs.get("name"):
            if tag == "option" and self._select is not None and self._select[1] is None:
                self._select[1] = attrs.get("value", "")
            return
        elif tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            self._form["fields"].append((attrs["name"], attrs.get("value") or
                                         ("y" if kind == "checkbox" else "")))
        elif tag == "textarea":
            self._form["fields"].append((attrs["name"], ""))
        elif tag == "select":
            self._select = [attrs["name"], None]

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None and self._form is not None:
            self._form["fields"].append((self._select[0], self._select[1] or ""))
            self._select = None


FOUND: dict[str, dict] = {}  # role -> {"forms": {(endpoint): [fields]}, "params": {...}}


def _discover(app, client, role: str, world: dict) -> dict:
    """Every form and query parameter on every page this principal can open."""
    if role in FOUND:
        return FOUND[role]
    adapter = app.url_map.bind("pb.test")
    forms: dict[str, list[list]] = {}
    params: dict[str, set] = {}
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        for kind, path in _paths(rule, world):
            if kind != "real":
                continue
            response = client.get(path)
            if response.status_code != 200 or "html" not in response.content_type:
                continue
            parser = _Forms()
            parser.feed(response.get_data(as_text=True))
            for form in parser.forms:
                target = urlsplit(form["action"]).path or path
                try:
                    endpoint, _args = adapter.match(target, method=form["method"].upper())
                except Exception:  # noqa: BLE001 - a form to elsewhere
                    continue
                if form["method"] == "post":
                    forms.setdefault(endpoint, []).append(form["fields"])
                else:
                    params.setdefault(endpoint, set()).update(n for n, _v in form["fields"])
            for link in parser.links:
                parts = urlsplit(link)
                if parts.query:
                    try:
                        endpoint, _args = adapter.match(parts.path, method="GET")
                    except Exception:  # noqa: BLE001
                        continue
                    params.setdefault(endpoint, set()).update(
                        pair.split("=", 1)[0] for pair in parts.query.split("&"))
    FOUND[role] = {"forms": forms, "params": params}
    return FOUND[role]


# Sending -------------------------------------------------------------------------------

def _encode(pairs) -> bytes:
    return urlencode(pairs, doseq=True).encode("ascii")


class Run:
    """Sends requests as one principal and keeps the counts and any 500."""

    def __init__(self, client, rule: str, role: str):
        self.client, self.rule, self.role = client, rule, role
        self.failures: list[str] = []

    def send(self, method: str, path: str, kind: str, query=None, form=None,
             target: str = "") -> int:
        kwargs = {}
        if query is not None:
            kwargs["query_string"] = _encode(query).decode("ascii")
        if form is not None:
            kwargs["data"] = _encode(form)
            kwargs["content_type"] = "application/x-www-form-urlencoded"
        response = self.client.open(path, method=method, **kwargs)
        status = response.status_code
        COUNTS["requests"] += 1
        COUNTS[f"status {status // 100}xx"] += 1
        COUNTS[f"value: {kind}"] += 1
        COUNTS[f"role: {self.role}"] += 1
        if status >= 500:
            COUNTS["500s"] += 1
            self.failures.append(f"{self.role}: {method} {path} [{kind} in "
                                 f"{target or 'every field'}] query={_short(query)} "
                                 f"form={_short(form)} -> {status}")
        return status


def _short(pairs) -> str:
    if pairs is None:
        return "-"
    return repr([(k, (v[:20] + b"..." if isinstance(v, bytes) else v[:20] + "...")
                  if len(v) > 20 else v) for k, v in pairs])[:300]


def _mixed(names) -> list[list[tuple]]:
    """Two requests that between them put every hostile value in every name: for a
    principal refused before any parameter is read, this is all there is to try."""
    step = max(1, len(VALUES) // 2)
    return [[(name, VALUES[(i + shift) % len(VALUES)][1]) for i, name in enumerate(names)]
            for shift in range(0, len(VALUES), step)]


def _fuzz_get(run: Run, paths, params: set, thorough: bool) -> bool:
    """Path variants; then each hostile value in every parameter at once and, for the
    first principal who can open the page (``thorough``), in each parameter alone."""
    statuses = {path: run.send("GET", path, kind) for kind, path in paths}
    real = [p for k, p in paths if k == "real"][0]
    names = sorted(set(COMMON_PARAMS) | params)
    if statuses[real] in (302, 403, 404, 405, 410):  # refused before any parameter
        for query in _mixed(names):
            run.send("GET", real, "mixed", query=query)
        return False
    for kind, value in VALUES:
        run.send("GET", real, kind, query=[(name, value) for name in names])
        if thorough:
            for name in names:
                run.send("GET", real, kind, query=[(name, value)], target=name)
    return statuses[real] == 200


def _fuzz_post(run: Run, paths, forms: list[list], seen: set) -> None:
    """Path variants; then each hostile value in every field of each form this principal
    was shown at once and, for the first principal shown a form with those fields
    (``seen``), in each field alone (the others keeping the form's own values)."""
    for kind, path in paths:
        run.send("POST", path, kind, form=[])
    real = [p for k, p in paths if k == "real"][0]
    if not forms:  # never shown a form for this: refused, or nothing to fill in
        for form in _mixed(COMMON_PARAMS + ("name", "id", "submission")):
            run.send("POST", real, "mixed", form=form)
        return
    mine: set = set()
    for fields in forms:
        names = tuple(sorted({n for n, _v in fields}))
        if names in mine:
            continue
        mine.add(names)
        alone = names not in seen
        seen.add(names)
        for kind, value in VALUES:
            run.send("POST", real, kind, form=[(n, value) for n, _v in fields])
            if not alone:
                continue
            for index, (name, _default) in enumerate(fields):
                if name != "csrf_token":
                    run.send("POST", real, kind, target=name,
                             form=[*fields[:index], (name, value), *fields[index + 1:]])


@pytest.mark.slow
@pytest.mark.parametrize("rule_text, endpoint", [_param(r, e) for r, e in RULES])
def test_no_hostile_value_makes_a_500(app, rule_text, endpoint):
    world = _world()
    rule = next(r for r in app.url_map.iter_rules()
                if r.rule == rule_text and r.endpoint == endpoint)
    paths = _paths(rule, world)
    failures: list[str] = []
    before = COUNTS["requests"]
    thorough = True  # the first principal who can open the page tries each parameter
    forms_seen: set = set()  # and the first shown each form tries each field alone
    for role in ROLES:
        client = app.test_client()
        if role != "anonymous":
            response = client.post("/account/login",
                                   data={"email": world["users"][role], "password": PASSWORD})
            assert response.status_code == 302, f"{role} could not sign in"
        found = _discover(app, client, role, world)
        run = Run(client, rule_text, role)
        if "GET" in rule.methods and _fuzz_get(
                run, paths, found["params"].get(endpoint, set()), thorough):
            thorough = False
        if "POST" in rule.methods:
            _fuzz_post(run, paths, found["forms"].get(endpoint, []), forms_seen)
        failures += run.failures
    COUNTS["rules"] += 1
    print(f"\n{rule_text}: {COUNTS['requests'] - before} hostile requests, "
          f"{len(failures)} answered 500")
    assert not failures, "500s:\n  " + "\n  ".join(failures[:40])


def test_the_fuzz_covers_every_rule(app):
    """A route added later is fuzzed too: the parameters come from app.url_map itself."""
    assert {(r.rule, r.endpoint) for r in app.url_map.iter_rules()} == set(RULES)
    assert len(RULES) >= 60


def test_hostile_values_that_once_made_a_500_now_get_an_answer(client, sign_in, neighbourhood):
    """The fuzz is not vacuous: these reached the database and made a 500 before."""
    sign_in(neighbourhood.users["admin"])
    round_ = neighbourhood.rounds["proposals"]
    assert client.get("/admin/people?page=99999999999999999999").status_code == 200
    assert client.get("/audit?page=99999999999999999999").status_code == 200
    assert client.post(f"/admin/rounds/{round_.id}/edit",
                       data={"partnership_id": "99999999999999999999"}).status_code == 400
    assert client.get("/admin/people", query_string="q=%00").status_code == 200
