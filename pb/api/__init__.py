"""The public JSON API (/api/v1). Errors are JSON with a status code, never HTML.

``bp`` is created here; each module in ``ROUTE_MODULES`` adds its routes to it when
``init_app`` imports it (importing inside the function keeps the package free of
import cycles).
"""

from __future__ import annotations

import importlib

from flask import Blueprint, Flask

from pb.extensions import csrf

bp = Blueprint("api", __name__)

ROUTE_MODULES = ("rounds", "proposals", "voting", "grants", "events", "datasets",
                 "threesixty", "openapi")


def init_app(app: Flask) -> None:
    for name in ROUTE_MODULES:
        importlib.import_module(f"pb.api.{name}")
    app.register_blueprint(bp, url_prefix="/api/v1")
    csrf.exempt(bp)  # read-only JSON: no state changes there
