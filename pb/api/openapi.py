"""GET /api/v1/openapi.json: an OpenAPI 3.1 description of every /api/v1 route.

Generated from the code: the URL map gives each route's path, parameters and the first
line of its view's docstring; ``pb.api.schemas.ENDPOINTS`` gives its response schema and
an example. A route without an entry there is still listed, with no schema, and the
tests fail on it.
"""

from __future__ import annotations

from flask import current_app, jsonify, url_for

from pb.api import bp
from pb.api.schemas import ENDPOINTS, ERROR, PAGINATION

LIST_PARAMETERS = [
    {"name": "page", "in": "query", "required": False,
     "description": "Page number, from 1.", "schema": {"type": "integer", "minimum": 1}},
    {"name": "per_page", "in": "query", "required": False,
     "description": "Items a page (default 100, at most 1000).",
     "schema": {"type": "integer", "minimum": 1, "maximum": 1000}},
    {"name": "format", "in": "query", "required": False,
     "description": "csv: every item as CSV instead of a page of JSON.",
     "schema": {"type": "string", "enum": ["json", "csv"]}},
]


def api_rules():
    """The API blueprint's routes, in path order."""
    return sorted((r for r in current_app.url_map.iter_rules()
                   if r.endpoint.startswith("api.")), key=lambda r: r.rule)


def openapi_path(rule) -> str:
    path = rule.rule.removeprefix("/api/v1")
    for argument in rule.arguments:
        for converter in ("int:", ""):
            path = path.replace(f"<{converter}{argument}>", "{" + argument + "}")
    return path


def operation(rule) -> dict:
    view = current_app.view_functions[rule.endpoint]
    doc = (view.__doc__ or "").strip()
    op = {"operationId": rule.endpoint.removeprefix("api."),
          "summary": doc.splitlines()[0] if doc else rule.endpoint,
          "parameters": [{"name": a, "in": "path", "required": True,
                          "schema": {"type": "integer"}} for a in sorted(rule.arguments)],
          "responses": {"404": {"description": "Not found or not published",
                                "content": {"application/json": {"schema": ERROR}}}}}
    if rule.endpoint not in ENDPOINTS:
        op["responses"]["200"] = {"description": "Not yet described"}
        return op
    schema, example, media, is_list = ENDPOINTS[rule.endpoint]
    content = {media: {"schema": schema, "example": example}}
    if is_list:
        op["parameters"] += LIST_PARAMETERS
        op["description"] = ("Paginated: the answer states its pagination in `pagination` "
                             "(page, per_page, total, pages, next, previous). "
                             "`?format=csv` gives every item as CSV.")
        content["text/csv"] = {"schema": {"type": "string"}}
    op["responses"]["200"] = {"description": "OK", "content": content}
    return op


def document() -> dict:
    paths: dict = {}
    for rule in api_rules():
        paths.setdefault(openapi_path(rule), {})["get"] = operation(rule)
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {"title": "pb open data API", "version": "1",
                 "description": "Read-only open data about participatory budgeting rounds, "
                                "results, decision days and grants. Money in pence unless "
                                "a standard asks for pounds.",
                 "license": {"name": current_app.config["OPEN_DATA_LICENCE"],
                             "url": current_app.config["OPEN_DATA_LICENCE_URL"]}},
        "servers": [{"url": url_for("api.rounds", _external=True).removesuffix("/rounds")}],
        "paths": paths,
        "components": {"schemas": {"Pagination": PAGINATION, "Error": ERROR}},
    }


@bp.route("/openapi.json")
def openapi():
    """This API described in OpenAPI 3.1."""
    return jsonify(document())
