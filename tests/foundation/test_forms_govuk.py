"""Forms of GOV.UK quality: dates in three boxes (pb.forms.DateInputField), an error summary
that links to each field and says what to do, "Error: " in the page title, autocomplete."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from pb.extensions import db
from pb.models import User
from tests.factories import date_boxes

GOOD = {"display_name": "Bernadette", "email": "bernadette.oakes@example.org",
        "password": "bramble-jam-on-toast-19", "postcode": "SK10 2LH"}


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _title(page: str) -> str:
    return re.search(r"<title>(.*?)</title>", page, re.S).group(1).strip()


def _summary(page: str) -> str:
    return page.split('class="error-summary"', 1)[1].split("</div>", 1)[0]


def _register(client, day="", month="", year="", **changes):
    return client.post("/account/register", data={
        **GOOD, "date_of_birth-day": day, "date_of_birth-month": month,
        "date_of_birth-year": year, **changes})


def _user(email: str = GOOD["email"]) -> User | None:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.email == email))


@pytest.mark.parametrize("typed, message, first_box, wrong", [
    (("27", "", "1984"), "Date of birth must include a month", "month", {"month"}),
    (("", "", "1984"), "Date of birth must include a day and month", "day", {"day", "month"}),
    (("31", "2", "1984"), "Date of birth must be a real date", "day", {"day"}),
    (("29", "2", "1983"), "Date of birth must be a real date", "day", {"day"}),
    (("0", "0", "1984"), "Date of birth must be a real date", "day", {"day", "month"}),
    (("12", "13", "1984"), "Date of birth must be a real date", "month", {"month"}),
    (("twelve", "3", "1984"), "Date of birth must be a real date", "day", {"day"}),
    (("12", "3", "84"), "Year must include 4 numbers", "year", {"year"}),
    (("12", "3", "1850"), "Date of birth must be the same as or after 1 January 1900", "day",
     {"day", "month", "year"}),
])
def test_a_wrong_date_of_birth_says_what_is_wrong_and_keeps_what_was_typed(
        client, neighbourhood, typed, message, first_box, wrong):
    response = _register(client, *typed)
    assert response.status_code == 400
    page = _text(response)
    error = page.split('id="date_of_birth-error"', 1)[1].split("</p>", 1)[0]
    assert message in error
    assert f'<a href="#date_of_birth-{first_box}">{message}.</a>' in _summary(page)
    for part, value in zip(("day", "month", "year"), typed, strict=True):
        box = re.search(rf'<input [^>]*id="date_of_birth-{part}"[^>]*>', page).group(0)
        assert f'value="{value}"' in box
        assert ('aria-invalid="true"' in box) == (part in wrong), part
    assert _user() is None


def test_a_date_of_birth_in_the_future_or_today_is_refused(client, neighbourhood):
    for when in (date.today() + timedelta(days=1), date.today()):
        response = _register(client, **{k.split("-")[1]: v for k, v in date_boxes(when).items()})
        assert response.status_code == 400
        assert "Date of birth must be in the past" in _summary(_text(response))
    assert _user() is None


def test_a_real_date_of_birth_is_kept_as_a_date(client, neighbourhood):
    response = _register(client, " 7 ", "03", "1984")
    assert response.status_code == 302
    assert _user().date_of_birth == date(1984, 3, 7)


def test_no_date_of_birth_is_fine_where_it_is_optional(client, neighbourhood):
    assert _register(client).status_code == 302
    assert _user().date_of_birth is None


def test_the_account_page_shows_and_changes_the_date_of_birth_in_three_boxes(
        client, neighbourhood, sign_in):
    resident = neighbourhood.users["resident"]
    sign_in(resident)
    page = _text(client.get("/account/"))
    for part, value in date_boxes(resident.date_of_birth).items():
        assert re.search(rf'<input [^>]*name="{part}"[^>]*value="{value}"', page)
    response = client.post("/account/profile", data={
        "display_name": "Mo", "postcode": "", **date_boxes(date(1975, 12, 1))})
    assert response.status_code == 302
    assert _user(resident.email).date_of_birth == date(1975, 12, 1)
    refused = client.post("/account/profile", data={
        "display_name": "Mo", "date_of_birth-day": "31", "date_of_birth-month": "4",
        "date_of_birth-year": "1975"})
    assert refused.status_code == 400
    assert "Date of birth must be a real date" in _text(refused)


def test_the_voting_code_form_requires_a_date_of_birth(client, neighbourhood):
    round_ = neighbourhood.rounds["voting"]
    response = client.post(f"/rounds/{round_.id}/vote/code", data={
        "code": "ABCD-EFGH-JKLM-NPQR", "postcode": "SK10 2LH", **date_boxes(None)})
    assert response.status_code == 400
    page = _text(response)
    assert '<a href="#date_of_birth-day">Enter your date of birth.</a>' in _summary(page)
    assert _title(page).startswith("Error: ")


def test_the_error_summary_links_to_each_field_and_does_not_repeat_the_label(
        client, neighbourhood):
    response = client.post("/account/register", data={})
    assert response.status_code == 400
    page = _text(response)
    summary = _summary(page)
    assert 'tabindex="-1" autofocus' in page.split('class="error-summary"', 1)[1][:200]
    assert '<a href="#display_name">Enter your first name.</a>' in summary
    assert '<a href="#email">Enter your email address.</a>' in summary
    assert '<a href="#password">Choose a password.</a>' in summary
    assert "Email address:" not in summary and "This field is required" not in summary
    for target in re.findall(r'href="#([^"]+)"', summary):
        assert f'id="{target}"' in page


def test_the_page_title_starts_with_error_only_when_the_form_has_errors(client, neighbourhood):
    assert _title(_text(client.get("/account/register"))).startswith("Register")
    assert 'class="error-summary"' not in _text(client.get("/account/register"))
    assert _title(_text(client.post("/account/register", data={}))).startswith("Error: Register")
    login = _text(client.post("/account/login", data={"email": "", "password": ""}))
    assert _title(login).startswith("Error: ")


@pytest.mark.parametrize("url, expected", [
    ("/account/register", {"display_name": "given-name", "email": "email",
                           "password": "new-password", "postcode": "postal-code",
                           "date_of_birth-day": "bday-day", "date_of_birth-month": "bday-month",
                           "date_of_birth-year": "bday-year"}),
    ("/account/login", {"email": "email", "password": "current-password"}),
    ("/account/forgot", {"email": "email"}),
])
def test_personal_fields_say_what_browsers_may_fill_in(client, neighbourhood, url, expected):
    page = _text(client.get(url))
    for name, token in expected.items():
        tag = re.search(rf'<input [^>]*name="{name}"[^>]*>', page).group(0)
        assert f'autocomplete="{token}"' in tag, tag


def test_the_account_page_fields_say_what_browsers_may_fill_in(client, neighbourhood, sign_in):
    sign_in(neighbourhood.users["resident"])
    page = _text(client.get("/account/"))
    for name, token in [("display_name", "given-name"), ("postcode", "postal-code"),
                        ("date_of_birth-day", "bday-day"), ("date_of_birth-year", "bday-year"),
                        ("current_password", "current-password"),
                        ("password", "new-password"), ("email", "email")]:
        assert re.search(rf'<input [^>]*autocomplete="{token}"[^>]*name="{name}"|'
                         rf'<input [^>]*name="{name}"[^>]*autocomplete="{token}"', page), name


def test_optional_fields_say_so_in_their_label(client, neighbourhood):
    page = _text(client.get("/account/register"))
    assert "Home postcode (optional)" in page
    assert "<legend>Date of birth (optional)</legend>" in page
    for required in ("Your first name (shown on proposals you make)", "Email address",
                     "Password"):
        assert re.search(rf">{re.escape(required)}</label>", page), required



def test_what_was_typed_in_a_date_box_comes_back_escaped(client, neighbourhood):
    response = _register(client, '"><script>alert(1)</script>', "3", "1984")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "<script>alert(1)" not in page
    assert 'value="&#34;&gt;&lt;script&gt;"' in page  # escaped, and cut to 10 characters
