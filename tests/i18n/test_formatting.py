"""Dates and money in the reader's language (issue 16, item 8): English exactly as before
("25 November 2026", "£1,200.50"), Welsh with Welsh month names; money reads the same."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, datetime

import pytest
from flask_babel import refresh

from pb.forms import DateInputField
from pb.money import format_pence
from pb.templating import format_date, format_datetime

CASES = [
    (date(2026, 11, 25), "25 November 2026", "25 Tachwedd 2026"),
    (date(2027, 1, 1), "1 January 2027", "1 Ionawr 2027"),
    (date(2026, 3, 5), "5 March 2026", "5 Mawrth 2026"),
]


@contextmanager
def _in(app, language: str):
    """A request in ``language`` (Flask-Babel keeps the locale it found on ``g``, which
    the test's app context shares: forget it)."""
    with app.test_request_context("/", headers={"Cookie": f"pb_lang={language}"}):
        refresh()
        yield
    with app.app_context():
        refresh()


@pytest.mark.parametrize("day, english, welsh", CASES)
def test_dates(app, day, english, welsh):
    with _in(app, "en"):
        assert format_date(day) == english
    with _in(app, "cy"):
        assert format_date(day) == welsh


def test_date_times_in_the_display_time_zone(app):
    # 09:30 UTC in summer is 10:30 in London; stored times are naive UTC.
    with _in(app, "en"):
        assert format_datetime(datetime(2026, 7, 14, 9, 30)) == "14 July 2026, 10:30"
        assert format_datetime(datetime(2026, 12, 1, 9, 5)) == "1 December 2026, 09:05"
        assert format_date(datetime(2026, 7, 14, 23, 30)) == "15 July 2026"
        assert format_datetime(None) == "" and format_date(None) == ""
    with _in(app, "cy"):
        assert format_datetime(datetime(2026, 7, 14, 9, 30)) == "14 Gorffennaf 2026, 10:30"
        assert format_datetime(datetime(2026, 12, 1, 9, 5)) == "1 Rhagfyr 2026, 09:05"


def test_english_outside_a_request(app):
    with app.app_context():
        assert format_date(date(2026, 11, 25)) == "25 November 2026"
        assert format_pence(120050) == "£1,200.50"


@pytest.mark.parametrize("pence, whole, shown", [
    (120000, True, "£1,200"), (120050, True, "£1,200.50"), (120000, False, "£1,200.00"),
    (5, True, "£0.05"), (0, True, "£0"), (-250000, True, "-£2,500"),
    (-1, False, "-£0.01"), (2**31 - 1, True, "£21,474,836.47"), (None, True, ""),
])
def test_money_is_the_same_in_english_and_welsh(app, pence, whole, shown):
    for language in ("en", "cy"):
        with _in(app, language):
            assert format_pence(pence, whole=whole) == shown


def test_the_filters_use_the_language(app, client, neighbourhood):
    round_ = neighbourhood.rounds["voting"]
    english = client.get(f"/rounds/{round_.id}").get_data(as_text=True)
    client.get("/language/cy")
    welsh = client.get(f"/rounds/{round_.id}").get_data(as_text=True)
    with _in(app, "en"):
        opens_en = format_datetime(round_.voting_open_at)
    with _in(app, "cy"):
        opens_cy = format_datetime(round_.voting_open_at)
    assert opens_en != opens_cy
    assert f"<td>{opens_en}</td>" in english and f"<td>{opens_cy}</td>" in welsh


def test_the_earliest_date_message_is_in_the_language(app):
    from flask_wtf import FlaskForm
    from werkzeug.datastructures import MultiDict

    class Form(FlaskForm):
        class Meta:
            csrf = False

        when = DateInputField("Date of birth", earliest=date(1900, 1, 1))

    data = MultiDict({"when-day": "1", "when-month": "1", "when-year": "1800"})
    with _in(app, "en"):
        form = Form(formdata=data)
        assert not form.validate()
        assert form.when.errors == ["Date of birth must be the same as or after 1 January 1900."]
    with _in(app, "cy"):
        form = Form(formdata=data)
        assert not form.validate()
        assert form.when.errors == [
            "Date of birth: rhaid iddo fod ar 1 Ionawr 1900 neu ar ôl hynny."]
