"""The translation catalogue: extract, update, compile and check (``flask --app pb translations``).

Everything goes through Babel's Python API, so no other tool is needed:

- ``flask --app pb translations update`` extracts every marked string (babel.cfg) into
  pb/translations/messages.pot, merges it into each language's messages.po (new strings
  empty, removed ones dropped) and compiles each messages.mo. With ``--parts`` it first
  fills empty translations from pb/translations/parts/*.po (work done on a branch).
- ``flask --app pb translations check`` fails when any of those files is out of date.
- ``flask --app pb translations add LANG`` starts a new language.

Locations are kept without line numbers, so moving code does not churn the catalogue.
See docs/translating.md.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from configparser import ConfigParser
from pathlib import Path

import click
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "babel.cfg"
DIRECTORY = ROOT / "pb" / "translations"
TEMPLATE = DIRECTORY / "messages.pot"
PARTS = DIRECTORY / "parts"
PROJECT = "pb"
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None,
            "lazy_ngettext": (1, 2), "lazy_pgettext": ((1, "c"), 2)}
# Babel finds extractors by name through entry points; name Jinja's directly.
METHODS = {"jinja2": "jinja2.ext:babel_extract"}
WIDTH = 96


def _mapping() -> tuple[list[tuple[str, str]], dict[str, dict[str, str]]]:
    """babel.cfg as (pattern, method) pairs and each pattern's options."""
    parser = ConfigParser(interpolation=None)
    parser.read(CONFIG, encoding="utf-8")
    methods, options = [], {}
    for section in parser.sections():
        method, _sep, pattern = section.partition(":")
        method, pattern = method.strip(), pattern.strip()
        methods.append((pattern, METHODS.get(method, method)))
        options[pattern] = dict(parser.items(section))
    return methods, options


def _wanted_directory(path: str) -> bool:
    """Every folder but hidden ones, caches and the virtualenv (Babel's own filter would
    also skip templates/_macros: it drops every name starting with "_")."""
    name = Path(path).name
    return not (name.startswith(".") or name in ("__pycache__", "node_modules"))


def extract() -> Catalog:
    """Every marked string in pb/ and templates/, as a template catalogue."""
    methods, options = _mapping()
    catalog = Catalog(project=PROJECT, charset="utf-8", fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
            str(ROOT), methods, options, KEYWORDS, comment_tags=("Translators:",),
            strip_comment_tags=True, directory_filter=_wanted_directory):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments,
                    context=context)
    return catalog


def _po_bytes(catalog: Catalog, *, template: bool = False) -> bytes:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=WIDTH, sort_output=True, include_lineno=False,
             ignore_obsolete=True, omit_header=False, include_previous=False)
    text = buffer.getvalue()
    if template:  # the creation date would change the file on every run
        text = b"\n".join(line for line in text.split(b"\n")
                          if not line.startswith(b'"POT-Creation-Date:'))
    return text


