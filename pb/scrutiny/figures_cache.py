"""The dashboard's figures, rendered once per change and shared by every visitor.

Working the figures out reads every grant in scope with its returns (about half a second
of one worker's time on two years of city-scale grants), and the public page is read far
more often than anything behind it changes. Each worker keeps the rendered figures by
what they depend on: the filters, whether the reader may see rounds still voting, the
language, the day (returns fall overdue by date) and the head of the audit chain. Every
change to rounds, ballots, grants and returns writes an audit entry, so a new head means
the figures may have moved; the head is one look-up on the primary key, and another
server's changes move it too. Entries are kept a minute at most, so even a change made
outside the app (a bulk import) shows within a minute.
"""

from __future__ import annotations

import threading
import time

from flask import current_app, render_template
from flask_babel import get_locale
from markupsafe import Markup
from sqlalchemy import func, select

from pb.extensions import db
from pb.grants.common import today
from pb.models import AuditEntry
from pb.scrutiny.charts import svg

KEEP_SECONDS = 60.0
MOST_KEPT = 64  # filter combinations per worker before the oldest are dropped
_LOCK = threading.Lock()


def _render(board) -> Markup:
    html = render_template("scrutiny/_dashboard.html", board=board, filters=board.filters,
                           charts=board.charts(), svg=svg)
    # Waiver for bandit B704: the template autoescapes everything it prints; Markup only
    # keeps that output from being escaped a second time when the page puts it in place.
    return Markup(html)  # nosec B704


def figures(board) -> Markup:
    """The figures part of the dashboard for ``board``'s filters and reader."""
    if board.filters.errors:
        return _render(board)
    key = (tuple(sorted(board.filters.args().items())), board.sees_all_rounds,
           str(get_locale()), today(), db.session.scalar(select(func.max(AuditEntry.id))))
    kept = current_app.extensions.setdefault("pb_dashboard_figures", {})
    now = time.monotonic()
    with _LOCK:
        hit = kept.get(key)
    if hit is not None and now - hit[0] < KEEP_SECONDS:
        return hit[1]
    html = _render(board)
    with _LOCK:
        if len(kept) >= MOST_KEPT:
            for old in sorted(kept, key=lambda k: kept[k][0])[: MOST_KEPT // 2]:
                del kept[old]
        kept[key] = (now, html)
    return html
