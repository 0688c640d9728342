"""The open-data page and the API's human-readable description."""

from __future__ import annotations

from flask import Blueprint, render_template

from pb.opendata import catalogue

bp = Blueprint("opendata", __name__)


@bp.route("/open-data")
def index():
    return render_template("opendata/index.html", datasets=catalogue.DATASETS,
                           changed=catalogue.last_changed(), licence=catalogue.licence(),
                           links=catalogue.dataset_links, rounds=catalogue.per_round_files())


@bp.route("/open-data/api")
def api_page():
    return render_template("opendata/api.html", routes=catalogue.api_routes(),
                           licence=catalogue.licence())