def mo_bytes(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def locales() -> list[str]:
    return sorted(p.parent.parent.name for p in DIRECTORY.glob("*/LC_MESSAGES/messages.po"))


def po_path(locale: str) -> Path:
    return DIRECTORY / locale / "LC_MESSAGES" / "messages.po"


def read_catalog(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def merged(locale: str, template: Catalog) -> Catalog:
    """The language's catalogue with the template's strings: translations kept, new strings
    empty, strings no longer in the code dropped (no fuzzy guesses)."""
    catalog = read_catalog(po_path(locale), locale)
    catalog.update(template, no_fuzzy_matching=True, update_header_comment=False,
                   update_creation_date=False)
    catalog.obsolete.clear()
    return catalog


def fill_from_parts(catalog: Catalog, parts: Iterable[Path]) -> int:
    """Fill the catalogue's empty (or fuzzy) translations from partial catalogues of the
    same language; returns how many were filled. Existing translations win."""
    filled = 0
    for path in sorted(parts):
        part = read_catalog(path, str(catalog.locale))
        for message in part:
            if not message.id or not _translated(message):
                continue
            mine = catalog.get(message.id, context=message.context)
            if mine is None or (_translated(mine) and not mine.fuzzy):
                continue
            mine.string = message.string
            mine.flags.discard("fuzzy")
            filled += 1
    return filled


def _translated(message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(strings) and not message.fuzzy


def _write_if_changed(path: Path, data: bytes) -> bool:
    if path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


def update(*, with_parts: bool = False) -> list[str]:
    """Extract, merge and compile; returns what changed (for the command's report)."""
    template = extract()
    changed = []
    if _write_if_changed(TEMPLATE, _po_bytes(template, template=True)):
        changed.append(str(TEMPLATE.relative_to(ROOT)))
    for locale in locales():
        catalog = merged(locale, template)
        if with_parts:
            parts = list(PARTS.glob("*.po")) if PARTS.is_dir() else []
            count = fill_from_parts(catalog, parts)
            changed.append(f"{locale}: {count} translations taken from {len(parts)} part(s)")
        if _write_if_changed(po_path(locale), _po_bytes(catalog)):
            changed.append(str(po_path(locale).relative_to(ROOT)))
        compiled = read_catalog(po_path(locale), locale)
        mo = po_path(locale).with_suffix(".mo")
        if _write_if_changed(mo, mo_bytes(compiled)):
            changed.append(str(mo.relative_to(ROOT)))
    return changed


def problems() -> list[str]:
    """What is out of date: the template against the code, each language against the
    template, each compiled file against its .po. Empty when all is in step."""
    found = []
    template = extract()
    if not TEMPLATE.exists() or TEMPLATE.read_bytes() != _po_bytes(template, template=True):
        found.append(f"{TEMPLATE.relative_to(ROOT)} is not what the code marks now")
    wanted = {(m.id if isinstance(m.id, str) else m.id[0], m.context) for m in template if m.id}
    for locale in locales():
        catalog = read_catalog(po_path(locale), locale)
        have = {(m.id if isinstance(m.id, str) else m.id[0], m.context) for m in catalog if m.id}
        if missing := wanted - have:
            found.append(f"{locale}: {len(missing)} strings of the template are missing")
        if extra := have - wanted:
            found.append(f"{locale}: {len(extra)} strings are no longer in the code")
        mo = po_path(locale).with_suffix(".mo")
        if not mo.exists() or mo.read_bytes() != mo_bytes(catalog):
            found.append(f"{mo.relative_to(ROOT)} is not a compile of its .po")
    return found


def untranslated(locale: str) -> list[str]:
    return [m.id if isinstance(m.id, str) else m.id[0]
            for m in read_catalog(po_path(locale), locale) if m.id and not _translated(m)]


@click.group("translations")
def translations():
    """The translation catalogue (pb/translations; see docs/translating.md)."""


@translations.command("update")
@click.option("--parts", "with_parts", is_flag=True,
              help="Also fill empty translations from pb/translations/parts/*.po.")
def update_command(with_parts: bool):
    """Extract marked strings, merge them into every language and compile."""
    for line in update(with_parts=with_parts) or ["Nothing changed."]:
        click.echo(line)
    for locale in locales():
        click.echo(f"{locale}: {len(untranslated(locale))} strings not translated yet")


@translations.command("check")
def check_command():
    """Fail when the catalogue is out of date with the code (run update to fix)."""
    found = problems()
    for line in found:
        click.echo(line, err=True)
    for locale in locales():
        click.echo(f"{locale}: {len(untranslated(locale))} strings not translated yet")
    if found:
        raise SystemExit(1)
    click.echo("The catalogue is up to date.")


@translations.command("add")
@click.argument("locale")
def add_command(locale: str):
    """Start a new language, e.g. ``pa`` (Punjabi): an empty catalogue from the template."""
    from babel import Locale, UnknownLocaleError

    try:
        Locale.parse(locale)
    except (ValueError, UnknownLocaleError) as exc:
        raise click.BadParameter(f"{locale} is not a language Babel knows") from exc
    if po_path(locale).exists():
        raise click.BadParameter(f"{locale} already has a catalogue")
    template = extract()
    catalog = Catalog(locale=locale, project=PROJECT, charset="utf-8", fuzzy=False)
    catalog.update(template, no_fuzzy_matching=True)
    _write_if_changed(po_path(locale), _po_bytes(catalog))
    _write_if_changed(po_path(locale).with_suffix(".mo"), mo_bytes(catalog))
    click.echo(f"Created {po_path(locale)}. Add {locale!r} to "
               "pb.i18n.LANGUAGES when it is translated.")
