"""Turning model fields into flat Table properties and back (lists/dicts as JSON, sizes within service limits)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

from shared.domain.timestamps import as_utc

# A string property holds at most 64 KiB of UTF-16, i.e. 32 768 characters; keep a margin.
MAX_TEXT_CHARS = 30_000
_SHRUNK_STRING_CHARS = 500
_SHRUNK_LIST_ITEMS = 50
INT32_MAX = 2**31 - 1


def fit_text(text: str, limit: int = MAX_TEXT_CHARS) -> str:
    if len(text) <= limit:
        return text
    marker = f"… [truncated {len(text) - limit} characters]"
    return text[: max(0, limit - len(marker))] + marker


def to_json(value: Any, limit: int = MAX_TEXT_CHARS) -> str:
    """JSON that fits one property: long strings and lists are shortened first, then the whole is cut as a preview."""
    text = _dumps(value)
    if len(text) <= limit:
        return text
    shrunk = _shrink(value)
    if isinstance(shrunk, dict):
        shrunk["_truncated"] = True
    text = _dumps(shrunk)
    if len(text) <= limit:
        return text
    preview_limit = max(0, limit - 100)
    return _dumps({"_truncated": True, "preview": _dumps(value)[:preview_limit]})


def split_text(name: str, text: str, max_parts: int = 16) -> dict[str, str]:
    """Spread a long value over `name`, `name_1`, `name_2`… (an entity may hold 1 MiB, a property only 64 KiB)."""
    parts = [text[i : i + MAX_TEXT_CHARS] for i in range(0, len(text), MAX_TEXT_CHARS)] or [""]
    if len(parts) > max_parts:
        raise ValueError(f"{name} is too large to store ({len(text)} characters)")
    return {(name if i == 0 else f"{name}_{i}"): part for i, part in enumerate(parts)}


def join_text(entity: Mapping[str, Any], name: str) -> str:
    parts = [str(entity.get(name) or "")]
    index = 1
    while f"{name}_{index}" in entity:
        parts.append(str(entity[f"{name}_{index}"]))
        index += 1
    return "".join(parts)


def from_json(text: Any, default: Any) -> Any:
    if not isinstance(text, str) or not text:
        return default
    try:
        return json.loads(text)
    except ValueError:
        return default


def as_datetime(value: Any) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return as_utc(value)
    return as_utc(dt.datetime.fromisoformat(str(value)))


def clamp_int32(value: int | None) -> int | None:
    return None if value is None else max(-INT32_MAX - 1, min(INT32_MAX, value))


def without_none(properties: Mapping[str, Any]) -> dict[str, Any]:
    """Drop absent values: Azure does not store nulls, so the fakes must not either."""
    return {name: value for name, value in properties.items() if value is not None}


def etag_of(entity: Any) -> str | None:
    metadata = getattr(entity, "metadata", None) or {}
    etag = metadata.get("etag")
    return str(etag) if etag else None


def _dumps(value: Any) -> str:
    return json.dumps(value, default=str, ensure_ascii=False, separators=(",", ":"))


def _shrink(value: Any) -> Any:
    if isinstance(value, str):
        return fit_text(value, _SHRUNK_STRING_CHARS)
    if isinstance(value, Mapping):
        return {str(k): _shrink(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        items = [_shrink(v) for v in value[:_SHRUNK_LIST_ITEMS]]
        if len(value) > _SHRUNK_LIST_ITEMS:
            items.append(f"… [{len(value) - _SHRUNK_LIST_ITEMS} more items]")
        return items
    return value
