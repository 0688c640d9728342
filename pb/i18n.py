"""Languages: English and Welsh (Cymraeg) through Flask-Babel.

Templates mark text with ``{{ _("...") }}`` or ``{% trans %}...{% endtrans %}`` (trimmed,
so line breaks inside a block do not reach the catalogue); Python code uses ``gettext``
(``_``) at request time and ``lazy_gettext`` (``_l``) for text fixed at import, such as
form labels. Proposal content stays in the language its author wrote it in.
"""

from __future__ import annotations

from flask import Flask, request
from flask_babel import Babel

LANGUAGES = {"en": "English", "cy": "Cymraeg"}
DEFAULT_LANGUAGE = "en"
LANGUAGE_COOKIE = "pb_lang"

babel = Babel()


def select_locale() -> str:
    """The language a person chose (a cookie, set by the switcher), else English."""
    try:
        chosen = request.cookies.get(LANGUAGE_COOKIE, "")
    except RuntimeError:  # outside a request (CLI, jobs): English
        return DEFAULT_LANGUAGE
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "UTC")
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.policies["ext.i18n.trimmed"] = True
