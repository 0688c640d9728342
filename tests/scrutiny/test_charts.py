"""The SVG charts module: titles, labels, values, greyscale-safe styles, escaping, CSV."""

from __future__ import annotations

import colorsys
import xml.etree.ElementTree as ET

import pytest

from pb.scrutiny.charts import SERIES_STYLES, Chart, svg

NS = "{http://www.w3.org/2000/svg}"


def bar():
    return Chart("spend", "bar", "Spend by ward", "Ward", "Pounds", ["Ward", "Spend"],
                 [["Hurdsfield", 9_000_00], ["Tytherington", 4_500_00]], unit="pence")


def stacked():
    return Chart("money", "stacked", "Money by round", "Round", "Pounds",
                 ["Round", "Spent", "Paid", "To pay"],
                 [["Decision Day 2025", 300_00, 150_00, 450_00], ["Fund 2026", 0, 0, 900_00]],
                 unit="pence")


def line():
    return Chart("paid", "line", "Paid over time", "Month", "Pounds",
                 ["Month", "Paid to date", "That month"],
                 [["2025-11", 9_000_00, 9_000_00], ["2026-01", 11_000_00, 2_000_00]],
                 unit="pence")


def progress():
    return Chart("budgets", "progress", "Allocated against budget", "Round", "of budget",
                 ["Round", "Allocated", "Budget"], [["Decision Day 2025", 97_150_00,
                                                     100_000_00]], unit="pence")


@pytest.mark.parametrize("make", [bar, stacked, line, progress])
def test_each_chart_is_valid_svg_with_a_title_and_description(make):
    chart = make()
    root = ET.fromstring(svg(chart))
    assert root.get("role") == "img"
    title, desc = root.find(f"{NS}title"), root.find(f"{NS}desc")
    assert title.text == chart.title
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    words = " ".join(t.text or "" for t in root.iter(f"{NS}text"))
    assert chart.title in words


def test_bars_label_their_categories_axes_and_values():
    words = " ".join(t.text or "" for t in ET.fromstring(svg(bar())).iter(f"{NS}text"))
    for expected in ("Hurdsfield", "Tytherington", "£9,000", "£4,500", "Pounds", "Ward", "£0"):
        assert expected in words
    rects = [r for r in ET.fromstring(svg(bar())).iter(f"{NS}rect") if r.find(f"{NS}title")
             is not None]
    widths = [float(r.get("width")) for r in rects]
    assert widths[0] == pytest.approx(2 * widths[1])  # drawn to scale


def test_stacked_bars_have_a_key_segment_values_and_totals():
    root = ET.fromstring(svg(stacked()))
    words = [t.text for t in root.iter(f"{NS}text")]
    for name in ("Spent", "Paid", "To pay"):
        assert name in words
    assert "£900" in words  # each bar's total
    tips = [r.find(f"{NS}title").text for r in root.iter(f"{NS}rect")
            if r.find(f"{NS}title") is not None]
    assert "Decision Day 2025, Spent: £300" in tips


def test_the_line_labels_each_point():
    words = [t.text for t in ET.fromstring(svg(line())).iter(f"{NS}text")]
    assert "£9,000" in words and "£11,000" in words and "2025-11" in words


def test_a_long_line_labels_few_enough_points_that_labels_do_not_overlap():
    rows = [[f"2025-{m:02d}", m * 1_000_00, 1_000_00] for m in range(1, 13)]
    chart = Chart("paid", "line", "Paid over time", "Month", "Pounds",
                  ["Month", "Paid to date", "That month"], rows, unit="pence")
    texts = list(ET.fromstring(svg(chart)).iter(f"{NS}text"))
    months = [float(t.get("x")) for t in texts if t.text and t.text.startswith("2025-")]
    assert 2 <= len(months) <= 5 and "2025-12" in [t.text for t in texts]
    assert all(b - a >= 60 for a, b in zip(months, months[1:]))
    points = [c for c in ET.fromstring(svg(chart)).iter(f"{NS}circle") if c.find(f"{NS}title")
              is not None]
    assert len(points) == 12  # every point keeps its tooltip


def test_progress_says_how_far_in_words():
    words = [t.text for t in ET.fromstring(svg(progress())).iter(f"{NS}text")]
    assert "£97,150 of £100,000 (97%)" in words


def test_series_differ_in_lightness_or_pattern_so_greyscale_keeps_them_apart():
    seen = set()
    for colour, pattern in SERIES_STYLES[:3]:
        r, g, b = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
        lightness = round(colorsys.rgb_to_hls(r, g, b)[1], 1)
        seen.add((lightness, pattern))
    assert len({light for light, _p in seen}) == 3  # three distinct greys
    assert len({p for _l, p in seen}) == 3  # and three textures


def test_labels_are_escaped():
    chart = Chart("x", "bar", "A <b>bold</b> title", "W", "V", ["W", "V"],
                  [["<script>alert(1)</script>", 5]])
    text = svg(chart)
    assert "<script>" not in text and "&lt;script&gt;" in text
    ET.fromstring(text)


def test_an_empty_chart_draws_nothing():
    assert svg(Chart("x", "bar", "Nothing", "W", "V", ["W", "V"], [])) == ""


def test_csv_rows_are_the_table_with_plain_pounds():
    assert stacked().csv_rows() == [["Round", "Spent", "Paid", "To pay"],
                                     ["Decision Day 2025", "300.00", "150.00", "450.00"],
                                     ["Fund 2026", "0.00", "0.00", "900.00"]]
    chart = Chart("t", "bar", "Turnout", "Ward", "%", ["Ward", "Turnout (%)", "Ballots"],
                  [["Central", 0.1, 10]], unit="percent")
    assert chart.csv_rows()[1] == ["Central", 0.1, 10]
    assert chart.cells(chart.rows[0]) == ["0.1%", "10"]
