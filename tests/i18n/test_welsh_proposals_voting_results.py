"""The Welsh catalogue for the proposal, voting and results pages (issue 16): it holds
every string those pages mark, each translated with its placeholders kept, and the pages
read in Welsh when a resident chooses Cymraeg."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from pb.i18n import LANGUAGE_COOKIE
from tests.factories import make_ballot_round, resident_proposal

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "pb" / "translations" / "cy" / "LC_MESSAGES" / "messages.po"
KEYWORDS = {"_": None, "_l": None, "gettext": None, "lazy_gettext": None,
            "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}
SOURCES = [("pb/proposals", "python"), ("pb/voting", "python"), ("pb/results", "python"),
           ("templates/proposals", "jinja2"), ("templates/voting", "jinja2"),
           ("templates/results", "jinja2")]


def _catalogue():
    with CATALOGUE.open("rb") as handle:
        return read_po(handle, locale="cy")


def _marked() -> set[str]:
    found = set()
    for folder, method in SOURCES:
        pattern = "**.py" if method == "python" else "**.html"
        for _file, _line, message, _comments, _context in extract_from_dir(
                ROOT / folder, method_map=[(pattern, method)], keywords=KEYWORDS,
                options_map={pattern: {"trimmed": "true"}}):
            found.add(message[0] if isinstance(message, tuple) else message)
    return found


def _key(message) -> str:
    return message.id[0] if isinstance(message.id, tuple) else message.id


def test_the_catalogue_translates_these_pages_and_keeps_their_placeholders():
    catalogue = _catalogue()
    assert catalogue.num_plurals == 6  # Welsh: zero, one, two, few, many, other
    marked = _marked()
    ours = [m for m in catalogue if m.id and _key(m) in marked]
    missing = marked - {_key(m) for m in ours}
    assert not missing, f"marked but not in {CATALOGUE.name}: {sorted(missing)[:10]}"
    empty = [m.id for m in ours if m.fuzzy or not all(
        m.string if isinstance(m.string, tuple) else [m.string])]
    assert not empty, f"not translated: {empty[:10]}"
    problems = [(m.id, [str(e) for e in errors]) for m, errors in catalogue.check()
                if _key(m) in marked]
    assert not problems, problems[:5]


@pytest.fixture
def welsh(app, tmp_path, client):
    """The app reading the Welsh catalogue, and a browser that chose Cymraeg."""
    folder = tmp_path / "cy" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with (folder / "messages.mo").open("wb") as handle:
        write_mo(handle, _catalogue())
    config = app.extensions["babel"]
    before = list(config.translation_directories)
    # Only this folder: Flask-Babel's merge of several folders keeps the last one's plural
    # rule, and a folder without Welsh would bring English plurals.
    config.translation_directories[:] = [str(tmp_path)]
    config.instance.domain_instance.cache.clear()
    client.set_cookie(LANGUAGE_COOKIE, "cy", domain=app.config.get("SERVER_NAME") or "localhost")
    yield client
    config.translation_directories[:] = before
    config.instance.domain_instance.cache.clear()


def _leads(html: str) -> list[str]:
    return re.findall(r'<p class="easy-lead">([^<]*)</p>', html)


def test_the_easy_read_page_and_the_ballot_read_in_welsh(welsh, sign_in, neighbourhood):
    round_, _projects = make_ballot_round(neighbourhood, design="budget",
                                          budget_pence=30_000_00, ballot_max_choices=3)
    page = welsh.get(f"/rounds/{round_.id}/how-to-vote").get_data(as_text=True)
    assert _leads(page)[:3] == ["Darllenwch am y prosiectau.",
                                "Ticiwch y prosiectau rydych chi eu heisiau.",
                                "Cadwch o fewn yr arian."]
    assert "Gallwch dicio hyd at 3 o brosiectau." in page  # Welsh plural form "few"
    assert "Gall eich prosiectau gostio hyd at £30,000 i gyd." in page
    sign_in(neighbourhood.users["resident"])
    ballot = html.unescape(welsh.get(f"/rounds/{round_.id}/vote").get_data(as_text=True))
    assert "<h1>Eich pleidlais</h1>" in ballot
    assert "Cyflwyno fy mhleidlais" in ballot and "Submit my ballot" not in ballot
    # The rules come from Python (pb.voting.designs), in Welsh too.
    assert "Dewiswch brosiectau nad yw cyfanswm eu costau'n fwy na £30,000." in ballot
    assert "Dewiswch 3 o brosiectau ar y mwyaf." in ballot


def test_a_ranked_ballot_numbers_its_choices_in_welsh(welsh, sign_in, neighbourhood):
    round_, _projects = make_ballot_round(neighbourhood, design="ranking",
                                          ballot_rank_length=3)
    sign_in(neighbourhood.users["resident"])
    ballot = welsh.get(f"/rounds/{round_.id}/vote").get_data(as_text=True)
    assert all(f"Eich dewis {n}</label>" in ballot for n in ("1af", "2il", "3ydd"))


def test_a_proposals_status_reads_in_welsh(welsh, neighbourhood):
    proposal = resident_proposal(neighbourhood)
    page = html.unescape(welsh.get(f"/proposals/{proposal.id}").get_data(as_text=True))
    assert ">Wedi'i gyflwyno</span>" in page  # "Submitted", through the words filter
    assert ">Submitted</span>" not in page
