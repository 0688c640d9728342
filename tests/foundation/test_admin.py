"""The admin area: areas, partnerships, themes, organisations, roles and round set-up."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from pb.extensions import db
from pb.models import (
    Area,
    AuditEntry,
    Organisation,
    Partnership,
    Role,
    Round,
    RoundWardBudget,
    Theme,
)
from pb.models.base import utcnow
from tests.foundation.conftest import form_fields, sign_in


@pytest.fixture
def admin(client, neighbourhood):
    assert sign_in(client, neighbourhood.users["admin"].email).status_code == 302
    return client


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _error(response, field: str) -> str:
    page = _text(response)
    assert f'id="{field}-error"' in page, f"no error shown for {field}"
    return page.split(f'id="{field}-error"', 1)[1].split("</p>", 1)[0]


def _audited(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# Areas --------------------------------------------------------------------------------------------

AREA = {"name": "Knutsford", "description": "A market town in Cheshire East.",
        "wards": "Knutsford Nether, E05008600\nKnutsford Bexton\n",
        "postcodes": "WA16 0: Knutsford Nether\nwa16  6 : Knutsford Bexton\nWA16\n"}


def test_admin_creates_an_area_with_wards_and_postcode_coverage(admin, neighbourhood):
    response = admin.post("/admin/areas/new", data=AREA)
    assert response.status_code == 302
    area = db.session.scalar(select(Area).where(Area.name == "Knutsford"))
    assert {(w.name, w.code) for w in area.wards} == {("Knutsford Nether", "E05008600"),
                                                      ("Knutsford Bexton", None)}
    coverage = {c.prefix: (c.ward.name if c.ward else None) for c in area.postcode_coverage}
    assert coverage == {"WA16 0": "Knutsford Nether", "WA16 6": "Knutsford Bexton",
                        "WA16": None}
    assert area.ward_for_postcode("wa16 6dq").name == "Knutsford Bexton"
    assert area.covers_postcode("WA16 9AA") and not area.covers_postcode("SK10 1AB")
    [entry] = _audited("area.created")
    assert sorted(entry.after["wards"]) == ["Knutsford Bexton", "Knutsford Nether"]
    assert entry.actor_id == neighbourhood.users["admin"].id


@pytest.mark.parametrize("changes, field, message", [
    ({"postcodes": "WA16 0: Knutsford Town"}, "postcodes",
     "These wards are not in the ward list: Knutsford Town."),
    ({"postcodes": "WA16 0\nwa16 0: Knutsford Bexton"}, "postcodes", "listed twice"),
    ({"wards": "Knutsford Bexton\nKnutsford Bexton"}, "wards", "A ward is listed twice."),
    ({"postcodes": "WA16 0AB"}, "postcodes", "Line 1: 'WA16 0AB' is not a postcode district"),
    ({"postcodes": "WA16 0\nnot a postcode"}, "postcodes", "Line 2"),
    ({"name": "Macclesfield"}, "name", "Another area already has that name."),
    ({"name": ""}, "name", "Enter a name."),
    ({"wards": ""}, "wards", "List at least one ward."),
])
def test_area_mistakes_are_shown_next_to_the_field(admin, neighbourhood, changes, field,
                                                   message):
    data = {**AREA, **changes}
    before = _count(Area)
    response = admin.post("/admin/areas/new", data=data)
    assert response.status_code == 400
    assert message in _error(response, field)
    assert _count(Area) == before
    page = _text(response)
    if data["description"]:
        assert data["description"] in page  # what was typed is kept


def test_admin_edits_an_area(admin, neighbourhood):
    area = neighbourhood.area
    page = admin.get(f"/admin/areas/{area.id}")
    assert page.status_code == 200
    fields = form_fields(_text(page))
    assert "Macclesfield Hurdsfield" in fields["wards"]
    assert "SK10 2: Macclesfield Hurdsfield" in fields["postcodes"]
    fields["wards"] += "\nMacclesfield East, E05008699"
    fields["postcodes"] += "\nSK11 0: Macclesfield East"
    assert admin.post(f"/admin/areas/{area.id}", data=fields).status_code == 302
    db.session.expire_all()
    assert "Macclesfield East" in {w.name for w in area.wards}
    assert area.ward_for_postcode("SK11 0AA").name == "Macclesfield East"
    assert area.ward_for_postcode("SK10 2LH").name == "Macclesfield Hurdsfield"
    [entry] = _audited("area.updated")
    assert "Macclesfield East" not in entry.before["wards"]
    assert "Macclesfield East" in entry.after["wards"]


def test_removing_a_ward_in_use_is_refused_with_a_message(admin, neighbourhood):
    round_ = neighbourhood.rounds["proposals"]
    ward = neighbourhood.wards["Macclesfield South"]
    db.session.add(RoundWardBudget(round_id=round_.id, ward_id=ward.id, budget_pence=1_000_00))
    db.session.commit()
    fields = form_fields(_text(admin.get(f"/admin/areas/{neighbourhood.area.id}")))
    fields["wards"] = "\n".join(line for line in fields["wards"].splitlines()
                                if "South" not in line)
    fields["postcodes"] = "\n".join(line for line in fields["postcodes"].splitlines()
                                    if "South" not in line)
    response = admin.post(f"/admin/areas/{neighbourhood.area.id}", data=fields)
    assert response.status_code == 400
    assert "Macclesfield South" in _error(response, "wards")
    db.session.expire_all()
    assert "Macclesfield South" in {w.name for w in neighbourhood.area.wards}


def test_removing_an_unused_ward_works(admin, neighbourhood):
    area = neighbourhood.area
    fields = form_fields(_text(admin.get(f"/admin/areas/{area.id}")))
    fields["wards"] = "\n".join(line for line in fields["wards"].splitlines()
                                if "South" not in line)
    fields["postcodes"] = "\n".join(line for line in fields["postcodes"].splitlines()
                                    if "South" not in line)
    assert admin.post(f"/admin/areas/{area.id}", data=fields).status_code == 302
    db.session.expire_all()
    assert "Macclesfield South" not in {w.name for w in area.wards}
    assert not area.covers_postcode("SK11 7AB")


# Partnerships, themes, organisations --------------------------------------------------------------

def test_admin_creates_and_edits_a_partnership(admin, neighbourhood):
    data = {"name": "Knutsford Health Partnership", "area_id": str(neighbourhood.area.id),
            "contact_email": "hello@knutsford.example.org", "description": "Knutsford's PB."}
    assert admin.post("/admin/partnerships/new", data=data).status_code == 302
    partnership = db.session.scalar(select(Partnership).where(
        Partnership.name == "Knutsford Health Partnership"))
    assert partnership.area_id == neighbourhood.area.id
    page = admin.get(f"/admin/partnerships/{partnership.id}")
    fields = form_fields(_text(page))
    assert fields["contact_email"] == "hello@knutsford.example.org"
    fields["description"] = "Residents of Knutsford decide."
    assert admin.post(f"/admin/partnerships/{partnership.id}", data=fields).status_code == 302
    db.session.expire_all()
    assert partnership.description == "Residents of Knutsford decide."
    assert [e.action for e in _audited("partnership.created") + _audited("partnership.updated")] \
        == ["partnership.created", "partnership.updated"]


@pytest.mark.parametrize("kind, data, field", [
    ("partnerships", {"name": "Congleton Wellbeing Partnership", "area_id": "{area}"}, "name"),
    ("themes", {"name": "Mental health"}, "name"),
    ("themes", {"name": "Mental-Health"}, "name"),  # a different name, the same slug
    ("organisations", {"name": "Silk Town Walkers", "kind": "community_group"}, "name"),
    ("partnerships", {"name": "No area", "area_id": "999999"}, "area_id"),
    ("organisations", {"name": "Bad kind", "kind": "cartel"}, "kind"),
    ("organisations", {"name": "Bad site", "kind": "charity", "website": "javascript:alert(1)"},
     "website"),
    ("partnerships", {"name": "Bad email", "area_id": "{area}", "contact_email": "nope"},
     "contact_email"),
])
def test_duplicates_and_bad_values_get_a_message_not_a_500(admin, neighbourhood, kind, data,
                                                           field):
    data = {k: v.format(area=neighbourhood.area.id) for k, v in data.items()}
    response = admin.post(f"/admin/{kind}/new", data=data)
    assert response.status_code == 400
    assert _error(response, field)
    assert f'value="{data["name"]}"' in _text(response)


def test_renaming_onto_another_name_is_refused(admin, neighbourhood):
    walkers = neighbourhood.organisations["Silk Town Walkers"]
    fields = form_fields(_text(admin.get(f"/admin/organisations/{walkers.id}")))
    fields["name"] = "Macclesfield Men's Shed"
    response = admin.post(f"/admin/organisations/{walkers.id}", data=fields)
    assert response.status_code == 400
    assert "already has that name" in _error(response, "name")
    db.session.expire_all()
    assert walkers.name == "Silk Town Walkers"


def test_admin_creates_a_theme_and_an_organisation(admin, neighbourhood):
    assert admin.post("/admin/themes/new", data={"name": "Carers' wellbeing",
                                                 "description": "Support for carers."}
                      ).status_code == 302
    theme = db.session.scalar(select(Theme).where(Theme.name == "Carers' wellbeing"))
    assert theme.slug == "carers-wellbeing"
    assert admin.post("/admin/organisations/new", data={
        "name": "Knutsford Lions", "kind": "charity", "charity_number": "1012345",
        "postcode": "WA16 6DQ", "website": "https://knutsfordlions.example.org",
        "description": ""}).status_code == 302
    assert db.session.scalar(select(Organisation).where(
        Organisation.name == "Knutsford Lions")).charity_number == "1012345"
    assert _audited("theme.created") and _audited("organisation.created")


# Roles --------------------------------------------------------------------------------------------

def _role_form(email, role, partnership=0, organisation=0):
    return {"email": email, "role": role, "partnership_id": str(partnership),
            "organisation_id": str(organisation)}


def test_admin_assigns_and_revokes_a_scoped_role(admin, neighbourhood):
    resident = neighbourhood.users["resident2"]
    response = admin.post("/admin/people", data=_role_form(
        resident.email, "officer", neighbourhood.partnership.id))
    assert response.status_code == 302
    db.session.expire_all()
    assert resident.has_role(Role.OFFICER, partnership_id=neighbourhood.partnership.id)
    [entry] = _audited("role.assigned")
    assert entry.after == {"user_id": resident.id, "role": "officer",
                           "partnership_id": neighbourhood.partnership.id,
                           "organisation_id": None}
    assignment = next(a for a in resident.roles if a.role == Role.OFFICER)
    assert admin.post(f"/admin/roles/{assignment.id}/revoke").status_code == 302
    db.session.expire_all()
    assert not resident.has_role(Role.OFFICER)
    assert _audited("role.revoked")


@pytest.mark.parametrize("role, partnership, organisation, field, message", [
    ("officer", 0, 0, "partnership_id", "Choose the partnership"),
    ("event_staff", 0, 0, "partnership_id", "Choose the partnership"),
    ("grant_officer", 0, 0, "partnership_id", "Choose the partnership"),
    ("grantee", 0, 0, "organisation_id", "Choose the organisation"),
    ("wizard", 0, 0, "role", "Not a valid choice"),
])
def test_scoped_roles_need_their_scope(admin, neighbourhood, role, partnership, organisation,
                                       field, message):
    resident = neighbourhood.users["resident2"]
    response = admin.post("/admin/people", data=_role_form(resident.email, role, partnership,
                                                           organisation))
    assert response.status_code == 400
    assert message in _error(response, field)
    db.session.expire_all()
    assert resident.role_set() == {Role.RESIDENT}


def test_role_for_an_unknown_person_or_a_duplicate_is_refused(admin, neighbourhood):
    unknown = admin.post("/admin/people", data=_role_form("nobody@example.org", "scrutiny"))
    assert unknown.status_code == 400
    assert "No account has that email address" in _error(unknown, "email")
    officer = neighbourhood.users["officer"]
    again = admin.post("/admin/people", data=_role_form(officer.email, "officer",
                                                        neighbourhood.partnership.id))
    assert again.status_code == 400
    assert "already has that role" in _error(again, "role")
    scrutiny = neighbourhood.users["scrutiny"]
    twice = admin.post("/admin/people", data=_role_form(scrutiny.email, "scrutiny"))
    assert twice.status_code == 400
    assert "already has that role" in _error(twice, "role")
    assert not _audited("role.assigned")


def test_an_admin_cannot_remove_their_own_admin_role(admin, neighbourhood):
    me = neighbourhood.users["admin"]
    mine = next(a for a in me.roles if a.role == Role.ADMIN)
    response = admin.post(f"/admin/roles/{mine.id}/revoke", follow_redirects=True)
    assert "You cannot remove your own administrator role." in _text(response)
    db.session.expire_all()
    assert me.is_admin


def test_people_search_finds_by_name_or_email(admin, neighbourhood):
    page = _text(admin.get("/admin/people", query_string={"q": "SANJAY"}))
    assert "sanjay.patel@example.org" in page and "maureen.clarke@example.org" not in page


# Rounds -------------------------------------------------------------------------------------------

def _local(days: int) -> str:
    """A date in the form's datetime-local format (UK time; near enough for ordering)."""
    return (utcnow() + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def round_data(partnership_id: int, **changes) -> dict:
    data = {
        "name": "Tytherington Wellbeing Fund 2027", "description": "Small grants for wellbeing.",
        "partnership_id": str(partnership_id), "is_published": "y", "budget": "£20,000",
        "min_project_cost": "250", "max_project_cost": "2,500.50",
        "proposals_open_at": _local(1), "proposals_close_at": _local(20),
        "review_close_at": _local(30), "voting_open_at": _local(40),
        "voting_close_at": _local(50), "ballot_design": "approval",
        "allocation_rule": "mes-cost-add1", "tie_break": "id", "ballot_max_choices": "5",
        "eligibility_postcode": "y", "eligibility_min_age": "11",
        "voter_verification": "account_or_code", "ward_ballot": "own_ward_and_area",
        "supports_required": "3",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _round(name="Tytherington Wellbeing Fund 2027") -> Round | None:
    return db.session.scalar(select(Round).where(Round.name == name))


def test_admin_creates_a_round_with_ward_budgets(admin, neighbourhood):
    wards = neighbourhood.wards
    data = round_data(neighbourhood.partnership.id, **{
        f"ward_budget_{wards['Macclesfield Tytherington'].id}": "5,000",
        f"ward_budget_{wards['Macclesfield Central'].id}": "2500.25"})
    response = admin.post("/admin/rounds/new", data=data)
    assert response.status_code == 302, _text(response)
    round_ = _round()
    assert response.location.endswith(f"/rounds/{round_.id}")
    assert round_.budget_pence == 20_000_00
    assert round_.min_project_cost_pence == 250_00
    assert round_.max_project_cost_pence == 2_500_50
    assert round_.area_id == neighbourhood.area.id
    assert round_.created_by_id == neighbourhood.users["admin"].id
    assert {wb.ward.name: wb.budget_pence for wb in round_.ward_budgets} == {
        "Macclesfield Tytherington": 5_000_00, "Macclesfield Central": 2_500_25}
    assert round_.area_wide_budget_pence == 20_000_00 - 7_500_25
    assert round_.status == "upcoming"
    [entry] = _audited("round.created")
    assert entry.after["budget_pence"] == 20_000_00
    assert entry.after["ward_budgets"] == {
        str(wards["Macclesfield Central"].id): 2_500_25,
        str(wards["Macclesfield Tytherington"].id): 5_000_00}


def test_the_form_shows_the_times_in_uk_time(admin, neighbourhood):
    from datetime import datetime
    round_ = neighbourhood.rounds["proposals"]
    round_.voting_open_at = datetime(2027, 7, 1, 8, 30)  # 09:30 BST
    round_.voting_close_at = datetime(2027, 12, 1, 17, 0)  # 17:00 GMT
    db.session.commit()
    fields = form_fields(_text(admin.get(f"/admin/rounds/{round_.id}/edit")))
    assert fields["voting_open_at"].replace(" ", "T").startswith("2027-07-01T09:30")
    assert fields["voting_close_at"].replace(" ", "T").startswith("2027-12-01T17:00")


@pytest.mark.parametrize("changes, field, message", [
    ({"ballot_design": "approval", "allocation_rule": "greedy-points"}, "allocation_rule",
     "does not suit approval ballots"),
    ({"ballot_design": "ranking", "allocation_rule": "max-utility",
      "ballot_rank_length": "3"}, "allocation_rule", "does not suit ranking ballots"),
    ({"voting_open_at": _local(10)}, "voting_open_at", "must come after the earlier phases"),
    ({"proposals_close_at": _local(-5)}, "proposals_close_at", "must come after"),
    ({"min_project_cost": "3000", "max_project_cost": "2000"}, "max_project_cost",
     "at least the smallest"),
    ({"max_project_cost": "25000"}, "max_project_cost", "cannot exceed the budget"),
    ({"budget": ""}, "budget", "Enter an amount in pounds."),
    ({"budget": "twenty quid"}, "budget", ""),
    ({"budget": "-5"}, "budget", ""),
    ({"ballot_design": "points", "allocation_rule": "greedy-points"}, "ballot_points_total",
     "need the number of points"),
    ({"ballot_min_choices": "6", "ballot_max_choices": "5"}, "ballot_max_choices",
     "at least the fewest"),
    ({"voting_close_at": ""}, "voting_close_at", "Set when voting closes."),
    ({"name": ""}, "name", "Enter a name."),
    ({"eligibility_min_age": "-1"}, "eligibility_min_age", ""),
])
def test_round_mistakes_are_shown_next_to_the_field(admin, neighbourhood, changes, field,
                                                    message):
    data = round_data(neighbourhood.partnership.id, **changes)
    response = admin.post("/admin/rounds/new", data=data)
    assert response.status_code == 400
    assert message in _error(response, field)
    assert _round() is None or field == "name"
    assert _round("") is None
    if field != "name":
        assert 'value="Tytherington Wellbeing Fund 2027"' in _text(response)


def test_ward_budgets_above_the_budget_or_unreadable_are_refused(admin, neighbourhood):
    ward = neighbourhood.wards["Macclesfield Central"]
    too_much = admin.post("/admin/rounds/new", data=round_data(
        neighbourhood.partnership.id, **{f"ward_budget_{ward.id}": "20,000.01"}))
    assert too_much.status_code == 400
    assert "more than the round's budget" in _error(too_much, "budget")
    unreadable = admin.post("/admin/rounds/new", data=round_data(
        neighbourhood.partnership.id, **{f"ward_budget_{ward.id}": "lots"}))
    assert unreadable.status_code == 400
    assert f'id="ward_budget_{ward.id}-error"' in _text(unreadable)
    assert 'value="lots"' in _text(unreadable)
    assert _round() is None


def test_an_officer_sets_up_a_round_for_their_own_partnership_only(client, neighbourhood):
    sign_in(client, neighbourhood.users["officer"].email)
    page = _text(client.get("/admin/rounds/new"))
    assert neighbourhood.partnership.name in page
    assert neighbourhood.other_partnership.name not in page
    elsewhere = client.post("/admin/rounds/new", data=round_data(
        neighbourhood.other_partnership.id))
    assert elsewhere.status_code in (400, 403)
    assert _round() is None
    ok = client.post("/admin/rounds/new", data=round_data(neighbourhood.partnership.id))
    assert ok.status_code == 302
    assert _round().partnership_id == neighbourhood.partnership.id


def test_an_officer_edits_their_round_and_another_officer_cannot(app, client, neighbourhood):
    round_ = neighbourhood.rounds["proposals"]
    sign_in(client, neighbourhood.users["officer"].email)
    fields = form_fields(_text(client.get(f"/admin/rounds/{round_.id}/edit")),
                         containing="budget")
    fields["budget"] = "45,000"
    fields["description"] = "Now £45,000."
    response = client.post(f"/admin/rounds/{round_.id}/edit", data=fields)
    assert response.status_code == 302, _text(response)
    db.session.expire_all()
    assert round_.budget_pence == 45_000_00
    [entry] = _audited("round.updated")
    assert entry.before["budget_pence"] == 50_000_00 and entry.after["budget_pence"] == 45_000_00
    other = app.test_client()
    sign_in(other, neighbourhood.users["other_officer"].email)
    fields["budget"] = "1"
    assert other.post(f"/admin/rounds/{round_.id}/edit", data=fields).status_code == 403
    db.session.expire_all()
    assert round_.budget_pence == 45_000_00


def test_unchanged_resubmission_of_a_round_changes_nothing(admin, neighbourhood):
    round_ = neighbourhood.rounds["proposals"]
    before = {c.key: getattr(round_, c.key) for c in Round.__table__.columns
              if c.key not in ("updated_at",)}
    fields = form_fields(_text(admin.get(f"/admin/rounds/{round_.id}/edit")),
                         containing="budget")
    response = admin.post(f"/admin/rounds/{round_.id}/edit", data=fields)
    assert response.status_code == 302, _text(response)
    db.session.expire_all()
    after = {key: getattr(round_, key) for key in before}
    changed = {k for k in before if before[k] != after[k]}
    # Times go through a minute-precision form field; nothing else may move.
    assert changed <= {"proposals_open_at", "proposals_close_at", "review_close_at",
                       "voting_open_at", "voting_close_at"}
    for key in changed:
        assert abs(before[key] - after[key]) < timedelta(minutes=1)


# The lock once voting has opened ------------------------------------------------------------------

@pytest.fixture
def voting_form(admin, neighbourhood):
    round_ = neighbourhood.rounds["voting"]
    page = admin.get(f"/admin/rounds/{round_.id}/edit")
    assert page.status_code == 200
    assert "Voting has opened" in _text(page)
    return round_, form_fields(_text(page), containing="budget")


def test_description_can_change_while_voting_is_open(admin, voting_form):
    round_, fields = voting_form
    fields["description"] = "Voting is open until the end of the month."
    response = admin.post(f"/admin/rounds/{round_.id}/edit", data=fields)
    assert response.status_code == 302, _text(response)
    db.session.expire_all()
    assert round_.description == "Voting is open until the end of the month."
    assert _audited("round.updated")


@pytest.mark.parametrize("field, value, error_field", [
    ("budget", "60,000", "budget"),
    ("ballot_design", "scores", "ballot_design"),
    ("allocation_rule", "greedy-cost", "allocation_rule"),
    ("tie_break", "cost", "tie_break"),
    ("ballot_max_choices", "3", "ballot_max_choices"),
    ("eligibility_min_age", "16", "eligibility_min_age"),
    ("eligibility_postcode", None, "eligibility_postcode"),
    ("voter_verification", "code", "voter_verification"),
    ("ward_ballot", "own_ward", "ward_ballot"),
    ("voting_open_at", "2020-01-01T09:00", "voting_open_at"),
])
def test_locked_settings_cannot_change_once_voting_opens(admin, neighbourhood, voting_form,
                                                         field, value, error_field):
    round_, fields = voting_form
    snapshot = {c.key: getattr(round_, c.key) for c in Round.__table__.columns}
    if value is None:
        fields.pop(field, None)
    else:
        fields[field] = value
    if field == "ballot_design":
        fields["allocation_rule"] = "greedy-points"
    fields["description"] = "This change must not be saved either."
    response = admin.post(f"/admin/rounds/{round_.id}/edit", data=fields)
    assert response.status_code == 400
    assert "Voting has opened, so this can no longer change." in _error(response, error_field)
    db.session.expire_all()
    assert {c.key: getattr(round_, c.key) for c in Round.__table__.columns} == snapshot
    assert not _audited("round.updated")


def test_ward_budgets_are_locked_once_voting_opens(admin, neighbourhood, voting_form):
    round_, fields = voting_form
    ward = neighbourhood.wards["Macclesfield Central"]
    fields[f"ward_budget_{ward.id}"] = "1,000"
    response = admin.post(f"/admin/rounds/{round_.id}/edit", data=fields)
    assert response.status_code == 400
    assert "Voting has opened" in _error(response, "budget")
    db.session.expire_all()
    assert round_.ward_budgets == []


def test_moving_an_open_vote_to_another_partnership_is_refused(admin, neighbourhood,
                                                               voting_form):
    round_, fields = voting_form
    fields["partnership_id"] = str(neighbourhood.other_partnership.id)
    response = admin.post(f"/admin/rounds/{round_.id}/edit", data=fields)
    assert response.status_code == 400
    assert "another area" in _error(response, "partnership_id")
    db.session.expire_all()
    assert round_.partnership_id == neighbourhood.partnership.id
    assert round_.area_id == neighbourhood.area.id


def test_admin_dashboard_counts(admin, neighbourhood):
    page = _text(admin.get("/admin/"))
    assert "Partnerships" in page and "Audit entries" in page


# Hostile input gets a message, never a 500 (issue 8, item 6) ---------------------------------------

@pytest.mark.parametrize("page", ["99999999999999999999", "2147483648", "-3", "0", "two",
                                  "9" * 5000])
def test_any_page_number_on_the_people_list_is_served(admin, neighbourhood, page):
    response = admin.get("/admin/people", query_string={"page": page})
    assert response.status_code == 200
    assert "<h1>People and roles</h1>" in _text(response)


@pytest.mark.parametrize("partnership_id", ["99999999999999999999", "2147483648", "-1",
                                            "0", "Macclesfield"])
def test_an_overflowing_partnership_id_on_a_round_is_refused(admin, neighbourhood,
                                                              partnership_id):
    round_ = neighbourhood.rounds["proposals"]
    fields = form_fields(_text(admin.get(f"/admin/rounds/{round_.id}/edit")),
                         containing="budget")
    fields["partnership_id"] = partnership_id
    response = admin.post(f"/admin/rounds/{round_.id}/edit", data=fields)
    assert response.status_code == 400
    assert _error(response, "partnership_id")
    db.session.expire_all()
    assert round_.partnership_id == neighbourhood.partnership.id


@pytest.mark.parametrize("amount, message", [
    ("-1", "cannot be negative"), ("-0.01", "cannot be negative"),
    ("£-6,000", "cannot be negative"),
    ("99999999999999999999", "up to £21,474,836.47"),
])
def test_a_negative_or_overflowing_ward_budget_is_refused_next_to_it(admin, neighbourhood,
                                                                      amount, message):
    ward = neighbourhood.wards["Macclesfield Hurdsfield"]
    response = admin.post("/admin/rounds/new", data=round_data(
        neighbourhood.partnership.id, **{f"ward_budget_{ward.id}": amount}))
    assert response.status_code == 400
    assert message in _error(response, f"ward_budget_{ward.id}")
    assert f'value="{amount}"' in _text(response)  # what was typed is kept
    assert _round() is None


@pytest.mark.parametrize("field", ["budget", "min_project_cost", "max_project_cost"])
def test_an_amount_beyond_the_database_is_refused(admin, neighbourhood, field):
    response = admin.post("/admin/rounds/new", data=round_data(
        neighbourhood.partnership.id, **{field: "21,474,836.48"}))
    assert response.status_code == 400
    assert "up to £21,474,836.47" in _error(response, field)
    assert _round() is None


def test_supports_required_beyond_the_database_is_refused(admin, neighbourhood):
    response = admin.post("/admin/rounds/new", data=round_data(
        neighbourhood.partnership.id, supports_required="99999999999"))
    assert response.status_code == 400
    assert _error(response, "supports_required")


def test_a_nul_character_is_taken_out_and_the_rest_kept(admin, neighbourhood):
    """PostgreSQL cannot hold a NUL: it is removed as the request is read, nothing else."""
    search = admin.get("/admin/people", query_string={"q": "Mau\x00reen"})
    assert search.status_code == 200 and "maureen.clarke@example.org" in _text(search)
    created = admin.post("/admin/themes/new", data={"name": "Loneli\x00ness"})
    assert created.status_code == 302
    assert db.session.scalar(select(Theme).where(Theme.name == "Loneliness")) is not None


# The services check who is acting, whoever calls them (issue 9's contract) -------------------------

def test_admin_services_refuse_anyone_but_an_administrator(neighbourhood):
    from pb.admin import places, roles, rounds
    from pb.errors import NotAllowed

    officer = neighbourhood.users["officer"]
    with pytest.raises(NotAllowed):
        places.save_area(officer, None, "Knutsford", "", "Knutsford Nether", "WA16 0")
    with pytest.raises(NotAllowed):
        places.save_simple(officer, Theme(), "theme", {"name": "Loneliness",
                                                       "description": ""})
    with pytest.raises(NotAllowed):
        roles.assign_role(officer, officer.email, Role.ADMIN, None, None)
    round_ = neighbourhood.rounds["proposals"]
    with pytest.raises(NotAllowed):
        rounds.save_round(neighbourhood.users["other_officer"], round_, rounds.RoundSettings(
            values={"partnership_id": neighbourhood.other_partnership.id}))
    assert _count(Area) == 2 and not officer.is_admin
    assert not _audited("area.created") and not _audited("role.assigned")
