"""A Swagger 2.0 document (what Power Automate imports as a custom connector) built from the operation catalog.

Schemas come from the pydantic models the handlers use; JSON Schema constructs Swagger 2.0 lacks are rewritten:
`anyOf [X, null]` becomes X with `x-nullable`, `const` an one-value `enum`, `$defs` the shared `definitions`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel

from functions.http.catalog import JSON, ROUTES, Operation, Reply

TITLE = "Admin Assistant"
VERSION = "1.0"
BASE_PATH = "/api"
KEY_SCHEME = "function_key"

_ROUTE_PARAM = re.compile(r"\{\*?([^{}:?=]+)[^{}]*\}")
_PARAMETER_KEYS = (
    "description", "type", "format", "enum", "default", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
    "minLength", "maxLength", "pattern", "items", "x-ms-summary",
)
_NESTED_SCHEMA_KEYS = ("items", "additionalProperties", "not")


class SchemaConflictError(ValueError):
    """Two different models would share one definition name."""


def build_document(
    operations: Iterable[Operation] = ROUTES, host: str | None = None, scheme: str = "https"
) -> dict[str, Any]:
    definitions: dict[str, Any] = {}
    paths: dict[str, dict[str, Any]] = {}
    for operation in operations:
        paths.setdefault(swagger_path(operation.route), {})[operation.method.lower()] = _operation(
            operation, definitions
        )
    document: dict[str, Any] = {
        "swagger": "2.0",
        "info": {
            "title": TITLE,
            "version": VERSION,
            "description": "Outlook calendar administration: archive runs, overlap conflicts, audit, archive jobs.",
        },
        "basePath": BASE_PATH,
        "schemes": [scheme],
        "consumes": [JSON],
        "produces": [JSON],
        "securityDefinitions": {
            KEY_SCHEME: {
                "type": "apiKey",
                "in": "header",
                "name": "x-functions-key",
                "description": "The function key (the `code` query parameter is accepted as well).",
            }
        },
        "security": [{KEY_SCHEME: []}],
        "paths": paths,
        "definitions": dict(sorted(definitions.items())),
    }
    if host:
        document["host"] = host
    return document


def swagger_path(route: str) -> str:
    """`conflicts/{id:int}/resolve` → `/conflicts/{id}/resolve` (constraints are not part of the path)."""
    return "/" + _ROUTE_PARAM.sub(lambda found: "{" + found.group(1) + "}", route.strip("/"))


def _operation(operation: Operation, definitions: dict[str, Any]) -> dict[str, Any]:
    parameters: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, "type": "string", "description": text, "x-ms-summary": text}
        for name, text in operation.path_params.items()
    ]
    if operation.query is not None:
        parameters.extend(query_parameters(operation.query))
    if operation.body is not None:
        summary = operation.body_summary or label(operation.body.__name__)
        parameters.append(
            {"name": "body", "in": "body", "required": operation.body_required, "description": summary + ".",
             "x-ms-summary": summary, "schema": model_ref(operation.body, definitions)}
        )
    described: dict[str, Any] = {
        "operationId": operation.operation_id,
        "summary": operation.summary,
        "description": operation.description or operation.summary + ".",
        "tags": [operation.tag],
        "produces": list(operation.produces),
        "parameters": parameters,
        "responses": {str(status): _response(reply, definitions) for status, reply in operation.responses.items()},
    }
    if operation.body is not None:
        described["consumes"] = [JSON]
    if operation.anonymous:
        described["security"] = []
    return described


def _response(reply: Reply, definitions: dict[str, Any]) -> dict[str, Any]:
    response: dict[str, Any] = {"description": reply.description}
    if reply.model is not None:
        response["schema"] = model_ref(reply.model, definitions)
    elif reply.schema is not None:
        response["schema"] = dict(reply.schema)
    if reply.headers:
        response["headers"] = {name: {"type": "string", "description": text} for name, text in reply.headers.items()}
    return response


def model_ref(model: type[BaseModel], definitions: dict[str, Any]) -> dict[str, Any]:
    """Adds the model (and the models it uses) to `definitions`; returns the reference to it."""
    schema = model.model_json_schema(ref_template="#/definitions/{model}")
    for name, nested in schema.pop("$defs", {}).items():
        _define(definitions, name, to_swagger_schema(nested))
    name = model.__name__
    _define(definitions, name, to_swagger_schema(schema))
    return {"$ref": f"#/definitions/{name}"}


def _define(definitions: dict[str, Any], name: str, schema: dict[str, Any]) -> None:
    existing = definitions.setdefault(name, schema)
    if existing != schema:
        raise SchemaConflictError(f"two different schemas are named {name!r}; rename one of the models")


def query_parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    schema = to_swagger_schema(model.model_json_schema(by_alias=True))
    required = set(schema.get("required", []))
    parameters = []
    for name, prop in schema.get("properties", {}).items():
        parameter = {"name": name, "in": "query", "required": name in required}
        parameter.update({key: prop[key] for key in _PARAMETER_KEYS if key in prop})
        parameter.setdefault("type", "string")
        parameter.setdefault("x-ms-summary", label(name))
        parameters.append(parameter)
    return parameters


def to_swagger_schema(node: Any) -> Any:
    """A JSON Schema (pydantic's dialect) rewritten into the Swagger 2.0 schema subset."""
    if not isinstance(node, Mapping):
        return node
    schema = dict(node)
    nullable = False
    for combinator in ("anyOf", "oneOf"):
        if combinator in schema:
            variants = schema.pop(combinator)
            others = [v for v in variants if not _is_null(v)]
            nullable = len(others) < len(variants)
            schema = {**_merged(others), **schema}
    if isinstance(schema.get("type"), list):
        listed = schema.pop("type")
        types = [t for t in listed if t != "null"]
        nullable = nullable or len(types) < len(listed)
        if len(types) == 1:
            schema["type"] = types[0]
    if "const" in schema:
        schema["enum"] = [schema.pop("const")]
    if "examples" in schema:
        examples = schema.pop("examples")
        if isinstance(examples, list) and examples:
            schema["example"] = examples[0]
    for bound, flag in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        if isinstance(schema.get(bound), int | float) and not isinstance(schema.get(bound), bool):
            schema[flag] = schema.pop(bound)
            schema[bound] = True
    if "default" in schema and schema["default"] is None:
        del schema["default"]
    if "properties" in schema:
        schema["properties"] = {name: _property(name, prop) for name, prop in schema["properties"].items()}
    for key in _NESTED_SCHEMA_KEYS:
        if isinstance(schema.get(key), Mapping):
            schema[key] = to_swagger_schema(schema[key])
    if "allOf" in schema:
        schema["allOf"] = [to_swagger_schema(part) for part in schema["allOf"]]
    if "$ref" in schema and len(schema) > 1:
        # Swagger 2.0 ignores whatever sits next to a $ref: keep the reference, move the rest beside an allOf.
        reference = {"$ref": schema.pop("$ref")}
        schema = {"allOf": [reference], **schema} if set(schema) - {"description", "title"} else reference
    if nullable:
        if "$ref" in schema:
            schema = {"allOf": [schema]}
        schema["x-nullable"] = True
    return schema


def _property(name: str, prop: Any) -> Any:
    converted = to_swagger_schema(prop)
    # Power Automate labels fields with x-ms-summary; without one it shows the raw name.
    if isinstance(converted, dict) and "$ref" not in converted:
        converted.setdefault("x-ms-summary", label(name))
    return converted


def label(name: str) -> str:
    """`run_hour` → `Run hour`, `statusQueryGetUri` → `Status query get uri`, `@odata.type` → `Odata type`."""
    words = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name).replace("_", " ").replace(".", " ").replace("@", " ")
    text = " ".join(words.split()).lower()
    return text[:1].upper() + text[1:]


def _is_null(variant: Any) -> bool:
    return isinstance(variant, Mapping) and variant.get("type") == "null" and len(variant) == 1


def _merged(variants: list[Any]) -> dict[str, Any]:
    """One schema for what is left of an anyOf; Swagger 2.0 cannot say "one of several types"."""
    converted = [to_swagger_schema(v) for v in variants]
    if len(converted) == 1:
        return dict(converted[0])
    types = {v.get("type") for v in converted}
    return {"type": types.pop()} if len(types) == 1 and None not in types else {}
