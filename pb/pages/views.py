"""The public-service pages: accessibility statement, contact, cookies, terms, the
glossary; the favicon."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, send_from_directory

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
    """Browsers ask for /favicon.ico whatever the page says: answer with the SVG icon."""
    return send_from_directory(current_app.static_folder, "favicon.svg",
                               mimetype="image/svg+xml", max_age=86400)
