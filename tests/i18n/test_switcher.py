"""The language switcher (issue 16, item 8): a link in every page's header, a cookie that
remembers the choice, a redirect that can only go back to a page of this site, and pages
whose ``lang`` attribute and text follow the choice. English is the default."""

from __future__ import annotations

import re

import pytest

from pb.i18n import LANGUAGE_COOKIE
from tests.factories import PASSWORD


def _html_lang(page: str) -> str:
    return re.search(r'<html lang="([^"]+)">', page).group(1)


def _cookie_header(response) -> str:
    return next(h for h in response.headers.getlist("Set-Cookie")
                if h.startswith(LANGUAGE_COOKIE + "="))


def test_english_is_the_default(client, neighbourhood):
    page = client.get("/").get_data(as_text=True)
    assert _html_lang(page) == "en-GB"
    assert "Decide together how to spend money on your neighbourhood's health" in page
    assert '<a href="/language/cy?next=/" lang="cy" hreflang="cy">Cymraeg</a>' in page


def test_an_unknown_language_in_the_cookie_means_english(client):
    client.set_cookie(LANGUAGE_COOKIE, "xx")
    page = client.get("/rounds").get_data(as_text=True)
    assert _html_lang(page) == "en-GB" and "<h1>Rounds</h1>" in page


def test_switching_sets_a_year_long_essential_cookie_and_goes_back(client):
    response = client.get("/language/cy?next=/rounds")
    assert response.status_code == 303
    assert response.headers["Location"] == "/rounds"
    cookie = _cookie_header(response)
    assert cookie.startswith("pb_lang=cy;")
    assert "Max-Age=31536000" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Path=/" in cookie and "Secure" not in cookie


def test_over_https_the_cookie_is_secure(app):
    app.config["PREFERRED_URL_SCHEME"] = "https"
    response = app.test_client().get("/language/cy", base_url="https://localhost")
    assert "Secure" in _cookie_header(response)


def test_welsh_pages_say_so_and_speak_welsh(client, neighbourhood):
    client.get("/language/cy")
    home = client.get("/").get_data(as_text=True)
    assert _html_lang(home) == "cy"
    assert "Penderfynwch gyda'ch gilydd sut i wario arian ar iechyd eich cymdogaeth" in home
    assert '<h2 id="rounds-heading">Cylchoedd</h2>' in home
    assert ">Mewngofnodi</a>" in home and ">Cofrestru</a>" in home
    assert "Neidio i'r prif gynnwys" in home
    assert '<a href="/language/en?next=/" lang="en" hreflang="en">English</a>' in home
    assert ">Cymraeg</a>" not in home
    rounds = client.get("/rounds").get_data(as_text=True)
    assert "<h1>Cylchoedd</h1>" in rounds and "<title>Cylchoedd · pb cyllidebu cyfranogol" in rounds
    round_page = client.get(f"/rounds/{neighbourhood.rounds['voting'].id}").get_data(as_text=True)
    assert "<h2>Ffeithiau allweddol</h2>" in round_page and "<h2>Amserlen</h2>" in round_page
    assert "<dt>Cyllideb</dt><dd>£50,000</dd>" in round_page


def test_the_choice_persists_and_can_be_undone(client):
    client.get("/language/cy")
    assert _html_lang(client.get("/account/login").get_data(as_text=True)) == "cy"
    assert _html_lang(client.get("/privacy").get_data(as_text=True)) == "cy"
    client.get("/language/en?next=/account/login")
    page = client.get("/account/login").get_data(as_text=True)
    assert _html_lang(page) == "en-GB" and "<h1>Sign in</h1>" in page


def test_the_switch_link_comes_back_to_the_same_page_and_query(client, neighbourhood):
    page = client.get("/rounds?x=1").get_data(as_text=True)
    assert 'href="/language/cy?next=/rounds?x%3D1"' in page


@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example/", "/\\evil.example", "\\\\evil.example",
    "javascript:alert(1)", "http:/evil.example", "evil.example", "/%0d%0aSet-Cookie:x=1",
    "\t//evil.example", "/rounds\r\nLocation: https://evil.example", "",
])
def test_the_switch_never_redirects_off_the_site(client, target):
    response = client.get("/language/cy", query_string={"next": target})
    assert response.status_code == 303
    location = response.headers["Location"]
    assert location.startswith("/") and not location.startswith(("//", "/\\"))
    assert "evil" not in location or location.startswith("/%")  # an encoded path stays here


def test_an_unknown_language_is_not_found(client):
    response = client.get("/language/fr?next=/rounds")
    assert response.status_code == 404
    assert not any(h.startswith(LANGUAGE_COOKIE) for h in response.headers.getlist("Set-Cookie"))


def test_welsh_form_errors_and_flash_messages(client, neighbourhood):
    client.get("/language/cy")
    page = client.post("/account/login", data={"email": "", "password": ""}).get_data(
        as_text=True)
    assert "<title>Gwall: Mewngofnodi" in page
    assert "Mae problem wedi codi" in page and "Rhowch eich cyfeiriad e-bost." in page
    assert '<span class="visually-hidden">Gwall:</span>' in page
    user = neighbourhood.users["resident"]
    response = client.post("/account/login", data={"email": user.email,
                                                   "password": PASSWORD},
                           follow_redirects=True)
    page = response.get_data(as_text=True)
    assert f"Wedi mewngofnodi fel {user.display_name}." in page


def test_welsh_date_input_messages(client):
    client.get("/language/cy")
    page = client.post("/account/register", data={
        "display_name": "Ffion", "email": "ffion@example.org",
        "password": "a long enough passphrase", "date_of_birth-day": "31",
        "date_of_birth-month": "", "date_of_birth-year": "1990"}).get_data(as_text=True)
    assert "Dyddiad geni: rhaid iddo gynnwys mis." in page
    assert '<label for="date_of_birth-day">Diwrnod</label>' in page
    assert "<legend>Dyddiad geni (dewisol)</legend>" in page
