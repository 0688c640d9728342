"""Languages: English and Welsh (Cymraeg) through Flask-Babel.

Templates mark text with ``{{ _("...") }}`` or ``{% trans %}...{% endtrans %}`` (trimmed,
so line breaks inside a block do not reach the catalogue); Python code uses ``gettext``
(``_``) at request time and ``lazy_gettext`` (``_l``) for text fixed at import, such as
form labels. Proposal content stays in the language its author wrote it in.

A person picks a language with the link in every page's header (``GET /language/<code>``),
which keeps the choice in the ``pb_lang`` cookie for a year. Dates and money are formatted
for the chosen language here, with fixed patterns, so English reads exactly as before
("25 November 2026", "£1,200.50") and Welsh gives "25 Tachwedd 2026".
See docs/translating.md for the catalogue and how to add a language.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from babel.dates import format_date as _babel_date
from babel.dates import format_datetime as _babel_datetime
from babel.numbers import format_currency
from flask import Blueprint, Flask, abort, current_app, redirect, request, url_for
from flask_babel import Babel, get_locale
from flask_babel.speaklater import LazyString

from pb.web_security import safe_path

LANGUAGES = {"en": "English", "cy": "Cymraeg"}
HTML_LANG = {"en": "en-GB", "cy": "cy"}  # what <html lang> says for each language
DEFAULT_LANGUAGE = "en"
LANGUAGE_COOKIE = "pb_lang"
LANGUAGE_COOKIE_DAYS = 365

DATE_PATTERN = "d MMMM yyyy"  # 25 November 2026
DATETIME_PATTERN = "d MMMM yyyy, HH:mm"  # 25 November 2026, 09:30

babel = Babel()

# flask_babel's lazy strings say they are safe HTML (``__html__``), so Jinja would print a
# lazy form label, hint or error without escaping it, unlike the same words as a plain
# string. Translations are text: without ``__html__`` they are escaped like any other
# text (and a lazy string formatted with something a person typed cannot inject markup).
if "__html__" in LazyString.__dict__:
    del LazyString.__html__
bp = Blueprint("i18n", __name__)


def select_locale() -> str:
    """The language a person chose (a cookie, set by the switcher), else English."""
    try:
        chosen = request.cookies.get(LANGUAGE_COOKIE, "")
    except RuntimeError:  # outside a request (CLI, jobs): English
        return DEFAULT_LANGUAGE
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE


def current_language() -> str:
    """"en" or "cy": the language this request is shown in (English outside a request)."""
    try:
        locale = get_locale()
    except RuntimeError:  # pragma: no cover - no app context
        return DEFAULT_LANGUAGE
    language = locale.language if locale is not None else DEFAULT_LANGUAGE
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def _babel_locale() -> str:
    """Babel's locale for formatting: British English, or Welsh."""
    return "cy" if current_language() == "cy" else "en_GB"


def format_day(value: date) -> str:
    """25 November 2026 / 25 Tachwedd 2026."""
    return _babel_date(value, DATE_PATTERN, locale=_babel_locale())


def format_moment(value: datetime) -> str:
    """25 November 2026, 09:30 (``value`` already in the display time zone)."""
    return _babel_datetime(value, DATETIME_PATTERN, tzinfo=value.tzinfo, locale=_babel_locale())


def format_pounds(pence: int, *, with_pence: bool) -> str:
    """£1,200 or £1,200.50 in the current language (the same in English and Welsh)."""
    pattern = "¤#,##0.00" if with_pence else "¤#,##0"
    return format_currency(Decimal(int(pence)) / 100, "GBP", format=pattern,
                           currency_digits=False, locale=_babel_locale())


# Fixed English words that models keep for exports and the API (a round's status, its
# ballot design, the allocation core's rule names): English text -> its lazy translation,
# registered by the area that shows them (pb.main.words). Pages show them through the
# ``words`` filter, so JSON and CSV stay in English whatever language a person chose.
WORDS: dict[str, object] = {}


def register_words(mapping: dict[str, object]) -> None:
    """Add English text -> lazy_gettext(text) pairs for the ``words`` filter."""
    WORDS.update(mapping)


def words(text):
    """The registered translation of a fixed English label, else the text unchanged."""
    found = WORDS.get(text) if isinstance(text, str) else None
    return str(found) if found is not None else text


def html_lang() -> str:
    """The ``lang`` attribute of every page: "en-GB" or "cy"."""
    return HTML_LANG[current_language()]


def other_languages() -> list[tuple[str, str, str]]:
    """(code, name in itself, switch link) for each language the page is not shown in,
    coming back to this page."""
    here = request.full_path.rstrip("?") if request else "/"
    return [(code, name, url_for("i18n.switch", code=code, next=here))
            for code, name in LANGUAGES.items() if code != current_language()]


@bp.route("/language/<code>")
def switch(code: str):
    """Remember a language in the ``pb_lang`` cookie and go back to the page asked for.

    A plain link, so it works without JavaScript; the cookie is essential (it only
    remembers a choice the person made) and is listed on the cookies page."""
    if code not in LANGUAGES:
        abort(404)
    response = redirect(safe_path(request.args.get("next")), 303)
    response.set_cookie(LANGUAGE_COOKIE, code, max_age=LANGUAGE_COOKIE_DAYS * 24 * 3600,
                        secure=current_app.config.get("PREFERRED_URL_SCHEME") == "https",
                        httponly=True, samesite="Lax")
    return response


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "UTC")
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.jinja_env.globals.update(html_lang=html_lang, other_languages=other_languages)
    app.jinja_env.filters["words"] = words
    app.register_blueprint(bp)
    from pb.translations_cli import translations

    app.cli.add_command(translations)
