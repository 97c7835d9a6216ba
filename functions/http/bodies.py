"""Reading request bodies: size, nesting and encoding limits, then a pydantic model; each refusal names the field."""

from __future__ import annotations

import json
import re
from itertools import accumulate
from typing import Any, TypeVar

import azure.functions as func
from pydantic import BaseModel, ValidationError

from shared.domain.errors import InvalidInput

M = TypeVar("M", bound=BaseModel)

MAX_BODY_BYTES = 1024 * 1024
MAX_BODY_DEPTH = 64  # far beyond any body we read; deep nesting would exhaust the recursion limit later on

# Strings are skipped when measuring nesting: brackets inside them are text. Possessive quantifiers keep it linear.
_JSON_STRING = re.compile(rb'"[^"\\]*+(?:\\.[^"\\]*+)*+"', re.DOTALL)
_NOT_A_BRACKET = bytes(byte for byte in range(256) if byte not in b"[]{}")
_DEPTH_STEP = [0] * 256
_DEPTH_STEP[ord("[")] = _DEPTH_STEP[ord("{")] = 1
_DEPTH_STEP[ord("]")] = _DEPTH_STEP[ord("}")] = -1


class PayloadTooLarge(Exception):
    pass


def read_json(req: func.HttpRequest) -> dict[str, Any]:
    """The request's JSON object; InvalidInput (or PayloadTooLarge) explains why there is none."""
    raw = req.get_body() or b""
    if len(raw) > MAX_BODY_BYTES:
        raise PayloadTooLarge(f"the body is larger than {MAX_BODY_BYTES} bytes")
    if not raw.strip():
        raise InvalidInput("body", "a JSON object is required")
    # Measured on the text, before parsing: the parser recurses once per level, and how deep it may go depends on
    # the interpreter's recursion limit (process-wide, changed by test tools) and on the stack already in use.
    if nesting_depth(raw) > MAX_BODY_DEPTH:
        raise InvalidInput("body", f"nested deeper than {MAX_BODY_DEPTH} levels")
    try:
        value = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidInput("body", f"malformed JSON ({exc})") from None
    if not isinstance(value, dict):
        raise InvalidInput("body", "must be a JSON object")
    try:
        # JSON may escape half a surrogate pair (`"\ud800"`); such a string cannot be stored or answered.
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidInput("body", "a string holds an unpaired UTF-16 surrogate escape") from None
    return value


def read_body(req: func.HttpRequest, model: type[M]) -> M:
    raw = read_json(req)
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        raise InvalidInput.from_validation(error) from None


def nesting_depth(raw: bytes) -> int:
    """How deeply arrays and objects nest in a JSON text, without parsing it (linear, no recursion)."""
    brackets = _JSON_STRING.sub(b"", raw).translate(None, _NOT_A_BRACKET)
    return max(accumulate(map(_DEPTH_STEP.__getitem__, brackets)), default=0)
