"""The Swagger document and the app's HTTP triggers must describe the same API."""

from __future__ import annotations

from typing import Any

import pytest
from openapi_spec_validator import validate

from functions.api import EVERY_METHOD, REFUSAL_PREFIX
from functions.http.catalog import ROUTES
from functions.http.openapi import build_document, swagger_path
from functions.http.routes import ANONYMOUS_ROUTES, ROUTE_METHODS
from shared.domain.text import NO_CONTROL_CHARACTERS
from shared.runtime.local_app import app_functions


def _methods(trigger: Any) -> list[str]:
    return [str(getattr(m, "value", m)).upper() for m in trigger.methods or []]


def _http_triggers(*, refusals: bool = False) -> dict[tuple[str, str], Any]:
    """(method, Swagger path) -> trigger of the app's real HTTP functions, or of its 405 refusals."""
    triggers = {}
    for function in app_functions():
        trigger = function.get_trigger()
        if getattr(trigger, "type", None) != "httpTrigger":
            continue
        if function.get_function_name().startswith(REFUSAL_PREFIX) != refusals:
            continue
        methods = _methods(trigger)
        assert methods, f"{function.get_function_name()} takes every method; declare them so they can be documented"
        for method in methods:
            triggers[(method, swagger_path(trigger.route or function.get_function_name()))] = trigger
    return triggers


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return build_document(host="example.azurewebsites.net")


def test_every_registered_route_is_documented_and_every_documented_route_exists(document: dict[str, Any]) -> None:
    registered = set(_http_triggers())
    documented = {(method.upper(), path) for path, item in document["paths"].items() for method in item}

    assert registered - documented == set(), "routes without documentation (add them to api_catalog.ROUTES)"
    assert documented - registered == set(), "documented routes that no function serves"


def test_every_other_method_of_a_route_is_refused_by_the_app_with_the_same_auth_level() -> None:
    served = _http_triggers()
    refused = _http_triggers(refusals=True)
    routes = {path for _, path in served}

    assert {swagger_path(route) for route in ROUTE_METHODS} == routes
    for route, allowed in ROUTE_METHODS.items():
        path = swagger_path(route)
        assert {m for m, p in served if p == path} == set(allowed), route
        assert {m for m, p in refused if p == path} == set(EVERY_METHOD) - set(allowed), route
        levels = {str(getattr(t.auth_level, "value", t.auth_level)).lower()
                  for (_, p), t in (served | refused).items() if p == path}
        assert levels == {"anonymous" if route in ANONYMOUS_ROUTES else "function"}, route


def test_anonymous_operations_are_exactly_the_anonymous_triggers() -> None:
    triggers = _http_triggers()
    for operation in ROUTES:
        trigger = triggers[(operation.method, swagger_path(operation.route))]
        level = str(getattr(trigger.auth_level, "value", trigger.auth_level)).lower()
        assert (level == "anonymous") == operation.anonymous, operation.operation_id


def test_the_document_is_valid_swagger_2(document: dict[str, Any]) -> None:
    validate(document)
    assert document["swagger"] == "2.0"
    assert document["host"] == "example.azurewebsites.net"


def test_operations_carry_what_a_custom_connector_needs(document: dict[str, Any]) -> None:
    operations = [op for item in document["paths"].values() for op in item.values()]
    ids = [op["operationId"] for op in operations]

    assert len(ids) == len(set(ids)) == len(ROUTES)
    for operation in operations:
        assert operation["summary"] and len(operation["summary"]) <= 80 and not operation["summary"].endswith(".")
        for parameter in operation["parameters"]:
            assert parameter["x-ms-summary"], (operation["operationId"], parameter["name"])
            if parameter["in"] == "body":
                _assert_fields_are_labelled(document, parameter["schema"], operation["operationId"])
    assert document["securityDefinitions"]["function_key"] == {
        "type": "apiKey", "in": "header", "name": "x-functions-key",
        "description": "The function key (the `code` query parameter is accepted as well).",
    }
    health = document["paths"]["/health"]["get"]
    assert health["security"] == []
    assert "security" not in document["paths"]["/conflicts"]["get"]  # the document-wide key applies


