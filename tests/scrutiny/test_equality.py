"""Equality monitoring on the dashboard: participation against the area's profile, and
no published figure (page or CSV) that reveals a count under 5."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from html.parser import HTMLParser

from sqlalchemy import func, select

from pb.extensions import db
from pb.models import EqualityResponse
from pb.models.equality import QUESTIONS
from pb.scrutiny import equality
from pb.scrutiny.filters import parse
from pb.scrutiny.suppression import HIDDEN, SMALL
from tests.factories import SCRUTINY_AGES


class Tables(HTMLParser):
    """The cells of the page's equality tables, as text."""

    def __init__(self):
        super().__init__()
        self.tables, self._in, self._cell = [], False, None

    def handle_starttag(self, tag, attrs):
        if tag == "table" and "equality-table" in (dict(attrs).get("class") or ""):
            self._in = True
            self.tables.append([])
        elif self._in and tag in ("td", "th"):
            self._cell = ""

    def handle_endtag(self, tag):
        if tag == "table":
            self._in = False
        elif self._in and tag in ("td", "th") and self._cell is not None:
            self.tables[-1].append(self._cell.strip())
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data


def counts_in(cells: list[str]) -> list[int]:
    """Every whole number shown (percentages and labels left out)."""
    return [int(c.replace(",", "")) for c in cells if re.fullmatch(r"[\d,]+", c)]


def test_the_age_table_counts_equal_an_independent_query_where_shown(app, world):
    table = equality.table("age_band", parse({}))
    truth = {(band, ctx): n for band, ctx, n in db.session.execute(
        select(EqualityResponse.age_band, EqualityResponse.context, func.count())
        .group_by(EqualityResponse.age_band, EqualityResponse.context)).all()}
    rows = {row["label"]: row for row in table["rows"]}
    voters_65 = rows["65 to 74"]["cells"][0]
    assert voters_65 == truth[("65-74", "voter")] == 12
    assert rows["25 to 34"]["cells"][:2] == [7, SMALL]  # 2 attendees: under 5
    assert table["total"] == sum(SCRUTINY_AGES.values()) == 48
    assert table["rows"][-1]["label"] == "Not answered"


def test_participation_sits_beside_the_area_profile(app, world):
    rows = {row["label"]: row for row in equality.table("age_band", parse({}))["rows"]}
    assert rows["65 to 74"]["area_share"] == Decimal("11.2")  # 5,500 of 49,000
    assert rows["65 to 74"]["share"] == Decimal("54.2")  # 26 of 48 who answered


def test_no_published_cell_under_5_on_the_page(client, world):
    page = client.get("/scrutiny/").get_data(as_text=True)
    parser = Tables()
    parser.feed(page)
    assert len(parser.tables) == len(QUESTIONS)
    shown = [n for table in parser.tables for n in counts_in(table)]
    assert shown and min(shown) >= 5
    cells = [c for table in parser.tables for c in table]
    assert SMALL in cells and HIDDEN in cells  # secondary suppression visible


def test_no_published_cell_under_5_in_any_csv_under_any_filter(client, world):
    hood, w = world
    filters = ["", f"?round={w['decided'].id}", f"?ward={hood.wards['Macclesfield Central'].id}",
               "?from=2025-10-13&to=2025-10-13", f"?area={hood.area.id}"]
    for field in QUESTIONS:
        for query in filters:
            text = client.get(f"/scrutiny/equality/{field}.csv{query}").get_data(as_text=True)
            rows = list(csv.reader(io.StringIO(text)))
            numbers = counts_in([c for row in rows[1:] for c in row[1:-2]])
            assert all(n >= 5 for n in numbers), (field, query, rows)


def test_a_hidden_cell_cannot_be_worked_out_from_its_row_or_column(app, world):
    """Secondary suppression: every row and column of the published table with a hidden
    count has at least two (so subtraction from a total never gives one away)."""
    table = equality.table("age_band", parse({}))
    grid = [row["cells"] + [row["total"]] for row in table["rows"]]
    grid.append(table["column_totals"] + [table["total"]])
    for line in grid + [list(col) for col in zip(*grid)]:
        hidden = sum(1 for v in line if isinstance(v, str))
        assert hidden in (0,) or hidden >= 2, line


def test_answers_are_never_linked_to_a_ballot():
    columns = {c.name for c in EqualityResponse.__table__.columns}
    assert not columns & {"user_id", "voter_id", "ballot_id", "code", "created_at"}


def test_filtering_to_nothing_shows_only_suppressed_zeros(client, world):
    text = client.get("/scrutiny/equality/age_band.csv?from=2030-01-01").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[-1][1:5] == [SMALL] * 4
