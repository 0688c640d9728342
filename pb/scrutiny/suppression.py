"""Small-number suppression for published counts: one pure function and its checker.

A table of counts is published with its row totals, column totals and grand total.
Every count under ``THRESHOLD`` (including 0) is hidden and shown as "<5" (primary
suppression). Then enough other cells are hidden (secondary suppression, shown as
"[c]") that no hidden cell can be worked out from what is shown: every row and
column holds either no hidden figure or at least two, and a check by exact linear
algebra (``determined_cells``) confirms that no hidden cell is fixed by the published
totals; a cell it finds fixed gets a further hidden partner. Totals under the
threshold are hidden too. Nothing here touches Flask or the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

THRESHOLD = 5
SMALL = "<5"
HIDDEN = "[c]"


@dataclass(frozen=True)
class SuppressedTable:
    """What may be published: cells, row totals, column totals and the grand total, each
    an int or a marker ("<5" for a small count, "[c]" for one hidden to protect it)."""

    cells: list[list[int | str]]
    row_totals: list[int | str]
    column_totals: list[int | str]
    total: int | str

    def is_hidden(self, row: int, column: int) -> bool:
        return isinstance(self.cells[row][column], str)


def suppress(counts: list[list[int]], threshold: int = THRESHOLD) -> SuppressedTable:
    """Hide small counts, and the cells needed to keep them hidden, in a table with its
    margins. ``counts`` is a list of equal-length rows of non-negative integers."""
    grid = _with_margins(counts)
    hidden = {(r, c) for r, row in enumerate(grid) for c, value in enumerate(row)
              if value < threshold}
    primary = set(hidden)
    while True:
        _pair_lines(grid, hidden)
        if _hide_zero_sums(grid, hidden):
            continue
        fixed = determined_cells(grid, hidden)
        if not fixed:
            break
        r, c = min(fixed)
        hidden.add(_partner(grid, hidden, r, c))
    return _publish(grid, hidden, primary)


def _with_margins(counts: list[list[int]]) -> list[list[int]]:
    """The table with a total column on the right and a total row at the bottom."""
    width = len(counts[0]) if counts else 0
    if any(len(row) != width for row in counts) or any(v < 0 for row in counts for v in row):
        raise ValueError("counts must be equal-length rows of non-negative integers")
    grid = [list(row) + [sum(row)] for row in counts]
    grid.append([sum(row[c] for row in grid) for c in range(width + 1)])
    return grid


def _lines(grid) -> list[list[tuple[int, int]]]:
    """Each row and each column of the full table: its entries add up to its last one."""
    height, width = len(grid), len(grid[0])
    rows = [[(r, c) for c in range(width)] for r in range(height)]
    columns = [[(r, c) for r in range(height)] for c in range(width)]
    return rows + columns


def _pair_lines(grid, hidden: set) -> None:
    """Until every row and column has 0 or at least 2 hidden entries, hide the smallest
    visible entry of a line that has exactly one."""
    changed = True
    while changed:
        changed = False
        for line in _lines(grid):
            inside = [cell for cell in line if cell in hidden]
            if len(inside) == 1:
                hidden.add(_smallest_visible(grid, hidden, line))
                changed = True


def _hide_zero_sums(grid, hidden: set) -> bool:
    """Counts are never negative, so hidden parts of a line whose shown total equals its
    shown parts must all be 0: hide that total too. True when something was hidden."""
    for line in _lines(grid):
        *parts, total = line
        inside = [cell for cell in parts if cell in hidden]
        if inside and total not in hidden and all(grid[r][c] == 0 for r, c in inside):
            hidden.add(total)
            return True
    return False


def _smallest_visible(grid, hidden: set, line) -> tuple[int, int]:
    visible = [cell for cell in line if cell not in hidden]
    # Prefer inner cells to totals, then the smallest count (least information lost).
    last_r, last_c = len(grid) - 1, len(grid[0]) - 1
    return min(visible, key=lambda rc: (rc[0] == last_r or rc[1] == last_c,
                                        grid[rc[0]][rc[1]], rc))


def _partner(grid, hidden: set, r: int, c: int) -> tuple[int, int]:
    """A visible entry to hide next to a cell the totals still fix: in its row if it has
    one, else its column, else anywhere."""
    for line in _lines(grid):
        if (r, c) in line and any(cell not in hidden for cell in line):
            return _smallest_visible(grid, hidden, line)
    every = [(i, j) for i in range(len(grid)) for j in range(len(grid[0]))]
    return _smallest_visible(grid, hidden, every)


def determined_cells(grid: list[list[int]], hidden: set) -> set[tuple[int, int]]:
    """The hidden entries whose value follows from the visible ones by the table's sums.

    Each row and column is an equation (entries add up to its total). Moving the
    visible entries to the right-hand side leaves a linear system in the hidden ones; a
    hidden entry is determined exactly when its unit vector lies in the span of the
    system's rows. Exact arithmetic (fractions), so the answer is never a rounding
    accident. Public, so tests can check any published table with it."""
    unknowns = sorted(hidden)
    index = {cell: i for i, cell in enumerate(unknowns)}
    equations = []
    for line in _lines(grid):
        # A line's last entry is its total: +1 for the parts, -1 for the total.
        coefficients = [Fraction(0)] * len(unknowns)
        for position, cell in enumerate(line):
            if cell in index:
                sign = -1 if position == len(line) - 1 else 1
                coefficients[index[cell]] += sign
        if any(coefficients):
            equations.append(coefficients)
    basis = _row_reduce(equations)
    return {cell for cell in unknowns if _in_span(basis, index[cell], len(unknowns))}


def _row_reduce(rows: list[list[Fraction]]) -> list[list[Fraction]]:
    """Reduced row echelon form (the non-zero rows)."""
    rows = [list(row) for row in rows]
    width = len(rows[0]) if rows else 0
    pivot_row = 0
    for column in range(width):
        pivot = next((i for i in range(pivot_row, len(rows)) if rows[i][column] != 0), None)
        if pivot is None:
            continue
        rows[pivot_row], rows[pivot] = rows[pivot], rows[pivot_row]
        lead = rows[pivot_row][column]
        rows[pivot_row] = [value / lead for value in rows[pivot_row]]
        for i in range(len(rows)):
            if i != pivot_row and rows[i][column] != 0:
                factor = rows[i][column]
                rows[i] = [a - factor * b for a, b in zip(rows[i], rows[pivot_row])]
        pivot_row += 1
    return rows[:pivot_row]


def _in_span(basis: list[list[Fraction]], position: int, width: int) -> bool:
    """Whether the unit vector e_position is a combination of the (reduced) basis rows."""
    target = [Fraction(0)] * width
    target[position] = Fraction(1)
    for row in basis:
        lead = next(i for i, value in enumerate(row) if value != 0)
        if target[lead] != 0:
            factor = target[lead]
            target = [a - factor * b for a, b in zip(target, row)]
    return not any(target)


def _publish(grid, hidden: set, primary: set) -> SuppressedTable:
    def shown(r, c):
        if (r, c) in primary:
            return SMALL
        return HIDDEN if (r, c) in hidden else grid[r][c]

    last_r, last_c = len(grid) - 1, len(grid[0]) - 1
    cells = [[shown(r, c) for c in range(last_c)] for r in range(last_r)]
    return SuppressedTable(cells, [shown(r, last_c) for r in range(last_r)],
                           [shown(last_r, c) for c in range(last_c)], shown(last_r, last_c))


def suppress_column(counts: list[int], threshold: int = THRESHOLD) -> SuppressedTable:
    """A single list of counts with its total (a one-column table)."""
    return suppress([[value] for value in counts], threshold)
