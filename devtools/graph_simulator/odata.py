"""OData query options and Prefer headers: paging, $select, $expand and $filter on extended properties."""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from devtools.graph_simulator.errors import GraphError
from devtools.graph_simulator.event_shape import html_to_text
from devtools.graph_simulator.models import GraphRequest
from devtools.graph_simulator.timefmt import date_time_zone, parse_instant, zone

DEFAULT_PAGE = 10
MAX_TOP = 1000
EXPAND = re.compile(r"^\s*singleValueExtendedProperties\s*(?:\(\s*\$filter\s*=\s*id\s+eq\s+'(.*)'\s*\))?\s*$", re.I)
ANY_FILTER = re.compile(
    r"^\s*singleValueExtendedProperties/any\(\s*(\w+)\s*:\s*\1/id\s+eq\s+'((?:[^']|'')*)'"
    r"\s+and\s+\1/value\s+eq\s+'((?:[^']|'')*)'\s*\)\s*$",
    re.I,
)


def prefer(req: GraphRequest) -> dict[str, str]:
    """Prefer header preferences by lower-cased name, values unquoted."""
    found: dict[str, str] = {}
    for part in (req.header("Prefer") or "").split(","):
        name, _, value = part.strip().partition("=")
        if name:
            found[name.strip().lower()] = value.strip().strip('"')
    return found


def property_key(property_id: str) -> str:
    """Extended property ids compare with type and GUID case-insensitive but the name case-sensitive."""
    head, sep, name = property_id.strip().partition(" Name ")
    return f"{head.lower()}{sep}{name}" if sep else property_id.strip().lower()


@dataclass(frozen=True)
class PropertyFilter:
    property_id: str
    value: str

    def matches(self, event: dict[str, Any]) -> bool:
        wanted = property_key(self.property_id)
        return any(
            property_key(str(p.get("id", ""))) == wanted and str(p.get("value", "")).lower() == self.value.lower()
            for p in event.get("singleValueExtendedProperties") or []
        )


def property_filter(req: GraphRequest) -> PropertyFilter | None:
    raw = req.param("filter")
    if raw is None:
        return None
    match = ANY_FILTER.match(raw)
    if not match:
        raise GraphError(400, "ErrorInvalidUrlQueryFilter", f"The $filter clause is not supported: {raw}")
    return PropertyFilter(match.group(2).replace("''", "'"), match.group(3).replace("''", "'"))


def _page_size(req: GraphRequest, page_cap: int) -> int:
    size = DEFAULT_PAGE
    top = req.param("top")
    if top is not None:
        if not top.isdigit() or not 1 <= int(top) <= MAX_TOP:
            raise GraphError(400, "ErrorInvalidParameter", f"Invalid value for $top: '{top}'. Use 1 to {MAX_TOP}.")
        size = int(top)
    max_page = prefer(req).get("odata.maxpagesize")
    if max_page and max_page.isdigit() and int(max_page) > 0:
        size = min(size, int(max_page))
    return max(1, min(size, page_cap))


def _offset(req: GraphRequest) -> int:
    token = req.param("skiptoken")
    if token is None:
        return 0
    try:
        offset = json.loads(base64.urlsafe_b64decode(token.encode()))["offset"]
    except (binascii.Error, ValueError, KeyError, TypeError):
        raise GraphError(400, "ErrorInvalidParameter", "The $skiptoken is not valid.") from None
    if not isinstance(offset, int) or offset < 0:
        raise GraphError(400, "ErrorInvalidParameter", "The $skiptoken is not valid.")
    return offset


def paginate(items: list[dict[str, Any]], req: GraphRequest, base_url: str, page_cap: int) -> dict[str, Any]:
    """One page of `items` and, unless it is the last, an opaque @odata.nextLink that carries the other options."""
    size = _page_size(req, page_cap)
    offset = _offset(req)
    page: dict[str, Any] = {"@odata.context": f"{base_url}/$metadata#{req.path.strip('/')}", "value": []}
    page["value"] = items[offset : offset + size]
    if offset + size < len(items):
        token = base64.urlsafe_b64encode(json.dumps({"offset": offset + size}).encode()).decode()
        query = {k: v for k, v in req.query.items() if k.lstrip("$").lower() != "skiptoken"}
        query["$skiptoken"] = token
        page["@odata.nextLink"] = f"{base_url}{quote(req.path)}?{urlencode(query, quote_via=quote, safe='$')}"
    return page


def window(req: GraphRequest) -> tuple[Any, Any]:
    start, end = req.param("startDateTime"), req.param("endDateTime")
    if not start or not end:
        raise GraphError(
            400, "ErrorInvalidParameter", "This request requires a time window specified by the query string "
            "parameters StartDateTime and EndDateTime.",
        )
    return parse_instant(start), parse_instant(end)


def _selected(req: GraphRequest) -> set[str] | None:
    raw = req.param("select")
    return {s.strip().lower() for s in raw.split(",") if s.strip()} if raw else None


def _expanded_property(req: GraphRequest) -> str | None:
    """None when extended properties are not expanded, "" when all are, else the property id asked for."""
    raw = req.param("expand")
    if not raw:
        return None
    match = EXPAND.match(raw)
    if not match:
        raise GraphError(400, "BadRequest", f"The $expand option is not supported: {raw}")
    return (match.group(1) or "").replace("''", "'")


def validate_item_options(req: GraphRequest) -> None:
    _selected(req)
    _expanded_property(req)


def render_event(event: dict[str, Any], req: GraphRequest) -> dict[str, Any]:
    """The event as a client sees it, honouring $select, $expand and the Prefer headers."""
    out = {k: v for k, v in event.items() if k != "singleValueExtendedProperties"}
    preferences = prefer(req)
    tz_name = preferences.get("outlook.timezone") or "UTC"
    if tz_name.upper() != "UTC":
        zone(tz_name)
        for key in ("start", "end"):
            if isinstance(out.get(key), dict):
                out[key] = date_time_zone(parse_instant(out[key]["dateTime"]), tz_name)
    wanted_body = preferences.get("outlook.body-content-type", "").lower()
    body = out.get("body")
    current_body = str(body.get("contentType", "")).lower() if isinstance(body, dict) else ""
    if wanted_body in ("text", "html") and isinstance(body, dict) and current_body != wanted_body:
        content = str(body.get("content") or "")
        if wanted_body == "text":
            out["body"] = {"contentType": "text", "content": html_to_text(content)}
        else:
            escaped = content.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            out["body"] = {"contentType": "html", "content": f"<html><body>{escaped}</body></html>"}
    expanded = _expanded_property(req)
    if expanded is not None:
        props = event.get("singleValueExtendedProperties") or []
        if expanded:
            props = [p for p in props if property_key(str(p.get("id", ""))) == property_key(expanded)]
        if props:
            # Graph omits the collection when no property matches the expansion filter.
            out["singleValueExtendedProperties"] = [dict(p) for p in props]
    selected = _selected(req)
    if selected is not None:
        keep = selected | {"id", "@odata.etag", "singlevalueextendedproperties"}
        out = {k: v for k, v in out.items() if k.lower() in keep}
    return out
