"""The declared authorisation policy (goal G5): for every route and method of the app, the
outcome each principal gets on an object of theirs ("own") and on someone else's ("other").

Outcome classes (see ``outcome`` in test_authorisation_matrix.py):
- ``allow``: the page, a redirect that is not to the log-in page, or a refusal for the
  request's content or the object's state (400, 409, 410), never for who asked;
- ``login``: a redirect to the log-in page;
- ``deny``: 403, or 404 where the app hides that the object exists;
- ``405``: the method is not allowed.

"Own" objects belong to the Macclesfield partnership, the Hurdsfield Community Centre and
Maureen (the resident); "other" ones to the Congleton partnership, the Men's Shed and Sanjay
(see tests/trust/authz_world.py). Routes with no object in their URL have only "own".

Each row is built from a helper that says who is allowed; a value is one outcome for both
objects, or an (own, other) pair.
"""

from __future__ import annotations

PRINCIPALS = ("anonymous", "resident", "officer", "other_officer", "event_staff", "scrutiny",
              "grant_officer", "other_grant_officer", "grantee", "other_grantee", "admin")
A, L, D, NOT_ALLOWED = "allow", "login", "deny", "405"
OWN, OTHER = (A, D), (D, A)  # allowed on their own object only / on the other one only

# Routes that are a person's own business (their account, their vote, their proposal, a
# public form): every signed-in person may use them as a resident, scrutiny included.
SELF_SERVICE = {
    ("POST", "/account/delete"), ("POST", "/account/email"), ("POST", "/account/forgot"),
    ("POST", "/account/login"), ("POST", "/account/logout"), ("POST", "/account/password"),
    ("POST", "/account/profile"), ("POST", "/account/register"),
    ("POST", "/account/reset/<token>"), ("POST", "/account/unlock/<token>"),
    ("POST", "/account/verify/resend"), ("POST", "/kiosk/enrol/<token>"),
    ("POST", "/kiosk/reset"), ("POST", "/rounds/<int:round_id>/proposals/new"),
    ("POST", "/rounds/<int:round_id>/receipts"), ("POST", "/rounds/<int:round_id>/vote"),
    ("POST", "/rounds/<int:round_id>/vote/code"), ("POST", "/rounds/<int:round_id>/vote/finish"),
}


def who(default, **by_principal) -> dict[str, tuple[str, str]]:
    """The outcome of every principal: ``default`` unless named. Values are an outcome or
    an (own, other) pair."""
    unknown = set(by_principal) - set(PRINCIPALS)
    assert not unknown, unknown
    pairs = {}
    for principal in PRINCIPALS:
        value = by_principal.get(principal, default)
        pairs[principal] = value if isinstance(value, tuple) else (value, value)
    return pairs


def public():
    return who(A)


def signed_in():
    return who(A, anonymous=L)


def admin_only():
    return who(D, anonymous=L, admin=A)


def tablet_only():
    """Decision-day tablets: only an enrolled tablet's cookie, which no principal has."""
    return who(D)


def officers_of_round(**also):
    """The round's (or event's) partnership's officers, and admins."""
    return who(D, **{"anonymous": L, "officer": OWN, "other_officer": OTHER, "admin": A,
                     **also})


def officers_or_staff_on_duty(**also):
    """Decision-day work: the partnership's officers, its event staff on duty, admins. (The
    other event's only member of staff is its own officer.)"""
    return officers_of_round(event_staff=OWN, **also)


def officers_anywhere():
    """Start something in one's own partnership: an officer of any partnership."""
    return who(D, anonymous=L, officer=A, other_officer=A, admin=A)


def grant_officers_of_programme(**also):
    """The grant's (or programme's) partnership's grant officers, and admins."""
    return who(D, anonymous=L, grant_officer=OWN, other_grant_officer=OTHER, admin=A, **also)


def grant_viewers():
    """A grant's private pages: its grant officers, its organisation's grantees, scrutiny
    (read-only) and admins."""
    return grant_officers_of_programme(grantee=OWN, other_grantee=OTHER, scrutiny=A)


def grantees_of_organisation(**also):
    """Write the organisation's returns: its grantees, and admins."""
    return who(D, anonymous=L, grantee=OWN, other_grantee=OTHER, admin=A, **also)


def proposer_or_officers(anonymous=L, **also):
    """A draft proposal: Maureen, who wrote "own", and the round's partnership's officers.
    Sanjay, who wrote "other", is not a principal here; drafts are hidden (404) from
    everyone else."""
    return who(D, anonymous=anonymous, resident=OWN, officer=OWN, other_officer=OTHER, admin=A,
               **also)


def scrutiny_and_admin():
    return who(D, anonymous=L, scrutiny=A, admin=A)


