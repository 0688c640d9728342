"""The voting tablet in Welsh: the kiosk's text is marked for translation and the Welsh in
pb/translations/cy/LC_MESSAGES/messages.po reaches the page (issue 16, Welsh beside English).

The catalogue is compiled here from its .po, so the test proves the marking and the
translations match even before `flask --app pb translations update` compiles the .mo.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from tests.events.test_kiosk import enrolled_client
from tests.factories import check_in_person

CATALOGUE = (Path(__file__).resolve().parents[2] / "pb" / "translations" / "cy" / "LC_MESSAGES"
             / "messages.po")


@pytest.fixture
def welsh(app, tmp_path):
    """The app reading the Welsh catalogue compiled from its .po."""
    target = tmp_path / "translations" / "cy" / "LC_MESSAGES"
    target.mkdir(parents=True)
    with CATALOGUE.open("rb") as source:
        catalog = read_po(source)
    with (target / "messages.mo").open("wb") as out:
        write_mo(out, catalog)
    babel = app.extensions["babel"]
    before = babel.translation_directories
    babel.translation_directories = [str(tmp_path / "translations")]
    babel.instance.domain_instance.cache.clear()
    yield catalog
    babel.translation_directories = before
    babel.instance.domain_instance.cache.clear()


def test_the_kiosk_text_is_translated_and_keeps_its_placeholders(welsh):
    kiosk = [m for m in welsh if m.id and any(
        path.startswith("templates/events/kiosk") for path, _line in m.locations)]
    assert len(kiosk) >= 20
    assert not [m.id for m in kiosk if m.fuzzy or not m.string]
    assert not list(welsh.check())  # python-format placeholders match
    assert welsh.num_plurals == 6


def test_a_resident_votes_on_a_tablet_in_welsh(app, day, welsh):
    hood, round_, proposals, event = day
    tablet, _token = enrolled_client(app, hood, event)
    host = app.config.get("SERVER_NAME") or "localhost"
    tablet.set_cookie("pb_lang", "cy", domain=host)  # as the language switcher leaves it
    start = tablet.get("/kiosk").get_data(as_text=True)
    assert "Pleidleisiwch yma" in start and "Teipiwch y cod sydd ar eich cerdyn" in start
    assert "Vote here" not in start and "Type the code on your voting card" not in start

    wrong = tablet.post("/kiosk", data={"code": "AAAA-BBBB-CCCC-DDDD"})
    assert wrong.status_code in (400, 422)
    assert "Nid yw&#39;r cod hwnnw&#39;n gywir" in wrong.get_data(as_text=True)

    _checked, code = check_in_person(event, hood.users["event_staff"])
    assert tablet.post("/kiosk", data={"code": code}).status_code == 303
    ballot = tablet.get("/kiosk/ballot").get_data(as_text=True)
    assert "Anfon fy mhleidlais" in ballot and "Send my vote" not in ballot
    assert "Dechrau eto" in ballot

    tablet.set_cookie("pb_lang", "en", domain=host)  # and back: English exactly as before
    assert "Send my vote" in tablet.get("/kiosk/ballot").get_data(as_text=True)


