"""Every template's readable text is marked for translation (issue 16, Welsh beside English)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.i18n.unmarked import unmarked_strings

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
ALL = sorted(p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.rglob("*.html"))


@pytest.mark.parametrize("name", ALL)
def test_template_has_no_unmarked_text(name):
    found = unmarked_strings((TEMPLATES / name).read_text(encoding="utf-8"))
    assert not found, f"{name}: text not marked for translation:\n" + "\n".join(
        f"  line {line}: {text!r}" for line, text in found)


@pytest.mark.parametrize("source, expected", [
    ("<p>Vote now</p>", [(1, "Vote now")]),
    ("<p>{{ _('Vote now') }}</p>", []),
    ("<p>{% trans n=3 %}{{ n }} projects{% endtrans %}</p>", []),
    ('<img alt="Map of the wards" src="x.png">', [(1, "Map of the wards")]),
    ("<img alt=\"{{ _('Map') }}\">", []),
    ('<input type="submit" value="Send">', [(1, "Send")]),
    ('<button type="submit" name="action" value="save">Save</button>', [(1, "Save")]),
    ('<div class="button secondary" id="main-content"></div>', []),
    ('<details{% if open %} open{% endif %}><summary>More</summary></details>', [(1, "More")]),
    ("{{ field(form.postcode, hint='Enter a full postcode') }}", [(1, "Enter a full postcode")]),
    ("{{ field(form.postcode, hint=_('Enter a full postcode')) }}", []),
    ("{% set title = 'Proposals' %}", [(1, "Proposals")]),
    ("{{ url_for('proposals.list', round_id=r.id) }} {{ x|date }} £{{ y }} &middot;", []),
    ("<script>var s = 'Hello there';</script><style>p{}</style>", []),
    ("{# A comment with words #}\n<p>\n  Line two\n</p>", [(3, "Line two")]),
    ("{{ ngettext('%(num)d vote', '%(num)d votes', n) }}", []),
    ("{% if f.type == 'DateInputField' %}{% endif %}", []),
    ("{{ f(label='Postcode') }}", [(1, "Postcode")]),
])
def test_the_checker_finds_unmarked_text(source, expected):
    assert unmarked_strings(source) == expected
