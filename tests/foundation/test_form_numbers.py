"""Numbers typed into forms and URLs: whole, in range, or None; never an exception."""

import pytest

from pb.forms import db_id, small_int


@pytest.mark.parametrize("raw, expected", [
    ("42", 42), (" 7 ", 7), (7, 7), ("2147483647", 2147483647), ("2147483648", None),
    ("0", None), ("-3", None), ("1e400", None), ("²", None), ("٣", None), ("9" * 5000, None),
    ("", None), (None, None), ("12abc", None), ("\x00", None)])
def test_db_id(raw, expected):
    assert db_id(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("2026", 2026), ("1999", None), ("2101", None), ("-2026", None), ("9" * 5000, None),
    ("20 26", None), ("", None)])
def test_small_int_for_years(raw, expected):
    assert small_int(raw, 2000, 2100) == expected
