"""Charts drawn on the server as SVG: bars, stacked bars, a line over time, progress.

Pure functions, no Flask, no database: a ``Chart`` holds the data (columns and rows,
exactly what its table and its CSV show) and ``svg(chart)`` draws it. No chart library:
the four shapes need a few hundred lines, and drawing them here keeps them working
offline, in print and without JavaScript.

Accessibility: the ``<svg>`` has ``role="img"``, a ``<title>`` and a ``<desc>`` joined by
``aria-labelledby``; axes are labelled; every bar, segment and point carries its value as
text (direct labels), so colour is never the only cue. Series differ by lightness and by
pattern (solid, hatched, dotted), so they stay apart in greyscale print.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

from pb.money import format_pence

WIDTH = 420
LABEL_W = 140  # room for category labels on the left of horizontal bars
BAR_H = 22
GAP = 10
TOP = 34
FONT = 13

# (fill, pattern id or None): dark, middle, light, then hatched and dotted variants, so
# neighbouring series differ in lightness and texture.
SERIES_STYLES = (("#0b3c5d", None), ("#5b9bd5", "hatch"), ("#c9d7e8", "dots"),
                 ("#2e7d32", "hatch"), ("#f2c14e", "dots"))
TEXT_ON = {"#0b3c5d": "#ffffff", "#5b9bd5": "#000000", "#c9d7e8": "#000000",
           "#2e7d32": "#ffffff", "#f2c14e": "#000000"}


@dataclass
class Chart:
    """One chart's data. ``columns`` name the table's columns (the first is the
    category); ``rows`` hold a category and one value per series (None: no figure)."""

    name: str
    kind: str  # bar | stacked | line | progress
    title: str
    x_label: str
    y_label: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    unit: str = "count"  # count | pence | percent
    note: str = ""

    @property
    def series(self) -> list[str]:
        return self.columns[1:]

    @property
    def is_empty(self) -> bool:
        return not self.rows

    def fmt(self, value) -> str:
        """A value as the chart writes it (money in whole pounds; the table gives pence
        where there are some, the CSV always)."""
        return format_value(value, self.unit, whole=True)

    def cells(self, row: list) -> list[str]:
        """A row's figures as the table shows them: a bar chart's extra columns (after
        its one drawn value) are counts; every other column is in the chart's unit."""
        drawn = 1 if self.kind == "bar" else len(row) - 1
        return [format_value(v, self.unit if i < drawn else "count")
                for i, v in enumerate(row[1:])]

    def csv_rows(self) -> list[list]:
        """The CSV: the header then the rows, money as plain pounds (no £ or commas)."""
        def plain(value):
            if value is None:
                return ""
            if self.unit == "pence" and isinstance(value, int):
                return f"{value / 100:.2f}"
            return value

        drawn = 1 if self.kind == "bar" else len(self.columns) - 1
        return [list(self.columns)] + [
            [row[0]] + [plain(v) if i < drawn else v for i, v in enumerate(row[1:])]
            for row in self.rows]


def format_value(value, unit: str, *, whole: bool = True) -> str:
    if value is None:
        return "no figure"
    if isinstance(value, str):
        return value
    if unit == "pence":
        return format_pence(value, whole=whole)
    if unit == "percent":
        return f"{value:.1f}%"
    return f"{value:,}"


def svg(chart: Chart) -> str:
    """The chart as an SVG string (the caller marks it safe)."""
    draw = {"bar": _bars, "stacked": _stacked, "line": _line, "progress": _progress}
    if chart.is_empty:
        return ""
    body, height = draw[chart.kind](chart)
    ident = f"chart-{escape(chart.name)}"
    desc = f"{chart.y_label} by {chart.x_label}. The same figures are in the table below."
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
            f'viewBox="0 0 {WIDTH} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
            f'aria-labelledby="{ident}-title {ident}-desc" font-family="sans-serif" '
            f'font-size="{FONT}">'
            f'<title id="{ident}-title">{escape(chart.title)}</title>'
            f'<desc id="{ident}-desc">{escape(desc)}</desc>{_defs()}'
            f'<text x="0" y="16" font-weight="bold">{escape(chart.title)}</text>'
            f'{body}</svg>')


