"""Fixed English labels from the models and the allocation core are shown translated on
pages (the ``words`` filter) but stay English in the API and exports."""

from __future__ import annotations

import pytest
from flask_babel import refresh

from pb.allocation import RULE_DESCRIPTIONS, RULE_NAMES
from pb.equality.words import WORDS as EQUALITY_WORDS
from pb.i18n import WORDS, words
from pb.models import equality
from pb.models.round import _TIE_BREAK_WORDS, BALLOT_DESIGNS, STATUS_LABELS

ROUND_LABELS = [*STATUS_LABELS.values(), *BALLOT_DESIGNS.values(), *RULE_NAMES.values(),
                *RULE_DESCRIPTIONS.values(),
                *(w[1] for key, w in _TIE_BREAK_WORDS.items() if key != "lottery:SEED")]


def test_every_round_label_has_its_translation_entry(app):
    assert [label for label in ROUND_LABELS if label not in WORDS] == []


def test_every_equality_question_and_answer_has_its_translation_entry():
    texts = [q for q, _answers in equality.QUESTIONS.values()]
    texts += [text for _q, answers in equality.QUESTIONS.values() for _code, text in answers]
    texts += [heading for heading, _groups in equality.ETHNIC_GROUPS]
    texts.append(equality.PREFER_NOT[1])
    assert [text for text in texts if text not in EQUALITY_WORDS] == []


@pytest.mark.parametrize("english, welsh", [
    ("Voting open", "Pleidleisio ar agor"), ("Most votes first", "Y mwyaf o bleidleisiau gyntaf"),
    ("not a label", "not a label"),
])
def test_words_translate_in_welsh_and_leave_english_alone(app, english, welsh):
    with app.test_request_context("/", headers={"Cookie": "pb_lang=cy"}):
        refresh()
        assert words(english) == welsh
    with app.test_request_context("/"):
        refresh()
        assert words(english) == english
    assert words(None) is None


def test_the_round_page_in_welsh_and_the_api_in_english(client, neighbourhood):
    round_ = neighbourhood.rounds["voting"]
    client.get("/language/cy")
    page = client.get(f"/rounds/{round_.id}").get_data(as_text=True)
    assert "Pleidleisio ar agor" in page and "Voting open" not in page
    assert "<strong>Y mwyaf o bleidleisiau gyntaf.</strong>" in page
    home = client.get("/").get_data(as_text=True)
    assert "Pleidleisio ar agor" in home
    api = client.get(f"/api/v1/rounds/{round_.id}")
    assert api.status_code == 200 and "Pleidleisio" not in api.get_data(as_text=True)


def test_lazy_text_is_escaped_like_any_text(app):
    """flask_babel's lazy strings claim to be safe HTML; pb.i18n takes that back, so a lazy
    label or message is escaped in templates like the same words as a plain string."""
    from flask_babel import lazy_gettext
    from markupsafe import escape

    with app.test_request_context("/"):
        refresh()
        assert escape(lazy_gettext("Enter the page's text.")) == "Enter the page&#39;s text."
        assert escape(lazy_gettext("<b>%(x)s</b>", x="<script>")) == \
            "&lt;b&gt;&lt;script&gt;&lt;/b&gt;"
