"""Grants in the 360Giving Data Standard (see ``pb.opendata.threesixty``)."""

from __future__ import annotations

from flask import jsonify, url_for

from pb.api import bp
from pb.api.listing import pagination, per_page_arg, wants_csv
from pb.forms import page_arg
from pb.opendata import threesixty
from pb.opendata.csvout import csv_response


@bp.route("/grants/360giving.json")
def threesixty_json():
    """Awarded grants as a 360Giving data package (paginated: each page is a package).

    ``?format=csv`` gives the spreadsheet, as its twin ``360giving.csv`` does."""
    if wants_csv():
        return threesixty_csv()
    grants = threesixty.awarded_grants()
    page, per_page = page_arg(), per_page_arg()
    chosen = grants[(page - 1) * per_page:page * per_page]
    return jsonify(threesixty.package(chosen,
                                      pagination=pagination(len(grants), page, per_page)))


@bp.route("/grants/360giving.csv")
def threesixty_csv():
    """Awarded grants as a 360Giving spreadsheet (CSV, 360Giving column titles)."""
    source = url_for("api.threesixty_json", _external=True)
    records = [threesixty.grant_record(g, source) for g in threesixty.awarded_grants()]
    return csv_response("360giving.csv", threesixty.CSV_COLUMNS, threesixty.csv_rows(records))
