"""Friendly error pages, and JSON errors under /api/."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from pb.extensions import db

MESSAGES = {
    400: "Something in that request was not right.",
    403: "You do not have permission to do that.",
    404: "We could not find that page.",
    405: "That page does not accept that kind of request.",
    409: "That conflicts with something that has already happened.",
    413: "That upload is too large.",
    429: "Too many attempts. Please wait a few minutes and try again.",
    500: "Something went wrong on our side. Nothing you entered has been saved twice.",
}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(status: int, message: str | None = None):
    message = message or MESSAGES.get(status, "Something went wrong.")
    if wants_json():
        return jsonify({"error": {"status": status, "message": message}}), status
    template = "errors/error.html"
    return render_template(template, status=status, message=message), status


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(error):
        return error_response(400, "Your form expired or was sent from elsewhere. "
                                   "Go back, reload the page and try again.")

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        message = MESSAGES.get(error.code)
        description = getattr(error, "pb_message", None)
        response = error_response(error.code, description or message)
        if error.code == 405 and error.valid_methods:
            body, status = response
            return body, status, {"Allow": ", ".join(error.valid_methods)}
        return response

    @app.errorhandler(InternalServerError)
    def _internal(error):
        db.session.rollback()
        return error_response(500)

    @app.errorhandler(Exception)
    def _unexpected(error):
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        db.session.rollback()
        return error_response(500)
