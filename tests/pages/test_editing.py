"""Administrators edit the public pages' text: one audit entry per edit, Markdown
sanitised, a clear message for bad input; nobody else may."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from pb.errors import NotAllowed
from pb.extensions import db
from pb.models import AuditEntry, PublicPage
from pb.pages import PageError, services
from tests.web import form_fields


def _audit(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_admin_edits_the_contact_page_and_the_public_sees_it(client, neighbourhood, sign_in):
    admin = neighbourhood.users["admin"]
    sign_in(admin)
    form_page = client.get("/admin/pages/contact")
    assert form_page.status_code == 200
    fields = form_fields(form_page.get_data(as_text=True))
    assert fields["title"] == "Contact us"
    assert "Report a problem with a vote" in fields["body"]  # starts from the built-in text
    fields.update(title="Get in touch", body="# Phone\n\nRing **0306 999 0142**.")
    response = client.post("/admin/pages/contact", data=fields)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/admin/pages")
    assert "Saved the page Get in touch." in client.get("/admin/pages").get_data(as_text=True)

    page = client.get("/contact").get_data(as_text=True)
    assert "<h1>Get in touch</h1>" in page
    assert "<h2>Phone</h2>" in page and "<strong>0306 999 0142</strong>" in page
    assert "Report a problem with a vote" not in page
    row = db.session.scalar(select(PublicPage).where(PublicPage.slug == "contact"))
    assert row.updated_by_id == admin.id
    entries = _audit("page.edited")
    assert len(entries) == 1
    assert entries[0].actor_id == admin.id and entries[0].object_id == str(row.id)
    before, after = json.loads(entries[0].before_json), json.loads(entries[0].after_json)
    assert before["built_in"] is True and before["title"] == "Contact us"
    assert after == {"slug": "contact", "title": "Get in touch",
                     "body": "# Phone\n\nRing **0306 999 0142**."}


def test_a_second_edit_updates_the_row_and_adds_one_more_entry(client, neighbourhood, sign_in):
    sign_in(neighbourhood.users["admin"])
    for text in ("First text.", "Second text."):
        assert client.post("/admin/pages/terms", data={"title": "Terms",
                                                       "body": text}).status_code == 303
    assert db.session.scalar(select(func.count()).select_from(PublicPage)) == 1
    entries = _audit("page.edited")
    assert len(entries) == 2
    assert json.loads(entries[1].before_json)["body"] == "First text."
    assert "Second text." in client.get("/terms").get_data(as_text=True)


def test_markdown_is_sanitised_script_and_raw_html_are_not_rendered(client, neighbourhood,
                                                                    sign_in):
    sign_in(neighbourhood.users["admin"])
    body = ('Hello <script>alert("pb")</script>\n\n<img src=x onerror=alert(1)>\n\n'
            '[click](javascript:alert(2)) and [fine](https://example.org)')
    assert client.post("/admin/pages/accessibility",
                       data={"title": "Accessibility statement", "body": body}
                       ).status_code == 303
    page = client.get("/accessibility").get_data(as_text=True)
    main = page.split('<main', 1)[1].split("</main>", 1)[0]
    assert "<script>" not in main and "<img" not in main
    assert 'href="javascript:' not in main  # left as the text typed, not a link
    assert "&lt;script&gt;" in main  # shown as text
    assert '<a href="https://example.org" rel="nofollow ugc noopener noreferrer">fine</a>' in main


@pytest.mark.parametrize("title, body, field, message", [
    ("", "Some text.", "title", "Enter a title."),
    ("Terms", "   ", "body", "Enter the page&#39;s text."),
    ("x" * 121, "Some text.", "title", "Field cannot be longer than 120 characters."),
])
def test_bad_input_gets_a_message_and_keeps_what_was_typed(client, neighbourhood, sign_in,
                                                           title, body, field, message):
    sign_in(neighbourhood.users["admin"])
    response = client.post("/admin/pages/terms", data={"title": title, "body": body})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in page and message in page
    assert f'id="{field}-error"' in page
    if body.strip():
        assert body in page
    assert db.session.scalar(select(func.count()).select_from(PublicPage)) == 0
    assert _audit("page.edited") == []


def test_the_service_refuses_control_characters_only_and_unknown_pages(neighbourhood):
    admin = neighbourhood.users["admin"]
    with pytest.raises(PageError) as refused:
        services.save_page(admin, "terms", "Terms", "\x00\x01")
    assert refused.value.field_errors == {"body": "Enter the page's text."}
    with pytest.raises(PageError):
        services.save_page(admin, "nonsense", "Terms", "Text")


@pytest.mark.parametrize("role", ["officer", "resident", "scrutiny"])
def test_the_service_refuses_anyone_but_an_administrator(neighbourhood, role):
    with pytest.raises(NotAllowed):
        services.save_page(neighbourhood.users[role], "terms", "Terms", "Text")
    with pytest.raises(NotAllowed):
        services.save_page(None, "terms", "Terms", "Text")
    assert db.session.scalar(select(func.count()).select_from(PublicPage)) == 0


def test_the_admin_list_shows_each_page_and_whether_it_was_edited(client, neighbourhood,
                                                                  sign_in):
    sign_in(neighbourhood.users["admin"])
    client.post("/admin/pages/cookies", data={"title": "Cookies", "body": "Only essential."})
    page = client.get("/admin/pages").get_data(as_text=True)
    for slug in ("accessibility", "contact", "cookies", "terms", "glossary", "privacy"):
        assert f'href="/admin/pages/{slug}"' in page
    assert page.count("Built-in text") == 5
    assert f"by {neighbourhood.users['admin'].display_name}" in page
    assert 'href="/admin/pages"' in client.get("/admin/").get_data(as_text=True)


def test_the_privacy_notice_shows_the_edited_who_to_ask_section(client, neighbourhood,
                                                                sign_in):
    sign_in(neighbourhood.users["admin"])
    client.post("/admin/pages/privacy", data={
        "title": "Who to ask", "body": "Our data protection officer: dpo@example.org."})
    page = client.get("/privacy").get_data(as_text=True)
    assert "dpo@example.org" in page
    assert "What we keep, why, and for how long" in page  # the fixed table stays
