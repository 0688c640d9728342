"""Finds text in a Jinja template that is not marked for translation.

Marked text is inside ``{% trans %}...{% endtrans %}`` or a string literal passed straight to
``_()``, ``gettext()``, ``ngettext()`` or ``pgettext()``. Everything else a person could read is
reported: text between tags, the attributes people read (``alt``, ``title``, ``placeholder``,
``aria-label``, ``aria-description``, ``label``, the ``value`` of an input button (a
``<button>``'s value is sent, not shown), a meta description),
and prose-like string literals inside ``{{ }}`` and ``{% %}`` (``hint="Enter a postcode"``,
``{% set title = "Proposals" %}``). Text inside ``<script>`` and ``<style>`` is not reported.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Names a language gives itself, and the product name, stay as they are in every language.
NOT_TRANSLATED = {"pb", "English", "Cymraeg"}

COMMENT = re.compile(r"\{#.*?#\}", re.S)
TRANS_BLOCK = re.compile(r"\{%-?\s*trans\b.*?\{%-?\s*endtrans\s*-?%\}", re.S)
JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)
LITERAL = re.compile(r"""(["'])((?:\\.|(?!\1).)*)\1""", re.S)
MARKED_CALL = re.compile(
    r"""\b(?:_|gettext|ngettext|pgettext|lazy_gettext|_l)\(\s*"""
    r"""(?:(["'])(?:\\.|(?!\1).)*\1\s*,\s*)?"""      # pgettext's context, ngettext's singular
    r"""(["'])(?:\\.|(?!\2).)*\2""", re.S)
READ_ATTRIBUTES = {"alt", "title", "placeholder", "aria-label", "aria-description", "label"}
LETTER = re.compile(r"[^\W\d_]")


def _blank(match: re.Match) -> str:
    """Keeps line numbers: a removed piece leaves its newlines behind. The space before
    keeps a tag a tag when the piece touches its name (``<details{% if x %} open{% endif %}>``)."""
    return " \x00" + "\n" * match.group(0).count("\n")


def _prose(text: str) -> bool:
    """A literal that reads as words to a person, not a class name, key or format."""
    text = text.strip()
    if not LETTER.search(text) or text in NOT_TRANSLATED:
        return False
    if re.fullmatch(r"[\w./:#%-]+", text) and not re.match(r"[A-Z][a-z]", text):
        return False  # an endpoint, key, class, format or path
    if re.fullmatch(r"[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+", text):
        return False  # a Python class name in a test (f.type == 'DateInputField')
    return bool(re.match(r"[A-Z][a-z]|[A-Z]{2,}\b", text) or re.search(r"[a-z]\s+[a-z].*[.?!:]$", text))


def _unmarked_literals(expression: str) -> list[str]:
    marked = {m.span() for m in MARKED_CALL.finditer(expression)}
    found = []
    for m in LITERAL.finditer(expression):
        if any(start <= m.start() and m.end() <= end for start, end in marked):
            continue
        if _prose(m.group(2)):
            found.append(m.group(2))
    return found


class _TextFinder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self._skip = 0

    def _report(self, text: str) -> None:
        line = self.getpos()[0] + text[: len(text) - len(text.lstrip())].count("\n")
        text = " ".join(text.replace("\x00", " ").split())
        if LETTER.search(text) and text not in NOT_TRANSLATED:
            self.found.append((line, text))

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        values = dict(attrs)
        read = set(READ_ATTRIBUTES)
        if tag == "input" and values.get("type") in ("submit", "button", "reset"):
            read.add("value")
        if values.get("name") == "description":
            read.add("content")
        for name, value in attrs:
            if value is not None and name in read:
                self._report(value)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self._report(data)


def unmarked_strings(source: str) -> list[tuple[int, str]]:
    """(line, text) for every piece of readable text in ``source`` not marked."""
    source = COMMENT.sub(_blank, source)
    source = TRANS_BLOCK.sub(_blank, source)
    found: list[tuple[int, str]] = []
    for m in JINJA.finditer(source):
        line = source.count("\n", 0, m.start()) + 1
        found.extend((line, text) for text in _unmarked_literals(m.group(0)))
    finder = _TextFinder()
    finder.feed(JINJA.sub(_blank, source))
    finder.close()
    return sorted(found + finder.found)
