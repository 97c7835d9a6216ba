"""The checks the real API makes on a `json_schema` response format with `strict: true` (400 otherwise)."""

from __future__ import annotations

import re
from typing import Any

MAX_DEPTH = 10
MAX_ENUM_VALUES = 1000
MAX_PROPERTIES = 5000
_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_TYPES = {"string", "number", "boolean", "integer", "object", "array", "null"}


class SchemaProblem(Exception):
    def __init__(self, context: str, message: str) -> None:
        super().__init__(message)
        self.context = context
        self.message = message


def check_response_format(response_format: Any) -> str | None:
    """None when acceptable, else the API's error message."""
    if not isinstance(response_format, dict):
        return "Invalid type for 'response_format': expected an object."
    kind = response_format.get("type")
    if kind in ("text", "json_object"):
        return None
    if kind != "json_schema":
        return f"Invalid value: '{kind}'. Supported values are: 'json_object', 'json_schema', and 'text'."
    spec = response_format.get("json_schema")
    if not isinstance(spec, dict) or not isinstance(spec.get("name"), str) or not _NAME.match(spec["name"]):
        return "Invalid 'response_format.json_schema.name': must match ^[a-zA-Z0-9_-]{1,64}$."
    schema = spec.get("schema")
    name = spec["name"]
    if not isinstance(schema, dict) or schema.get("type") != "object" or "anyOf" in schema:
        return f"Invalid schema for response_format '{name}': schema must be a JSON Schema of 'type: \"object\"'."
    if not spec.get("strict"):
        return None
    counter = {"properties": 0, "enum": 0}
    try:
        _check(schema, schema.get("$defs") or {}, (), 0, counter)
    except SchemaProblem as problem:
        return f"Invalid schema for response_format '{name}': In context={problem.context}, {problem.message}"
    return None


def _check(node: Any, defs: dict[str, Any], context: tuple[str, ...], depth: int, counter: dict[str, int]) -> None:
    where = repr(context)
    if not isinstance(node, dict):
        raise SchemaProblem(where, "schema must be an object.")
    if depth > MAX_DEPTH:
        raise SchemaProblem(where, f"schema nesting exceeds the maximum depth of {MAX_DEPTH}.")
    if "$ref" in node:
        ref = str(node["$ref"])
        if ref == "#":
            return  # recursion to the root is allowed
        target = ref.removeprefix("#/$defs/")
        if target not in defs:
            raise SchemaProblem(where, f"reference '{ref}' can't be resolved.")
        _check(defs[target], defs, (*context, "$defs", target), depth + 1, counter)
        return
    if "anyOf" in node:
        for index, option in enumerate(node["anyOf"]):
            _check(option, defs, (*context, "anyOf", str(index)), depth + 1, counter)
        return
    kinds = node.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    if "enum" in node:
        counter["enum"] += len(node["enum"])
        if counter["enum"] > MAX_ENUM_VALUES:
            raise SchemaProblem(where, f"enum values exceed the maximum of {MAX_ENUM_VALUES}.")
    if not kinds or any(k not in _TYPES for k in kinds):
        if "enum" in node or "const" in node:
            return
        raise SchemaProblem(where, "'type' is required to be supplied.")
    if "object" in kinds:
        properties = node.get("properties") or {}
        if node.get("additionalProperties") is not False:
            raise SchemaProblem(where, "'additionalProperties' is required to be supplied and to be false.")
        required = node.get("required") or []
        missing = [key for key in properties if key not in required]
        if missing:
            raise SchemaProblem(where, f"'required' is required to be supplied and to be an array including every "
                                       f"key in properties. Missing '{missing[0]}'.")
        counter["properties"] += len(properties)
        if counter["properties"] > MAX_PROPERTIES:
            raise SchemaProblem(where, f"object properties exceed the maximum of {MAX_PROPERTIES}.")
        for key, child in properties.items():
            _check(child, defs, (*context, "properties", key), depth + 1, counter)
    if "array" in kinds and "items" in node:
        _check(node["items"], defs, (*context, "items"), depth + 1, counter)