def _assert_fields_are_labelled(document: dict[str, Any], schema: dict[str, Any], where: str) -> None:
    """Every field of a body, at any depth, carries the label Power Automate shows for it."""
    seen: set[str] = set()

    def walk(node: dict[str, Any]) -> None:
        if "$ref" in node:
            name = node["$ref"].split("/")[-1]
            if name not in seen:
                seen.add(name)
                walk(document["definitions"][name])
            return
        for part in node.get("allOf", []):
            walk(part)
        for name, prop in node.get("properties", {}).items():
            assert "$ref" in prop or prop.get("x-ms-summary"), (where, name)
            walk(prop)
        for key in ("items", "additionalProperties"):
            if isinstance(node.get(key), dict):
                walk(node[key])

    walk(schema)
    assert seen, where


def test_body_labels_are_the_catalogs_or_the_models_name_in_words(document: dict[str, Any]) -> None:
    def body(path: str, method: str) -> dict[str, Any]:
        return next(p for p in document["paths"][path][method]["parameters"] if p["in"] == "body")

    assert body("/conflicts/{id}/resolve", "post")["x-ms-summary"] == "Resolution"
    assert body("/jobs/{id}", "put")["x-ms-summary"] == "Job settings"
    assert body("/graph/notifications", "post")["x-ms-summary"] == "Change notification batch"


def test_no_json_schema_construct_swagger_2_lacks_is_left(document: dict[str, Any]) -> None:
    found: list[str] = []

    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("anyOf", "oneOf", "const", "$defs", "prefixItems") or (key == "type" and value == "null"):
                    found.append(f"{where}/{key}")
                if key == "$ref":
                    assert value.startswith("#/definitions/") and value.split("/")[-1] in document["definitions"]
                walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, f"{where}/{index}")

    walk(document, "")
    assert found == []


def test_request_and_response_schemas_come_from_the_handlers_models(document: dict[str, Any]) -> None:
    resolve = document["paths"]["/conflicts/{id}/resolve"]["post"]
    body = next(p for p in resolve["parameters"] if p["in"] == "body")

    assert body["schema"] == {"$ref": "#/definitions/ResolveRequest"}
    assert resolve["responses"]["200"]["schema"] == {"$ref": "#/definitions/ResolveResult"}
    assert resolve["responses"]["409"]["schema"] == {"$ref": "#/definitions/Problem"}
    keep = document["definitions"]["ResolveRequest"]["properties"]["keep"]
    assert keep["type"] == "array" and keep["items"] == {"type": "string", "pattern": NO_CONTROL_CHARACTERS}
    note = document["definitions"]["ResolveRequest"]["properties"]["note"]
    assert note["type"] == "string" and note["x-nullable"] is True
    listing = {p["name"]: p for p in document["paths"]["/conflicts"]["get"]["parameters"]}
    assert listing["from"]["format"] == "date" and listing["from"]["required"] is False
    assert listing["status"]["enum"] == ["open", "resolved"]
    assert listing["page_size"]["maximum"] == 1000


def test_every_member_of_a_problem_is_required(document: dict[str, Any]) -> None:
    problem = document["definitions"]["Problem"]

    assert set(problem["required"]) == {"type", "title", "status", "detail", "errors"}
    assert problem["properties"]["errors"]["type"] == "array" and "x-nullable" not in problem["properties"]["errors"]
    assert problem["properties"]["errors"]["items"] == {"$ref": "#/definitions/FieldError"}
    assert set(document["definitions"]["FieldError"]["required"]) == {"field", "message"}


def test_the_export_documents_how_to_reach_its_next_part(document: dict[str, Any]) -> None:
    export = document["paths"]["/audit/export"]["get"]

    assert set(export["responses"]["200"]["headers"]) >= {"Link", "X-Continuation"}
    assert all(header["type"] == "string" for header in export["responses"]["200"]["headers"].values())
    assert "continuation" in [p["name"] for p in export["parameters"]]
