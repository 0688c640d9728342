"""Small-number suppression: no published figure is under 5, and no hidden cell can be
worked out from what is published (checked here by brute force, independently of the
module's own linear-algebra check)."""

from __future__ import annotations

import itertools
import random

import pytest

from pb.scrutiny.suppression import HIDDEN, SMALL, determined_cells, suppress, suppress_column


def published(table) -> list[list]:
    """The full published grid: cells with row totals, then the column totals and total."""
    return ([row + [total] for row, total in zip(table.cells, table.row_totals)]
            + [table.column_totals + [table.total]])


def full(counts):
    grid = [list(row) + [sum(row)] for row in counts]
    grid.append([sum(row[c] for row in grid) for c in range(len(grid[0]))])
    return grid


def solutions(shown: list[list], limit: int) -> list[list[list[int]]]:
    """Every table of non-negative inner cells (hidden ones each at most ``limit``) that
    agrees with every figure shown. Brute force over the hidden inner cells, row by row
    (each row's choices first checked against its own shown total)."""
    rows, cols = len(shown) - 1, len(shown[0]) - 1
    options = []
    for r in range(rows):
        unknown = [c for c in range(cols) if isinstance(shown[r][c], str)]
        fits = []
        for values in itertools.product(range(limit + 1), repeat=len(unknown)):
            row = list(shown[r][:cols])
            for c, value in zip(unknown, values):
                row[c] = value
            if isinstance(shown[r][cols], str) or sum(row) == shown[r][cols]:
                fits.append(row)
        options.append(fits)
    found = []
    for inner in itertools.product(*options):
        grid = full([list(row) for row in inner])
        if all(isinstance(shown[r][c], str) or shown[r][c] == grid[r][c]
               for r in range(rows + 1) for c in range(cols + 1)):
            found.append(grid)
    return found


def assert_safe(counts, table):
    shown = published(table)
    for row in shown:
        for value in row:
            assert isinstance(value, str) or value >= 5, shown
    truth = full(counts)
    for r, row in enumerate(truth):
        for c, value in enumerate(row):
            if isinstance(shown[r][c], str):
                continue
            assert shown[r][c] == value  # shown figures are the true ones


def test_small_counts_show_as_under_5_and_large_ones_as_they_are():
    table = suppress([[7, 8], [9, 6]])
    assert table.cells == [[7, 8], [9, 6]]
    assert table.row_totals == [15, 15] and table.column_totals == [16, 14]
    assert table.total == 30


def test_a_lone_small_cell_gets_partners_in_its_row_and_column():
    counts = [[10, 3, 20], [12, 15, 9], [30, 40, 50]]
    table = suppress(counts)
    assert table.cells[0][1] == SMALL
    hidden_in_row = [v for v in table.cells[0] if isinstance(v, str)]
    hidden_in_column = [row[1] for row in table.cells if isinstance(row[1], str)]
    assert len(hidden_in_row) >= 2 and len(hidden_in_column) >= 2
    assert HIDDEN in table.cells[0]
    # The hidden cells are the smallest others (least lost): 10 in the row, 15 in the column.
    assert table.cells[0][0] == HIDDEN and table.cells[1][1] == HIDDEN
    assert_safe(counts, table)


def test_the_hidden_cell_cannot_be_worked_out_from_the_totals():
    counts = [[10, 3, 20], [12, 15, 9], [30, 40, 50]]
    table = suppress(counts)
    # Only the first two rows and columns are in play: bound the search by their totals.
    shown = published(table)
    hidden = {(r, c) for r, row in enumerate(shown) for c, v in enumerate(row)
              if isinstance(v, str)}
    assert (0, 1) in hidden
    # The hidden block can shift by any k keeping the margins: several values fit.
    fits = {3 + k for k in range(-3, 10) if 10 - k >= 0 and 12 + k >= 0 and 15 - k >= 0}
    assert len(fits) > 1


def test_zero_is_under_5_too():
    table = suppress([[0, 12], [9, 14]])
    assert table.cells[0][0] == SMALL
    assert_safe([[0, 12], [9, 14]], table)


def test_small_totals_are_hidden():
    table = suppress([[2], [1]])
    assert table.total == SMALL and table.row_totals == [SMALL, SMALL]


def test_single_column_keeps_the_total_from_giving_the_small_cell_away():
    table = suppress_column([12, 3, 20])
    cells = [row[0] for row in table.cells]
    assert cells[1] == SMALL
    assert cells.count(HIDDEN) + cells.count(SMALL) >= 2
    assert_safe([[12], [3], [20]], table)


@pytest.mark.parametrize("seed", range(60))
def test_no_hidden_cell_is_fixed_by_what_is_published_brute_force(seed):
    """Small random tables: every hidden inner cell takes at least two values among all
    tables that agree with every published figure."""
    rng = random.Random(seed)
    rows, cols = rng.choice([(2, 2), (2, 3), (3, 2)])
    counts = [[rng.choice([0, 1, 2, 3, 4, 5, 6, 7]) for _ in range(cols)] for _ in range(rows)]
    table = suppress(counts)
    assert_safe(counts, table)
    shown = published(table)
    candidates = solutions(shown, limit=8)
    assert full(counts) in candidates
    for r in range(rows):
        for c in range(cols):
            if isinstance(shown[r][c], str):
                values = {grid[r][c] for grid in candidates}
                assert len(values) >= 2, (counts, shown, (r, c), values)


@pytest.mark.parametrize("seed", range(60))
def test_larger_tables_pass_the_exact_check(seed):
    rng = random.Random(1000 + seed)
    rows, cols = rng.randint(1, 8), rng.randint(1, 4)
    counts = [[rng.choice([0, 1, 3, 4, 5, 8, 13, 40, 120]) for _ in range(cols)]
              for _ in range(rows)]
    table = suppress(counts)
    assert_safe(counts, table)
    shown = published(table)
    hidden = {(r, c) for r, row in enumerate(shown) for c, v in enumerate(row)
              if isinstance(v, str)}
    assert not determined_cells(full(counts), hidden)


def test_the_checker_finds_a_cell_the_totals_give_away():
    """The checker can fail: one hidden cell in a row with its total shown is fixed."""
    grid = full([[10, 3], [12, 15]])
    assert determined_cells(grid, {(0, 1)}) == {(0, 1)}
    assert not determined_cells(grid, {(0, 0), (0, 1), (1, 0), (1, 1)})


def test_bad_input_is_refused():
    with pytest.raises(ValueError):
        suppress([[1, 2], [3]])
    with pytest.raises(ValueError):
        suppress([[-1]])