def _defs() -> str:
    return ('<defs>'
            '<pattern id="hatch" patternUnits="userSpaceOnUse" width="6" height="6" '
            'patternTransform="rotate(45)"><rect width="6" height="6" fill="#5b9bd5"/>'
            '<line x1="0" y1="0" x2="0" y2="6" stroke="#000" stroke-width="1.5"/></pattern>'
            '<pattern id="dots" patternUnits="userSpaceOnUse" width="6" height="6">'
            '<rect width="6" height="6" fill="#c9d7e8"/>'
            '<circle cx="3" cy="3" r="1.2" fill="#000"/></pattern></defs>')


def _fill(index: int) -> tuple[str, str]:
    """(fill attribute, text colour) for the index-th series."""
    colour, pattern = SERIES_STYLES[index % len(SERIES_STYLES)]
    # Patterns are drawn over the series' own colour only for the two base patterns.
    if pattern and colour in ("#5b9bd5", "#c9d7e8"):
        return f"url(#{pattern})", TEXT_ON[colour]
    return colour, TEXT_ON[colour]


def _text(x, y, words, *, anchor="start", fill="#000", weight="normal", size=FONT) -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{fill}" '
            f'font-weight="{weight}" font-size="{size}">{escape(str(words))}</text>')


def _short(label: str, limit: int = 16) -> str:
    label = str(label)
    return label if len(label) <= limit else label[:limit - 1] + "…"


def _scale(values) -> int:
    top = max([v for v in values if isinstance(v, (int, float))] + [0])
    return top or 1


def _axes(x0: float, y0: float, y1: float, chart: Chart, top: int) -> str:
    """The value axis along the bottom (0 and the maximum) and the axis labels."""
    x1 = WIDTH - 10
    return (f'<line x1="{x0}" y1="{y1}" x2="{x1}" y2="{y1}" stroke="#000"/>'
            f'<line x1="{x0}" y1="{y0}" x2="{x0}" y2="{y1}" stroke="#000"/>'
            + _text(x0, y1 + 15, chart.fmt(0), anchor="middle", size=11)
            + _text(x1, y1 + 15, chart.fmt(top), anchor="end", size=11)
            + _text((x0 + x1) / 2, y1 + 32, chart.y_label, anchor="middle", weight="bold")
            + _text(0, TOP - 4, chart.x_label, weight="bold", size=11))


def _bars(chart: Chart) -> tuple[str, int]:
    """Horizontal bars, one per category, the value written at the bar's end."""
    values = [row[1] for row in chart.rows]
    top = _scale(values)
    span = WIDTH - LABEL_W - 70
    parts, y = [], TOP + 4
    fill, _on = _fill(0)
    for label, value in ((row[0], row[1]) for row in chart.rows):
        length = span * (value or 0) / top
        parts.append(_text(LABEL_W - 6, y + BAR_H * 0.7, _short(label), anchor="end",
                           size=12))
        parts.append(f'<rect x="{LABEL_W}" y="{y}" width="{length:.1f}" height="{BAR_H}" '
                     f'fill="{fill}"><title>{escape(f"{label}: {chart.fmt(value)}")}</title>'
                     f'</rect>')
        parts.append(_text(LABEL_W + length + 4, y + BAR_H * 0.7, chart.fmt(value)))
        y += BAR_H + GAP
    parts.append(_axes(LABEL_W, TOP, y, chart, top))
    return "".join(parts), y + 40


def _legend(chart: Chart, y: float) -> tuple[str, float]:
    """A key of the series, each swatch with its pattern and name."""
    parts, x = [], 0
    for i, name in enumerate(chart.series):
        fill, _on = _fill(i)
        width = 26 + 7.5 * len(name)
        if x + width > WIDTH:
            x, y = 0, y + 20
        parts.append(f'<rect x="{x}" y="{y - 11}" width="14" height="14" fill="{fill}" '
                     f'stroke="#000"/>')
        parts.append(_text(x + 18, y, name))
        x += width
    return "".join(parts), y + 12


