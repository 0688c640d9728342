"""The OpenAPI description lists every /api/v1 route; its examples and the live answers
fit their schemas; every list is paginated and has a CSV form."""

from __future__ import annotations

import jsonschema
import pytest

from pb.api.schemas import ENDPOINTS


def _api_rules(app):
    return [r for r in app.url_map.iter_rules() if r.endpoint.startswith("api.")]


def test_every_api_route_has_a_schema_and_an_example(app):
    """Fails when a route is added to /api/v1 without declaring its response."""
    endpoints = {r.endpoint for r in _api_rules(app)}
    assert endpoints - set(ENDPOINTS) == set(), "describe these in pb/api/schemas.py"
    assert set(ENDPOINTS) - endpoints == set(), "these are described but no longer exist"


def test_the_document_lists_every_route(app, client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"] == "3.1.0"
    paths = set(doc["paths"])
    for rule in _api_rules(app):
        path = rule.rule.removeprefix("/api/v1").replace("<int:", "{").replace(">", "}")
        assert path in paths, path
        operation = doc["paths"][path]["get"]
        assert operation["summary"] and "200" in operation["responses"]
        content = operation["responses"]["200"]["content"]
        assert any("schema" in c for c in content.values()), path
    assert len(paths) == len({r.rule for r in _api_rules(app)})


@pytest.mark.parametrize("endpoint", sorted(ENDPOINTS))
def test_each_example_fits_its_schema(endpoint):
    schema, example, media, _is_list = ENDPOINTS[endpoint]
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(example)


def test_a_wrong_example_would_fail():
    schema, example, _media, _list = ENDPOINTS["api.rounds"]
    broken = {**example, "rounds": [{**example["rounds"][0], "budget_pence": "£100,000"}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema).validate(broken)


def _url(rule, published) -> str:
    values = {"round_id": published.round.id, "programme_id": published.programme.id}
    return rule.rule.replace("<int:round_id>", str(values["round_id"])).replace(
        "<int:programme_id>", str(values["programme_id"]))


def test_live_answers_fit_their_schemas(app, client, published):
    for rule in _api_rules(app):
        schema, _example, media, is_list = ENDPOINTS[rule.endpoint]
        response = client.get(_url(rule, published))
        assert response.status_code == 200, rule.rule
        assert response.mimetype == media, rule.rule
        if media == "application/json":
            jsonschema.Draft202012Validator(schema).validate(response.get_json())
        if is_list:
            data = response.get_json()
            assert "pagination" in data, rule.rule
            csv = client.get(_url(rule, published) + "?format=csv")
            assert csv.status_code == 200 and csv.mimetype == "text/csv", rule.rule


def test_the_api_page_links_to_the_description(client, app):
    page = client.get("/open-data/api").get_data(as_text=True)
    assert 'href="/api/v1/openapi.json"' in page
    for rule in _api_rules(app):
        path = rule.rule.replace("<int:", "{").replace(">", "}")
        assert f"<code>{path}</code>" in page
