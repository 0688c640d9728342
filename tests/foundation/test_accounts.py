"""Accounts: register, verify, sign in and out, throttling, rehash, reset, change."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from pb.extensions import db
from pb.models import AuditEntry, Role, User
from tests.factories import PASSWORD, date_boxes
from tests.foundation.conftest import links_in, mail_to, sign_in, signed_in

NEW_PASSWORD = "bramble-jam-on-toast-19"
GOOD = {"display_name": "Bernadette", "email": "bernadette.oakes@example.org",
        "password": NEW_PASSWORD, "postcode": "sk10 2lh",
        **date_boxes(date(1961, 7, 30))}


def _user(email: str) -> User:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.email == email))


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


# Registration --------------------------------------------------------------------------------

def test_register_signs_in_sends_a_verification_link_and_audits(client, outbox, neighbourhood):
    response = client.post("/account/register", data=GOOD)
    assert response.status_code == 302
    assert urlsplit(response.location).path == "/account/"
    page = _text(client.get("/account/"))
    assert "bernadette.oakes@example.org" in page and "not confirmed yet" in page
    user = _user("bernadette.oakes@example.org")
    assert user.postcode == "SK10 2LH"
    assert user.password_hash.startswith("$argon2id$")
    assert user.role_set() == {Role.RESIDENT}
    assert not user.is_verified
    message = mail_to(outbox, "bernadette.oakes@example.org")
    assert "Confirm your email" in message["Subject"]
    assert "account.registered" in _actions()


@pytest.mark.parametrize("changes, field, message", [
    ({"email": "not-an-email"}, "email", "Enter an email address like name@example.org."),
    ({"email": ""}, "email", "Enter your email address."),
    ({"display_name": ""}, "display_name", "Enter your first name."),
    ({"password": "short-pw1"}, "password", "Use at least 10 characters."),
    ({"password": "x" * 60 + "y" * 69}, "password", "Use at most 128 characters."),
    ({"password": "password123"}, "password", "commonly used passwords"),
    ({"password": "qwertyuiop"}, "password", "commonly used passwords"),
    ({"email": "longpassword@example.org", "password": "LongPassword@example.org"},
     "password", "Do not use your email address as your password."),
    ({"postcode": "SK10"}, "postcode", "Enter a full UK postcode"),
    ({"date_of_birth-year": "2999"}, "date_of_birth", "Date of birth must be in the past"),
])
def test_register_refuses_bad_input_next_to_the_field_and_keeps_it(
        client, neighbourhood, changes, field, message):
    data = {**GOOD, **changes}
    response = client.post("/account/register", data=data)
    assert response.status_code == 400
    page = _text(response)
    assert f'id="{field}-error"' in page
    error = page.split(f'id="{field}-error"', 1)[1].split("</p>", 1)[0]
    assert message in error
    assert 'class="error-summary"' in page
    assert f'value="{GOOD["display_name"] if field != "display_name" else ""}"' in page or \
        field == "display_name"
    if field != "email":
        assert f'value="{data["email"]}"' in page
    assert f'value="{data["password"]}"' not in page  # passwords are never echoed
    assert _user(data["email"]) is None


def test_a_password_of_exactly_10_and_128_characters_is_accepted(client, neighbourhood):
    for i, password in enumerate(("sunny-days", "w" + "x-y-z" * 25 + "ab")):
        assert len(password) in (10, 128)
        data = {**GOOD, "email": f"edge{i}@example.org", "password": password}
        assert client.post("/account/register", data=data).status_code == 302
        client.post("/account/logout")


def test_register_with_an_existing_email_says_so_next_to_the_email(client, neighbourhood):
    data = {**GOOD, "email": "  Maureen.Clarke@Example.org "}
    response = client.post("/account/register", data=data)
    assert response.status_code == 400
    page = _text(response)
    error = page.split('id="email-error"', 1)[1].split("</p>", 1)[0]
    assert "already exists" in error
    assert 'value="Bernadette"' in page
    assert db.session.scalar(select(db.func.count()).select_from(User).where(
        User.email == "maureen.clarke@example.org")) == 1


# Email verification ------------------------------------------------------------------------------

def _register(client, outbox, **changes) -> str:
    response = client.post("/account/register", data={**GOOD, **changes})
    assert response.status_code == 302
    return links_in(mail_to(outbox, changes.get("email", GOOD["email"])))[0]


def test_verification_link_confirms_the_address_once(client, outbox, neighbourhood):
    link = _register(client, outbox)
    assert link.startswith("/account/verify/")
    response = client.get(link)
    assert response.status_code == 302
    assert _user(GOOD["email"]).is_verified
    assert "account.email_verified" in _actions()
    again = client.get(link)
    assert again.status_code == 400
    assert "already been used" in _text(again)
    # A second click on a confirmation link is not sent to "password reset".
    assert "If you have already confirmed your email address" in _text(again)
    assert "password reset" not in _text(again)


def test_tampered_verification_link_is_refused(client, outbox, neighbourhood):
    link = _register(client, outbox)
    tampered = link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB")
    response = client.get(tampered)
    assert response.status_code == 400
    assert "not valid" in _text(response)
    assert not _user(GOOD["email"]).is_verified


def test_expired_verification_link_is_refused(app, client, outbox, neighbourhood):
    link = _register(client, outbox)
    app.config["EMAIL_VERIFY_MAX_AGE"] = timedelta(seconds=-1)
    response = client.get(link)
    assert response.status_code == 400
    assert "expired" in _text(response)
    assert not _user(GOOD["email"]).is_verified


def test_resend_verification_sends_a_fresh_link(client, outbox, neighbourhood):
    _register(client, outbox)
    assert client.post("/account/verify/resend").status_code == 302
    assert len([m for m in outbox if m["To"] == GOOD["email"]]) == 2


# Signing in and out -------------------------------------------------------------------------------

def test_sign_in_and_out(client, neighbourhood):
    resident = neighbourhood.users["resident"]
    response = sign_in(client, " MAUREEN.clarke@example.org ")
    assert response.status_code == 302
    assert signed_in(client)
    assert "Maureen" in _text(client.get("/"))
    assert _user(resident.email).last_login_at is not None
    assert client.post("/account/logout").status_code == 302
    assert not signed_in(client)
    assert "account.login" in _actions()


def test_sign_out_needs_a_post(client, neighbourhood):
    sign_in(client, neighbourhood.users["resident"].email)
    assert client.get("/account/logout").status_code == 405
    assert signed_in(client)


def _without_tokens(page: str) -> str:
    """The page without its CSRF tokens, which carry a timestamp: under load two pages
    may be a second apart."""
    page = re.sub(r'name="csrf_token" value="[^"]*"', "FORM_TOKEN", page)
    return re.sub(r'"X-CSRFToken": "[^"]*"', "TOKEN", page)


def test_wrong_password_and_unknown_account_get_the_same_answer(client, neighbourhood):
    wrong = sign_in(client, neighbourhood.users["resident"].email, "not-my-password-9")
    unknown = sign_in(client, "nobody.here@example.org", "not-my-password-9")
    assert wrong.status_code == unknown.status_code == 400
    message = "That email address and password do not match an account."
    assert message in _text(wrong) and message in _text(unknown)
    assert "TOKEN" in _without_tokens(_text(wrong))
    assert _without_tokens(_text(wrong).replace("maureen.clarke@example.org", "X")) == \
        _without_tokens(_text(unknown).replace("nobody.here@example.org", "X"))
    assert not signed_in(client)
    assert _actions().count("account.login_failed") == 2


def test_the_login_form_keeps_the_email_but_not_the_password(client, neighbourhood):
    response = sign_in(client, "maureen.clarke@example.org", "not-my-password-9")
    page = _text(response)
    assert 'value="maureen.clarke@example.org"' in page
    assert "not-my-password-9" not in page


def test_a_deactivated_account_cannot_sign_in(client, neighbourhood):
    user = neighbourhood.users["resident"]
    user.is_active_account = False
    db.session.commit()
    assert sign_in(client, user.email).status_code == 400
    assert not signed_in(client)


# Throttling: see tests/integrity/test_login_throttle.py (increasing delays, test clock).


# Rehash on sign-in --------------------------------------------------------------------------------

def test_a_hash_with_old_parameters_is_upgraded_on_sign_in(app, client, neighbourhood):
    user = neighbourhood.users["resident"]
    old_hash = user.password_hash
    assert ",t=1," in old_hash or "m=8," in old_hash  # CHEAPEST, from the factories
    app.config["ARGON2_PROFILE"] = "RFC_9106_LOW_MEMORY"
    assert sign_in(client, user.email).status_code == 302
    new_hash = _user(user.email).password_hash
    assert new_hash != old_hash
    assert new_hash.startswith("$argon2id$v=19$m=65536,t=3,p=4$")


def test_a_wrong_password_does_not_rehash(app, client, neighbourhood):
    user = neighbourhood.users["resident"]
    old_hash = user.password_hash
    app.config["ARGON2_PROFILE"] = "RFC_9106_LOW_MEMORY"
    assert sign_in(client, user.email, "wrong-password-00").status_code == 400
    assert _user(user.email).password_hash == old_hash


# Password reset -----------------------------------------------------------------------------------

def _reset_link(client, outbox, email: str) -> str:
    response = client.post("/account/forgot", data={"email": email})
    assert response.status_code == 302
    return links_in(mail_to(outbox, email))[0]


def test_reset_password_link_works_once(client, outbox, neighbourhood):
    user = neighbourhood.users["resident"]
    link = _reset_link(client, outbox, user.email)
    assert link.startswith("/account/reset/")
    assert client.get(link).status_code == 200
    response = client.post(link, data={"password": NEW_PASSWORD})
    assert response.status_code == 302
    assert sign_in(client, user.email, NEW_PASSWORD).status_code == 302
    client.post("/account/logout")
    assert sign_in(client, user.email, PASSWORD).status_code == 400
    # The same link again: refused, the password stays.
    reused = client.post(link, data={"password": "another-new-password-5"})
    assert reused.status_code == 400
    assert "already been used" in _text(reused)
    assert client.get(link).status_code == 400
    assert sign_in(client, user.email, NEW_PASSWORD).status_code == 302
    assert "account.password_reset" in _actions()


def test_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(client, outbox,
                                                                       neighbourhood):
    known = client.post("/account/forgot", data={"email": neighbourhood.users["resident"].email},
                        follow_redirects=True)
    unknown = client.post("/account/forgot", data={"email": "nobody.here@example.org"},
                          follow_redirects=True)
    assert known.status_code == unknown.status_code == 200
    assert _without_tokens(_text(known)) == _without_tokens(_text(unknown))
    assert [m["To"] for m in outbox] == [neighbourhood.users["resident"].email]


def test_expired_reset_link_is_refused(app, client, outbox, neighbourhood):
    user = neighbourhood.users["resident"]
    link = _reset_link(client, outbox, user.email)
    app.config["PASSWORD_RESET_MAX_AGE"] = timedelta(seconds=-1)
    assert client.get(link).status_code == 400
    response = client.post(link, data={"password": NEW_PASSWORD})
    assert response.status_code == 400
    assert "expired" in _text(response)
    assert sign_in(client, user.email, PASSWORD).status_code == 302


def test_a_token_for_another_purpose_is_refused(client, outbox, neighbourhood):
    verify_link = _register(client, outbox)
    token = verify_link.rsplit("/", 1)[1]
    response = client.post(f"/account/reset/{token}", data={"password": "hijacked-password-77"})
    assert response.status_code == 400
    client.post("/account/logout")
    assert sign_in(client, GOOD["email"], "hijacked-password-77").status_code == 400
    assert sign_in(client, GOOD["email"], GOOD["password"]).status_code == 302


def test_reset_refuses_a_weak_new_password_and_keeps_the_link_usable(client, outbox,
                                                                      neighbourhood):
    link = _reset_link(client, outbox, neighbourhood.users["resident"].email)
    response = client.post(link, data={"password": "password1"})
    assert response.status_code == 400
    assert 'id="password-error"' in _text(response)
    assert client.post(link, data={"password": NEW_PASSWORD}).status_code == 302


def test_reset_ends_other_sessions(app, client, outbox, neighbourhood):
    user = neighbourhood.users["resident"]
    other = app.test_client()
    sign_in(other, user.email)
    link = _reset_link(client, outbox, user.email)
    client.post(link, data={"password": NEW_PASSWORD})
    assert not signed_in(other)


# Change password, change email, sign out everywhere -----------------------------------------------

def test_change_password_ends_other_sessions_but_not_this_one(app, client, neighbourhood):
    user = neighbourhood.users["resident"]
    other = app.test_client()
    sign_in(client, user.email)
    sign_in(other, user.email)
    assert signed_in(other)
    response = client.post("/account/password", data={"current_password": PASSWORD,
                                                      "password": NEW_PASSWORD})
    assert response.status_code == 302
    assert signed_in(client)
    assert not signed_in(other)
    assert sign_in(other, user.email, NEW_PASSWORD).status_code == 302
    assert "account.password_changed" in _actions()


def test_change_password_with_a_wrong_current_password_is_refused(client, neighbourhood):
    user = neighbourhood.users["resident"]
    sign_in(client, user.email)
    response = client.post("/account/password", data={"current_password": "wrong-password-00",
                                                      "password": NEW_PASSWORD})
    assert response.status_code == 400
    assert 'id="current_password-error"' in _text(response)
    client.post("/account/logout")
    assert sign_in(client, user.email, PASSWORD).status_code == 302


def test_change_password_refuses_the_email_address_as_password(client, neighbourhood):
    user = neighbourhood.users["resident"]
    sign_in(client, user.email)
    response = client.post("/account/password", data={"current_password": PASSWORD,
                                                      "password": user.email})
    assert response.status_code == 400
    assert "email address" in _text(response)


def test_change_email_takes_effect_only_after_the_link(client, outbox, neighbourhood):
    user = neighbourhood.users["resident"]
    old_email = user.email
    sign_in(client, old_email)
    response = client.post("/account/email", data={"current_password": PASSWORD,
                                                   "email": "Maureen.New@Example.org"})
    assert response.status_code == 302
    assert _user(old_email) is not None  # not changed yet
    assert _user("maureen.new@example.org") is None
    message = mail_to(outbox, "maureen.new@example.org")
    link = links_in(message)[0]
    assert client.get(link).status_code == 302
    assert _user(old_email) is None
    changed = _user("maureen.new@example.org")
    assert changed.id == user.id and changed.is_verified
    assert client.get(link).status_code == 400  # single use
    client.post("/account/logout")
    assert sign_in(client, "maureen.new@example.org").status_code == 302


def test_change_email_needs_the_password_and_a_free_address(client, outbox, neighbourhood):
    user = neighbourhood.users["resident"]
    sign_in(client, user.email)
    wrong = client.post("/account/email", data={"current_password": "wrong-password-00",
                                                "email": "maureen.new@example.org"})
    assert wrong.status_code == 400
    taken = client.post("/account/email", data={"current_password": PASSWORD,
                                                "email": neighbourhood.users["resident2"].email})
    assert taken.status_code == 400
    assert "already uses that email" in _text(taken)
    assert outbox == []


def test_sign_out_everywhere(app, client, neighbourhood):
    user = neighbourhood.users["resident"]
    other = app.test_client()
    sign_in(client, user.email)
    sign_in(other, user.email)
    assert client.post("/account/sign-out-everywhere").status_code == 302
    assert not signed_in(client)
    assert not signed_in(other)
    assert "account.signed_out_everywhere" in _actions()


def test_a_remember_me_cookie_stops_working_after_sign_out_everywhere(app, client, neighbourhood):
    user = neighbourhood.users["resident"]
    sign_in(client, user.email)
    other = app.test_client()
    other.post("/account/login", data={"email": user.email, "password": PASSWORD,
                                       "remember": "y"})
    remember = other.get_cookie("remember_token", domain="pb.test")
    assert remember is not None
    before = app.test_client()
    before.set_cookie("remember_token", remember.value, domain="pb.test")
    assert signed_in(before)  # the cookie alone signs in...
    client.post("/account/sign-out-everywhere")
    fresh = app.test_client()
    fresh.set_cookie("remember_token", remember.value, domain="pb.test")
    assert not signed_in(fresh)  # ...until the person signs out everywhere


def test_profile_update(client, neighbourhood):
    sign_in(client, neighbourhood.users["resident"].email)
    response = client.post("/account/profile", data={"display_name": "Mo", "postcode": "sk11 7ab",
                                                     **date_boxes(None)})
    assert response.status_code == 302
    user = _user(neighbourhood.users["resident"].email)
    assert (user.display_name, user.postcode, user.date_of_birth) == ("Mo", "SK11 7AB", None)
    bad = client.post("/account/profile", data={"display_name": "", "postcode": "nowhere"})
    assert bad.status_code == 400
    assert 'value="nowhere"' in _text(bad)


# Open redirects -----------------------------------------------------------------------------------

@pytest.mark.parametrize("target", ["//evil.example", "https://evil.example",
                                    "/\\evil.example", "http:/evil.example", "\\\\evil.example",
                                    "javascript:alert(1)", "/%5Cevil.example"])
def test_next_never_leaves_the_site(client, neighbourhood, target):
    response = client.post("/account/login", query_string={"next": target},
                           data={"email": neighbourhood.users["resident"].email,
                                 "password": PASSWORD})
    assert response.status_code == 302
    parts = urlsplit(response.location)
    assert parts.netloc in ("", "pb.test")
    if target != "/%5Cevil.example":
        assert parts.path == "/"
    # A signed-in visit to the log-in page with the same next goes home too.
    again = client.get("/account/login", query_string={"next": target})
    assert urlsplit(again.location).netloc in ("", "pb.test")


def test_next_keeps_a_local_path(client, neighbourhood):
    response = client.post("/account/login", query_string={"next": "/rounds?page=2"},
                           data={"email": neighbourhood.users["resident"].email,
                                 "password": PASSWORD})
    assert response.location.endswith("/rounds?page=2")


def test_a_signed_out_visit_to_a_protected_page_comes_back_after_sign_in(client, neighbourhood):
    response = client.get("/manage")
    assert response.status_code == 302
    login_url = response.location
    assert urlsplit(login_url).path == "/account/login"
    officer = neighbourhood.users["officer"]
    back = client.post(login_url, data={"email": officer.email, "password": PASSWORD})
    assert urlsplit(back.location).path == "/manage"

