"""Every API list the same way: paginated JSON that states its pagination, or all of it
as a streamed CSV (``?format=csv``).

JSON: ``{"<name>": [...], "pagination": {"page", "per_page", "total", "pages", "next",
"previous"}}``; ``?page=`` (from 1) and ``?per_page=`` (1 to ``MAX_PER_PAGE``, default
``PER_PAGE``). CSV: every row, one per line, the same fields as the JSON; a list value
is joined with "; ", anything nested is written as JSON.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable

from flask import jsonify, request, url_for
from sqlalchemy import func, select

from pb.extensions import db
from pb.forms import page_arg
from pb.opendata.csvout import csv_response

PER_PAGE = 100
MAX_PER_PAGE = 1000
BATCH = 500

# Rows for a batch of loaded objects: one call per page or CSV batch, so a row builder
# can load what it needs for the whole batch in one query (no N+1).
RowsOf = Callable[[list], list[dict]]


def wants_csv() -> bool:
    return request.args.get("format", "").lower() == "csv"


def per_page_arg() -> int:
    raw = request.args.get("per_page", "").strip()
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 6:
        return PER_PAGE
    return min(max(int(raw), 1), MAX_PER_PAGE)


def pagination(total: int, page: int, per_page: int) -> dict:
    pages = max((total + per_page - 1) // per_page, 1) if total else 0
    args = {k: v for k, v in request.args.items() if k not in ("page", "per_page")}

    def link(number: int) -> str:
        return url_for(request.endpoint, **(request.view_args or {}), **args, page=number,
                       per_page=per_page, _external=True)

    return {"page": page, "per_page": per_page, "total": total, "pages": pages,
            "next": link(page + 1) if page < pages else None,
            "previous": link(page - 1) if 1 < page <= pages + 1 else None}


def flat(row: dict) -> list:
    values = []
    for value in row.values():
        if isinstance(value, list) and all(not isinstance(v, (dict, list)) for v in value):
            values.append("; ".join("" if v is None else str(v) for v in value))
        elif isinstance(value, (dict, list)):
            values.append(json.dumps(value, sort_keys=True, ensure_ascii=False))
        else:
            values.append(value)
    return values


def query_list(name: str, query, rows_of: RowsOf, columns: list[str], *,
               extra: dict | None = None):
    """A list read from an ORM ``query`` (ordered), a page at a time or all as CSV."""
    if wants_csv():
        return csv_response(f"{name}.csv", columns, _streamed(query, rows_of))
    page, per_page = page_arg(), per_page_arg()
    total = db.session.scalar(select(func.count()).select_from(
        query.order_by(None).subquery()))
    objects = list(db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)))
    return jsonify({**(extra or {}), name: rows_of(objects),
                    "pagination": pagination(total, page, per_page)})


def _streamed(query, rows_of: RowsOf) -> Iterable[list]:
    with db.session.scalars(query.execution_options(yield_per=BATCH)) as result:
        for batch in result.partitions(BATCH):
            for row in rows_of(list(batch)):
                yield flat(row)


def rows_list(name: str, rows: list, columns: list[str], *, extra: dict | None = None):
    """A list already built in memory (figures computed per programme, say); rows are
    dicts, or plain values for a one-column list."""
    if wants_csv():
        return csv_response(f"{name}.csv", columns,
                            (flat(r) if isinstance(r, dict) else [r] for r in rows))
    page, per_page = page_arg(), per_page_arg()
    start = (page - 1) * per_page
    return jsonify({**(extra or {}), name: rows[start:start + per_page],
                    "pagination": pagination(len(rows), page, per_page)})