def _stacked(chart: Chart) -> tuple[str, int]:
    """Horizontal bars split into series; each segment wide enough carries its value,
    and the total is written at the bar's end."""
    totals = [sum(v or 0 for v in row[1:]) for row in chart.rows]
    top = _scale(totals)
    span = WIDTH - LABEL_W - 70
    legend, y = _legend(chart, TOP + 8)
    parts, y = [legend], y + 8
    start = y
    for row, total in zip(chart.rows, totals):
        parts.append(_text(LABEL_W - 6, y + BAR_H * 0.7, _short(row[0]), anchor="end",
                           size=12))
        x = LABEL_W
        for i, value in enumerate(row[1:]):
            length = span * (value or 0) / top
            fill, on = _fill(i)
            tip = f"{row[0]}, {chart.series[i]}: {chart.fmt(value)}"
            parts.append(f'<rect x="{x:.1f}" y="{y}" width="{length:.1f}" height="{BAR_H}" '
                         f'fill="{fill}" stroke="#fff"><title>{escape(tip)}</title></rect>')
            words = chart.fmt(value)
            if value and length > 8 * len(words):
                parts.append(f'<rect x="{x + length / 2 - 4 * len(words):.1f}" y="{y + 4}" '
                             f'width="{8 * len(words):.1f}" height="{BAR_H - 8}" fill="#fff" '
                             f'opacity="0.85"/>' if on == "#000000" else "")
                parts.append(_text(x + length / 2, y + BAR_H * 0.7, words, anchor="middle",
                                   fill="#000" if on == "#000000" else on, size=11))
            x += length
        parts.append(_text(x + 4, y + BAR_H * 0.7, chart.fmt(total), weight="bold"))
        y += BAR_H + GAP
    parts.append(_axes(LABEL_W, start - 4, y, chart, top))
    return "".join(parts), y + 40


def _line(chart: Chart) -> tuple[str, int]:
    """A line over time: one point per row (in order), up to five labelled with their value
    and month."""
    values = [row[1] or 0 for row in chart.rows]
    top = _scale(values)
    x0, x1, y0, y1 = 60, WIDTH - 40, TOP + 20, TOP + 200
    step = (x1 - x0) / max(len(values) - 1, 1)
    points = [(x0 + i * step, y1 - (y1 - y0) * v / top) for i, v in enumerate(values)]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    parts = [f'<polyline points="{path}" fill="none" stroke="#0b3c5d" stroke-width="2.5"/>']
    # At most five labelled points (counted back from the latest), so labels never overlap;
    # every point keeps its tooltip and its row in the table.
    every = -(-len(points) // 5)
    for i, ((x, y), row) in enumerate(zip(points, chart.rows)):
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="#0b3c5d">'
                     f'<title>{escape(f"{row[0]}: {chart.fmt(row[1])}")}</title></circle>')
        if (len(points) - 1 - i) % every == 0:
            parts.append(_text(x, y - 8, chart.fmt(row[1]), anchor="middle", size=11))
            parts.append(_text(x, y1 + 15, _short(row[0], 10), anchor="middle", size=11))
    parts.append(f'<line x1="{x0}" y1="{y1}" x2="{x1}" y2="{y1}" stroke="#000"/>'
                 f'<line x1="{x0}" y1="{y0 - 10}" x2="{x0}" y2="{y1}" stroke="#000"/>')
    parts.append(_text(x0 - 4, y1, chart.fmt(0), anchor="end", size=11))
    parts.append(_text(x0 - 4, y0 + 4, chart.fmt(top), anchor="end", size=11))
    parts.append(_text((x0 + x1) / 2, y1 + 34, chart.x_label, anchor="middle", weight="bold"))
    parts.append(_text(0, TOP + 4, chart.y_label, weight="bold", size=11))
    return "".join(parts), y1 + 46


def _progress(chart: Chart) -> tuple[str, int]:
    """Progress towards a budget: per row (label, amount so far, budget), a track the
    length of the budget, filled to the amount, with "£x of £y (z%)" written beneath."""
    parts, y = [], TOP + 8
    span = WIDTH - 20
    for label, value, budget in ((row[0], row[1], row[2]) for row in chart.rows):
        share = (value or 0) / budget if budget else 0
        parts.append(_text(0, y + 4, _short(label, 60), weight="bold"))
        y += 10
        parts.append(f'<rect x="0" y="{y}" width="{span}" height="{BAR_H}" fill="#fff" '
                     f'stroke="#000"/>')
        parts.append(f'<rect x="0" y="{y}" width="{span * min(share, 1):.1f}" '
                     f'height="{BAR_H}" fill="url(#hatch)" stroke="#000">'
                     f'<title>{escape(f"{label}: {chart.fmt(value)}")}</title></rect>')
        words = (f"{chart.fmt(value)} of {chart.fmt(budget)} ({100 * share:.0f}%)"
                 if budget else f"{chart.fmt(value)} (no budget set)")
        parts.append(_text(0, y + BAR_H + 16, words))
        y += BAR_H + 34
    parts.append(_text(0, y + 4, f"{chart.x_label}: {chart.y_label}", size=11))
    return "".join(parts), y + 14
