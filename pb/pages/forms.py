"""Editing a public page: its title and its text in Markdown."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from pb.pages.services import BODY_MAX, TITLE_MAX


class PageForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(_l("Enter a title.")),
                                             Length(max=TITLE_MAX)])
    body = TextAreaField(
        "Text", validators=[DataRequired(_l("Enter the page's text.")), Length(max=BODY_MAX)],
        description=_l("Markdown: a line starting with # is a section heading (## for a "
                    "smaller one), - starts a list item, **bold**, *italic*, "
                    "[link text](https://example.org). HTML is not allowed."))
