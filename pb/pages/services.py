"""Reading a public page (its saved text, or the built-in one) and saving an edit.

Saving is for administrators only (``policy.can_edit_public_pages``): one transaction,
one audit entry with the text before and after.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup
from sqlalchemy import select

from pb import audit
from pb.errors import NotAllowed, refuse
from pb.extensions import db
from pb.i18n import LANGUAGE_COOKIE
from pb.models import Partnership, PublicPage, User
from pb.models.base import utcnow
from pb.pages import PageError
from pb.pages.defaults import BUILT_IN_UPDATED, PAGES
from pb.policy import can_edit_public_pages
from pb.proposals.markup import clean, render_markdown, safe_html

TITLE_MAX = 120
BODY_MAX = 50_000


@dataclass(frozen=True)
class PageView:
    """What a template shows: the title, the body as sanitised HTML, when it changed."""

    slug: str
    title: str
    body: str
    updated_at: datetime
    updated_by: str | None
    built_in: bool  # never edited here: the text pb comes with

    @property
    def html(self) -> Markup:
        return safe_html(render_markdown(self.body))


def saved(slug: str) -> PublicPage | None:
    return db.session.scalar(select(PublicPage).where(PublicPage.slug == slug))


def page(slug: str) -> PageView:
    """The page as the public sees it. ``slug`` must be one of ``PAGES`` (KeyError if not)."""
    default = PAGES[slug]
    row = saved(slug)
    if row is None:
        return PageView(slug, default.title, default.body, BUILT_IN_UPDATED, None, True)
    return PageView(slug, row.title, row.body, row.updated_at,
                    row.updated_by.display_name if row.updated_by else None, False)


def save_page(actor: User | None, slug: str, title: str, body: str) -> PublicPage:
    """An administrator replaces a page's title and text."""
    if not can_edit_public_pages(actor):
        raise refuse(NotAllowed(_("Only administrators can change the public pages.")))
    if slug not in PAGES:
        raise refuse(PageError(_("There is no such page.")))
    title, body = clean(title), clean(body).replace("\r\n", "\n")
    errors = {}
    if not title:
        errors["title"] = _("Enter a title.")
    elif len(title) > TITLE_MAX:
        errors["title"] = _("Keep the title to %(num)s characters.", num=TITLE_MAX)
    if not body:
        errors["body"] = _("Enter the page's text.")
    elif len(body) > BODY_MAX:
        errors["body"] = _("Keep the text to %(num)s characters.", num=format(BODY_MAX, ","))
    if errors:
        raise refuse(PageError(_("Check the page's title and text."), field_errors=errors))
    row = saved(slug)
    before = page(slug)
    if row is None:
        row = PublicPage(slug=slug)
        db.session.add(row)
    row.title, row.body = title, body
    row.updated_at, row.updated_by_id = utcnow(), actor.id
    db.session.flush()
    audit.record("page.edited", row,
                 before={"title": before.title, "body": before.body,
                         "built_in": before.built_in},
                 after={"slug": slug, "title": title, "body": body}, actor=actor)
    db.session.commit()
    return row


def partnership_contacts() -> list[tuple[str, str]]:
    """(name, email) of every partnership with a contact address, for the contact page."""
    rows = db.session.execute(select(Partnership.name, Partnership.contact_email)
                              .where(Partnership.contact_email.is_not(None),
                                     Partnership.contact_email != "")
                              .order_by(Partnership.name)).all()
    return [(name, email) for name, email in rows]


@dataclass(frozen=True)
class Cookie:
    name: str
    purpose: str
    expires: str


# Cookies set elsewhere under their own names (tests/pages checks these stay in step).
DEVICE_COOKIE = "pb_device"  # pb.voting.views
KIOSK_COOKIE = "pb_kiosk"  # pb.events.kiosk_views


def cookies() -> list[Cookie]:
    """Every cookie pb sets, under the names this installation uses (``__Host-`` over https)."""
    config = current_app.config
    remember_days = config["REMEMBER_COOKIE_DURATION"].days
    return [
        Cookie(config["SESSION_COOKIE_NAME"],
               _("Keeps you signed in as you move between pages, protects forms against "
                 "forgery (a security token), remembers a voting code you have entered and "
                 "shows messages such as \"Saved\""),
               _("When you close your browser")),
        Cookie(config.get("REMEMBER_COOKIE_NAME", "remember_token"),
               _("Only if you tick \"Keep me signed in\": keeps you signed in on this device. "
                 "Signing out deletes it"),
               ngettext("%(num)d day", "%(num)d days", remember_days)),
        Cookie(DEVICE_COOKIE,
               _("Set when you enter a voting code: a random number for this browser, used to "
                 "slow down anyone guessing codes. It does not identify you"),
               _("1 year")),
        Cookie(KIOSK_COOKIE,
               _("Only on tablets that partnership staff set up for a decision day: tells pb "
                 "the tablet is one of theirs"),
               ngettext("%(num)d day", "%(num)d days", 14)),
        Cookie(LANGUAGE_COOKIE,
               _("Only if you choose a language with the link at the top of each page "
                 "(English or Cymraeg): remembers your choice"),
               _("1 year")),
    ]
