"""The one error contract: services raise ``DomainError``; views and this module show it.

A service refuses by raising a ``DomainError`` (or a subclass) *after* rolling back
nothing it has not committed: raising inside a use case means the transaction is
rolled back by the view's error path or by ``refuse``. A view that can show the
refusal next to form fields catches it and calls ``pb.forms.apply_errors``; any
``DomainError`` a view does not catch becomes a friendly page (or a JSON error under
``/api/``) with the error's status, never a 500.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from pb.extensions import db

# Lazy: read in the language of the request that shows them (str() before JSON).
MESSAGES = {
    400: _l("Something in that request was not right."),
    403: _l("You do not have permission to do that."),
    404: _l("We could not find that page."),
    405: _l("That page does not accept that kind of request."),
    409: _l("That conflicts with something that has already happened."),
    413: _l("That upload is too large."),
    429: _l("Too many attempts. Please wait a few minutes and try again."),
    500: _l("Something went wrong on our side. Nothing you entered has been saved twice."),
}


class DomainError(Exception):
    """A refusal a person can act on.

    ``message`` says what to do, in one or two sentences; ``field_errors`` maps form
    field names to messages shown next to those fields; ``status`` is the HTTP status
    a view answers with. ``field`` is shorthand for a single field error.
    """

    status = 400

    def __init__(self, message: str = "", *, field: str | None = None,
                 field_errors: Mapping[str, str] | None = None, status: int | None = None):
        errors = dict(field_errors or {})
        if field and message:
            errors.setdefault(field, message)
        message = message or "; ".join(errors.values()) or str(MESSAGES.get(
            status or self.status, _l("That could not be done.")))
        super().__init__(message)
        self.message = message
        self.field_errors = errors
        if status is not None:
            self.status = status

    @property
    def field(self) -> str | None:
        """The first field the refusal is about, if any."""
        return next(iter(self.field_errors), None)

    @property
    def errors(self) -> dict[str, str]:
        """Field errors, or ``{"form": message}`` when the refusal concerns no one field."""
        return dict(self.field_errors) or {"form": self.message}


class NotAllowed(DomainError):
    """The person may not do this (policy said no)."""

    status = 403


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    """The state changed under the request (another tab, another officer, a frozen result)."""

    status = 409


class Throttled(DomainError):
    status = 429


def refuse(error: DomainError) -> DomainError:
    """Roll back the use case's unsaved changes and hand back ``error`` to raise."""
    db.session.rollback()
    return error


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(status: int, message: str | None = None):
    message = str(message or MESSAGES.get(status, _l("Something went wrong.")))
    if wants_json():
        return jsonify({"error": {"status": status, "message": message}}), status
    template = "errors/error.html"
    return render_template(template, status=status, message=message), status


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(error):
        return error_response(400, _("Your form expired or was sent from elsewhere. "
                                     "Go back, reload the page and try again."))

    @app.errorhandler(DomainError)
    def _domain(error: DomainError):
        # A refusal no view turned into a form message: roll back and say why.
        db.session.rollback()
        return error_response(error.status, error.message)

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
