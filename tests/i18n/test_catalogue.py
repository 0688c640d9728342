"""The translation catalogue is in step with the code, and the Welsh catalogue covers the
resident journeys (issue 16, item 8): propose, vote, receipt and results, and every page on
the way (the header and footer, signing in, registering, errors).

The resident test is parametrised by source area, so one area can be checked on its own:
``pytest tests/i18n/test_catalogue.py -k "templates/auth"``.
"""

from __future__ import annotations

import re

import pytest

from pb import translations_cli as catalogue
from tests.i18n.unmarked import unmarked_strings

# Where the text of the resident journeys comes from: a message with any of its source
# locations under one of these must be translated into Welsh.
RESIDENT_SOURCES = (
    "templates/base.html", "templates/_macros/", "templates/main/", "templates/auth/",
    "templates/pages/", "templates/errors/", "templates/proposals/", "templates/voting/",
    "templates/results/",
    "pb/forms.py", "pb/templating.py", "pb/auth/", "pb/main/", "pb/proposals/",
    "pb/voting/", "pb/results/",
)
# pb/main's views show no text of their own (their templates do): nothing to require.
MAY_BE_EMPTY = {"pb/main/"}
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|\{\w+\}")
TAG = re.compile(r"</?([a-z]+)\b")


@pytest.fixture(scope="module")
def template():
    return catalogue.extract()


@pytest.fixture(scope="module")
def welsh():
    return catalogue.read_catalog(catalogue.po_path("cy"), "cy")


def _id(message) -> str:
    return message.id if isinstance(message.id, str) else message.id[0]


def test_the_template_has_exactly_the_strings_the_code_marks(template):
    committed = catalogue.read_catalog(catalogue.TEMPLATE)
    assert {_id(m) for m in committed if m.id} == {_id(m) for m in template if m.id}, \
        "run: flask --app pb translations update"


def test_the_catalogue_files_are_up_to_date():
    assert catalogue.problems() == [], "run: flask --app pb translations update"


def test_welsh_has_every_string_of_the_template(welsh):
    committed = catalogue.read_catalog(catalogue.TEMPLATE)
    assert {_id(m) for m in committed if m.id} - {_id(m) for m in welsh if m.id} == set()


def test_the_committed_mo_is_a_fresh_compile_of_the_po(welsh):
    mo = catalogue.po_path("cy").with_suffix(".mo")
    assert mo.read_bytes() == catalogue.mo_bytes(welsh)


def test_welsh_has_six_plural_forms(welsh):
    assert welsh.num_plurals == 6
    assert welsh.plural_forms.startswith("nplurals=6;")


@pytest.mark.parametrize("area", RESIDENT_SOURCES)
def test_the_resident_journeys_are_translated_into_welsh(welsh, area):
    messages = [m for m in welsh if m.id and any(path.startswith(area)
                                                 for path, _line in m.locations)]
    if not messages and area not in MAY_BE_EMPTY:  # the others all show people text
        pytest.fail(f"{area} has no text in the catalogue: is it marked for translation?")
    missing = [_id(m) for m in messages if m.fuzzy or not all(
        m.string if isinstance(m.string, tuple) else (m.string,))]
    assert missing == [], f"{len(missing)} strings from {area} not translated into Welsh"


def test_every_translation_keeps_the_placeholders_and_tags(welsh):
    wrong = []
    for message in welsh:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(PLACEHOLDER.findall(ids[-1]))
        tags = sorted(TAG.findall(ids[-1]))
        for text in strings:
            if not text:
                continue
            found = set(PLACEHOLDER.findall(text))
            # A plural form may spell the number out ("un diwrnod") and drop %(num)d.
            if found != wanted and found != wanted - {"%(num)d", "%(num)s"}:
                wrong.append(f"{ids[0]!r}: {sorted(found)} instead of {sorted(wanted)}")
            if sorted(TAG.findall(text)) != tags:
                wrong.append(f"{ids[0]!r}: HTML tags differ")
    assert wrong == []


def test_welsh_translations_are_not_marked_up_text_the_checker_would_miss(welsh):
    """A translation with HTML must keep the source's tags only: the checker of the source
    template sees none of it (it is inside a trans block)."""
    for message in welsh:
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in strings:
            assert "<script" not in (text or "").lower()
            assert unmarked_strings("{% trans %}" + (text or "") + "{% endtrans %}") == []


def test_fill_from_parts_fills_only_empty_translations(tmp_path, welsh):
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    catalog = Catalog(locale="cy")
    catalog.add("Sign in", "Mewngofnodi")
    catalog.add("A new string", "")
    catalog.add(("%(num)d vote", "%(num)d votes"), ("", "", "", "", "", ""))
    part = Catalog(locale="cy")
    part.add("Sign in", "Something else")  # already translated: kept
    part.add("A new string", "Llinyn newydd")
    part.add(("%(num)d vote", "%(num)d votes"), tuple(["%(num)d pleidlais"] * 6))
    part.add("Not in the catalogue", "Dim")
    with (tmp_path / "voting.po").open("wb") as handle:
        write_po(handle, part)
    assert catalogue.fill_from_parts(catalog, [tmp_path / "voting.po"]) == 2
    assert catalog.get("Sign in").string == "Mewngofnodi"
    assert catalog.get("A new string").string == "Llinyn newydd"
    assert catalog.get("%(num)d vote").string == tuple(["%(num)d pleidlais"] * 6)
    assert catalog.get("Not in the catalogue") is None


def test_the_check_command_reports_an_up_to_date_catalogue(app):
    result = app.test_cli_runner().invoke(args=["translations", "check"])
    assert result.exit_code == 0, result.output
    assert "The catalogue is up to date." in result.output


def test_the_package_ships_the_compiled_catalogues():
    from configparser import ConfigParser
    from pathlib import Path

    setup = ConfigParser()
    setup.read(Path(catalogue.ROOT, "setup.cfg"))
    assert "translations/*/LC_MESSAGES/*" in setup["options.package_data"]["pb"]


def test_adding_a_language_starts_an_empty_catalogue(app, tmp_path, monkeypatch):
    monkeypatch.setattr(catalogue, "DIRECTORY", tmp_path)
    result = app.test_cli_runner().invoke(args=["translations", "add", "pa"])
    assert result.exit_code == 0, result.output
    added = catalogue.read_catalog(tmp_path / "pa" / "LC_MESSAGES" / "messages.po", "pa")
    committed = catalogue.read_catalog(catalogue.TEMPLATE)
    assert {_id(m) for m in added if m.id} == {_id(m) for m in committed if m.id}
    assert (tmp_path / "pa" / "LC_MESSAGES" / "messages.mo").exists()
    again = app.test_cli_runner().invoke(args=["translations", "add", "pa"])
    assert again.exit_code != 0 and "already has a catalogue" in again.output
    nonsense = app.test_cli_runner().invoke(args=["translations", "add", "not a language"])
    assert nonsense.exit_code != 0
