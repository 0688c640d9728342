"""Fixtures for the performance tests: counting SQL statements, and a small city round."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import event

from pb.extensions import db


class Statements(list):
    """The SQL statements run inside ``counting()`` (executemany counts once)."""

    @contextmanager
    def counting(self):
        self.clear()

        def before(_conn, _cursor, statement, _params, _context, _many):
            self.append(statement)

        event.listen(db.engine, "before_cursor_execute", before)
        try:
            yield self
        finally:
            event.remove(db.engine, "before_cursor_execute", before)


@pytest.fixture
def statements(app):
    return Statements()
