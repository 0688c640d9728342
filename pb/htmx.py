"""Serving a page or just its fragment from the same URL (progressive enhancement)."""

from __future__ import annotations

from flask import make_response, render_template, request


def is_htmx() -> bool:
    # A history restore asks for the full page (htmx 2 sends HX-History-Restore-Request).
    return (request.headers.get("HX-Request") == "true"
            and request.headers.get("HX-History-Restore-Request") != "true")


def render_page_or_fragment(page: str, fragment: str, **context):
    template = fragment if is_htmx() else page
    response = make_response(render_template(template, **context))
    response.headers.add("Vary", "HX-Request")
    return response