PM = "/admin/<any(partnerships, themes, organisations):kind>"
PAGES = "/admin/pages/<any(accessibility, contact, cookies, terms, glossary, privacy):slug>"
R = "/rounds/<int:round_id>"
E = "/events/<int:event_id>"
G = "/grants/<int:grant_id>"
RET = G + "/returns/<int:return_id>"
P = "/proposals/<int:proposal_id>"

# (methods, rule, expectation). A comment says why where the outcome may surprise.
TABLE = [
    # Public pages, open data and the API ----------------------------------------------------
    ("GET", "/", public()),
    ("GET", "/accessibility", public()),
    ("GET", "/contact", public()),
    ("GET", "/cookies", public()),
    ("GET", "/privacy", public()),
    ("GET", "/terms", public()),
    ("GET", "/glossary", public()),
    ("GET", "/favicon.ico", public()),
    ("GET", "/language/<code>", public()),  # the language switcher: a cookie and a redirect
    ("GET", "/healthz", public()),
    ("GET", "/static/<path:filename>", public()),
    ("GET", "/open-data", public()),
    ("GET", "/open-data/api", public()),
    ("GET", "/rounds", public()),
    ("GET", R, public()),
    ("GET", R + "/proposals", public()),
    ("GET", R + "/proposals/budget-total", public()),
    ("GET", R + "/results", public()),
    ("GET", "/programmes", public()),
    ("GET", "/programmes/<int:programme_id>", public()),
    ("GET", G + "/progress", public()),
    # A photo is public only once the return it came with is accepted; this one's return
    # is submitted, not yet accepted, so it is hidden from everyone.
    ("GET", G + "/photos/<int:document_id>", who(D)),
    ("GET", "/scrutiny/", public()),
    ("GET", "/scrutiny/charts/<name>.csv", public()),
    ("GET", "/scrutiny/equality/<field>.csv", public()),
    *[("GET", "/api/v1" + path, public()) for path in (
        "/cost-benefit", "/events", "/grants", "/grants/360giving.csv",
        "/grants/360giving.json", "/kpis", "/openapi.json", "/payments", "/programmes",
        "/programmes/<int:programme_id>/cost-benefit", "/programmes/<int:programme_id>/kpis",
        "/proposals", "/results", "/rounds", "/rounds/<int:round_id>",
        "/rounds/<int:round_id>/ballots.pb", "/rounds/<int:round_id>/events",
        "/rounds/<int:round_id>/proposals", "/rounds/<int:round_id>/receipts", "/spend")],
    # The closed rounds have no published result yet: 404 for everyone (not who-based).
    ("GET", "/api/v1/rounds/<int:round_id>/results", who(D)),
    # Accounts -------------------------------------------------------------------------------
    ("GET", "/account/", signed_in()),
    ("GET", "/account/data", signed_in()),
    ("GET", "/account/data.json", signed_in()),
    # Signed-in people are sent on from the log-in and register pages (a redirect: allow).
    (("GET", "POST"), "/account/login", public()),
    (("GET", "POST"), "/account/register", public()),
    (("GET", "POST"), "/account/forgot", public()),
    (("GET", "POST"), "/account/reset/<token>", public()),
    (("GET", "POST"), "/account/unlock/<token>", public()),
    ("GET", "/account/verify/<token>", public()),
    # Asking for an unlock link ends on the log-in page whoever asks.
    ("POST", "/account/unlock", who(L)),
    ("POST", "/account/verify/resend", signed_in()),
    ("POST", "/account/logout", public()),
    # Signing out everywhere ends on the log-in page (and signed-out people are sent there).
    ("POST", "/account/sign-out-everywhere", who(L)),
    ("POST", "/account/profile", signed_in()),
    ("POST", "/account/password", signed_in()),
    ("POST", "/account/email", signed_in()),
    ("POST", "/account/delete", signed_in()),
    # Administration ---------------------------------------------------------------------------
    ("GET", "/admin/", admin_only()),
    ("GET", "/admin/areas", admin_only()),
    (("GET", "POST"), "/admin/areas/new", admin_only()),
    (("GET", "POST"), "/admin/areas/<int:area_id>", admin_only()),
    ("GET", PM, admin_only()),
    (("GET", "POST"), PM + "/new", admin_only()),
    (("GET", "POST"), PM + "/<int:item_id>", admin_only()),
    ("GET", "/admin/pages", admin_only()),
    (("GET", "POST"), PAGES, admin_only()),
    (("GET", "POST"), "/admin/people", admin_only()),
    ("POST", "/admin/roles/<int:assignment_id>/revoke", admin_only()),
    ("GET", "/audit", scrutiny_and_admin()),
    ("GET", "/audit.csv", scrutiny_and_admin()),
    ("GET", "/scrutiny/detail", scrutiny_and_admin()),
    ("GET", "/manage", who(D, anonymous=L, officer=A, other_officer=A, event_staff=A, admin=A)),
    # Rounds: set-up and phases ------------------------------------------------------------------
    (("GET", "POST"), "/admin/rounds/new", officers_anywhere()),
    (("GET", "POST"), "/admin/rounds/<int:round_id>/edit", officers_of_round()),
    (("GET", "POST"), "/admin/rounds/<int:round_id>/carry-over", officers_of_round()),
    ("GET", "/admin/rounds/<int:round_id>/phases", officers_of_round()),
    (("GET", "POST"), "/admin/rounds/<int:round_id>/phases/<key>", officers_of_round()),
    # Declared interests: the round's partnership's officers, event staff and grant officers.
    (("GET", "POST"), "/scrutiny/rounds/<int:round_id>/interests",
     officers_of_round(event_staff=OWN, grant_officer=OWN, other_grant_officer=OTHER)),
    # Proposals --------------------------------------------------------------------------------------
    # Any signed-in person may put a proposal forward in any open round (where they live is
    # checked on the form, not by who they are).
    (("GET", "POST"), R + "/proposals/new", signed_in()),
    (("GET", "POST"), R + "/proposals/paper", officers_or_staff_on_duty()),
    ("GET", R + "/proposals/review", officers_of_round()),
    ("GET", "/proposals/mine", signed_in()),
    # Drafts: their proposer and the partnership's officers; hidden (404) from the rest,
    # signed out included.
    ("GET", P, proposer_or_officers(anonymous=D)),
    ("GET", P + "/files/<int:document_id>", proposer_or_officers(anonymous=D)),
    (("GET", "POST"), P + "/edit", proposer_or_officers()),
    (("GET", "POST"), P + "/withdraw", proposer_or_officers()),
    ("POST", P + "/files/<int:document_id>/remove", proposer_or_officers()),
    # Supporting a draft is refused for its state (409) to whoever can see it.
    ("POST", P + "/support", proposer_or_officers()),
    ("POST", P + "/unsupport", proposer_or_officers()),
    # Only the proposer submits, never an officer or an admin on their behalf.
    ("POST", P + "/submit", who(D, anonymous=L, resident=OWN)),
    (("GET", "POST"), P + "/merge", officers_of_round()),
    ("POST", P + "/review", officers_of_round()),
    # Voting ------------------------------------------------------------------------------------------
    # Everyone in the area may vote. No principal lives in Congleton, so the other
    # partnership's vote is refused (403) to all; signed-out people vote with a code.
    (("GET",), R + "/vote", public()),
    (("POST",), R + "/vote", who((A, D), anonymous=D)),
    ("GET", R + "/vote/total", who((A, D), anonymous=D)),
    ("POST", R + "/vote/code", public()),
    ("POST", R + "/vote/finish", public()),
    # The receipt page of this browser's own ballot; others are sent to the vote page.
    ("GET", R + "/vote/done", public()),
    # The easy-read summary of how the vote works, to read or print: public.
    ("GET", R + "/how-to-vote", public()),
    # The public bulletin board of receipts: checking one's receipt needs no account.
    (("GET", "POST"), R + "/receipts", public()),
    ("GET", R + "/turnout", officers_of_round(event_staff=OWN, scrutiny=A)),
    (("GET", "POST"), R + "/codes", officers_of_round()),
    ("GET", R + "/codes/<int:batch_id>/sheet", officers_of_round()),
    ("POST", R + "/codes/<int:batch_id>/forget", officers_of_round()),
    # Results and the rule explorer ---------------------------------------------------------------
    ("POST", R + "/results/tally", officers_of_round()),
    ("POST", R + "/results/certify", officers_of_round()),
    ("POST", R + "/results/override", officers_of_round()),
    (("GET", "POST"), "/explorer", officers_anywhere()),
    # A job: the person who started it (the officer for "own", the other officer for
    # "other"), and admins.
    ("GET", "/explorer/<job_id>", officers_of_round()),
    ("GET", "/jobs/<job_id>", officers_of_round()),
    # Decision days -------------------------------------------------------------------------------------
    ("GET", R + "/events", officers_or_staff_on_duty()),
    (("GET", "POST"), R + "/events/new", officers_of_round()),
    (("GET", "POST"), E + "/edit", officers_of_round()),
    ("GET", E, officers_or_staff_on_duty()),
    ("POST", E + "/agenda/<int:item_id>/move", officers_of_round()),
    ("POST", E + "/agenda/refresh", officers_of_round()),
    ("POST", E + "/staff", officers_of_round()),
    ("POST", E + "/staff/<int:staff_id>/remove", officers_of_round()),
    ("POST", E + "/devices", officers_of_round()),
    ("POST", E + "/devices/<int:device_id>/revoke", officers_of_round()),
    ("POST", E + "/print", officers_or_staff_on_duty()),
    ("GET", E + "/print/<int:batch_id>", officers_or_staff_on_duty()),
    (("GET", "POST"), E + "/desk", officers_or_staff_on_duty()),
    ("GET", E + "/paper", officers_or_staff_on_duty()),
    ("POST", E + "/paper/received", officers_or_staff_on_duty()),
    (("GET", "POST"), E + "/paper/enter", officers_or_staff_on_duty()),
    (("GET", "POST"), E + "/paper/<int:paper_id>", officers_or_staff_on_duty()),
    ("GET", E + "/paper/print", officers_or_staff_on_duty()),
    ("GET", E + "/live", public()),
    ("POST", E + "/live/totals", officers_of_round()),
    ("POST", E + "/live/reveal", officers_of_round()),
    ("GET", E + "/close", officers_of_round()),
    ("POST", E + "/close/waiver", officers_of_round()),
    # Before the result is published: whoever may see the round's turnout; the public get
    # 404 (not the log-in page), as the report does not exist for them yet.
    ("GET", E + "/report", officers_or_staff_on_duty(anonymous=D, scrutiny=A)),
    ("GET", E + "/report.csv", officers_or_staff_on_duty(anonymous=D, scrutiny=A)),
    (("GET", "POST"), "/kiosk", tablet_only()),
    (("GET", "POST"), "/kiosk/ballot", tablet_only()),
    # Enrolling a tablet with a bad link, and resetting one, are open to anyone (refused
    # for the link, not for who asks).
    (("GET", "POST"), "/kiosk/enrol/<token>", public()),
    ("POST", "/kiosk/reset", public()),
    # Grants -------------------------------------------------------------------------------------------
    # The desk: grant officers, scrutiny and admins; grantees are sent on to their own list.
    ("GET", "/grants/", who(D, anonymous=L, grant_officer=A, other_grant_officer=A,
                            scrutiny=A, grantee=A, other_grantee=A, admin=A)),
    ("GET", "/grants/all", who(D, anonymous=L, grant_officer=A, other_grant_officer=A,
                               scrutiny=A, admin=A)),
    ("GET", "/grants/mine", who(D, anonymous=L, grantee=A, other_grantee=A, admin=A)),
    ("GET", G, grant_viewers()),
    ("GET", G + "/agreement", grant_viewers()),
    ("GET", G + "/savings", grant_viewers()),
    ("GET", G + "/files/<int:document_id>", grant_viewers()),
    ("GET", RET, grant_viewers()),
    ("POST", G + "/agreement", grant_officers_of_programme()),
    ("POST", G + "/savings", grant_officers_of_programme()),
    (("GET", "POST"), G + "/grantee", grant_officers_of_programme()),
    (("GET", "POST"), G + "/close", grant_officers_of_programme()),
    *[("POST", G + path, grant_officers_of_programme()) for path in (
        "/take-back", "/withdraw", "/interest", "/money-back", "/rag", "/corrections",
        "/milestones/<int:milestone_id>/met", "/tranches/<int:tranche_id>/withhold")],
    ("POST", RET + "/review", grant_officers_of_programme()),
    # Releasing money is the two-person rule: each grant officer here set their grant up,
    # so only an admin may release.
    ("POST", G + "/tranches/<int:tranche_id>/release", admin_only()),
    # Accepting the agreement: the organisation's grantee, nobody on its behalf (admins
    # included).
    ("POST", G + "/accept", who(D, anonymous=L, grantee=OWN, other_grantee=OTHER)),
    ("POST", RET, grantees_of_organisation()),
    ("POST", RET + "/autosave", grantees_of_organisation()),
    ("POST", RET + "/files/<int:document_id>/remove", grantees_of_organisation()),
    # Programmes: grant officers start one for their own partnership and change their own.
    (("GET", "POST"), "/programmes/new",
     who(D, anonymous=L, grant_officer=A, other_grant_officer=A, admin=A)),
    (("GET", "POST"), "/programmes/<int:programme_id>/edit", grant_officers_of_programme()),
]


def policy() -> dict[tuple[str, str], dict[str, tuple[str, str]]]:
    """{(method, rule): {principal: (own, other)}}; a (method, rule) declared twice fails."""
    table: dict[tuple[str, str], dict] = {}
    for methods, rule, expectation in TABLE:
        for method in (methods,) if isinstance(methods, str) else methods:
            assert (method, rule) not in table, f"{method} {rule} is declared twice"
            table[(method, rule)] = expectation
    return table


POLICY = policy()


def expected(method: str, rule: str, principal: str, variant: str) -> str:
    """The declared outcome; "missing" (never a real outcome) for an undeclared route."""
    row = POLICY.get((method, rule))
    if row is None:
        return "missing"
    return row[principal][0 if variant == "own" else 1]
