"""The single-value extended properties that tie an archive copy to its source event."""

from __future__ import annotations

from typing import Any

# Fixed GUID of our property set; changing it would make every existing copy unrecognisable.
SOURCE_KEY_PROPERTY_ID = "String {2f5c8f8e-3b4a-4c55-9d2a-6a1e0c2b7d41} Name AdminAssistantSourceKey"
# The source event's (immutable) id: a `deleted` notification names only that id, and the event can no longer be read
# to work out its source key, so the copy is found by this property instead.
SOURCE_EVENT_PROPERTY_ID = "String {2f5c8f8e-3b4a-4c55-9d2a-6a1e0c2b7d41} Name AdminAssistantSourceEventId"


def single_value_property(event: dict[str, Any], property_id: str) -> str | None:
    """The value of a single-value extended property expanded on a Graph event, if present."""
    properties = event.get("singleValueExtendedProperties")
    if not isinstance(properties, list):
        return None
    wanted = property_id.casefold()
    for prop in properties:
        # The GUID part may come back in another case; the name match is exact in Graph anyway.
        if isinstance(prop, dict) and str(prop.get("id", "")).casefold() == wanted:
            value = prop.get("value")
            return value if isinstance(value, str) else None
    return None


def source_key_of(event: dict[str, Any]) -> str | None:
    return single_value_property(event, SOURCE_KEY_PROPERTY_ID)
