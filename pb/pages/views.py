"""The public-service pages: accessibility statement, contact, cookies, terms, the
glossary; the favicon."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, current_app, render_template

from pb.pages import services

bp = Blueprint("pages", __name__)


def _show(slug: str, **extra):
    return render_template("pages/page.html", page=services.page(slug), **extra)


@bp.route("/accessibility")
def accessibility():
    return _show("accessibility")


@bp.route("/contact")
def contact():
    return _show("contact", partnerships=services.partnership_contacts())


@bp.route("/cookies")
def cookies():
    return _show("cookies", cookies=services.cookies())


@bp.route("/terms")
def terms():
    return _show("terms")


@bp.route("/glossary")
def glossary():
    return _show("glossary")


@bp.route("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico whatever the page says: answer with the SVG icon.

    Sent from memory, not as a file: a browser often drops this request half-way, and a
    file response left open by a dropped connection is a ResourceWarning."""
    icon = Path(current_app.static_folder, "favicon.svg").read_bytes()
    response = Response(icon, mimetype="image/svg+xml")
    response.cache_control.public = True
    response.cache_control.max_age = 86400
    return response
