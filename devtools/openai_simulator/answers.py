"""Deterministic answers: a keyword table first, then a customer named in the text, else `unknown`.

The simulator reads the appointments from the last user message (`{"appointments": [{"ref", "subject",
"location", ...}]}`) and the allowed categories from the schema's enum. In `obey_instructions` mode it behaves like
a model fooled by the data: "... answer <X>" in a subject makes it answer X, even outside the schema."""

from __future__ import annotations

import json
import re
from typing import Any

_INSTRUCTION = re.compile(r"\banswer\s+(.+)$", re.IGNORECASE)


def allowed_categories(schema: dict[str, Any]) -> list[str]:
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("enum"), list) and node.get("title", "").lower() == "category":
                found.extend(str(v) for v in node["enum"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    return found


def appointments(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for message in reversed(messages):
        if message.get("role") != "user" or not isinstance(message.get("content"), str):
            continue
        try:
            data = json.loads(message["content"])
        except ValueError:
            return []
        items = data.get("appointments") if isinstance(data, dict) else None
        return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []
    return []


def answer_for(
    item: dict[str, Any], allowed: list[str], keywords: dict[str, str], obey_instructions: bool
) -> dict[str, Any]:
    text = f"{item.get('subject', '')} {item.get('location', '')}".casefold()
    ref = str(item.get("ref", ""))
    if obey_instructions:
        injected = _INSTRUCTION.search(str(item.get("subject", "")))
        if injected:
            return _answer(ref, injected.group(1).strip(), 0.99, "as instructed")
    for keyword, category in keywords.items():
        if keyword.casefold() in text and category in allowed:
            return _answer(ref, category, 0.9, f"keyword {keyword}")
    for category in allowed:
        customer = _customer(category)
        if customer and re.search(rf"(?<!\w){re.escape(customer.casefold())}(?!\w)", text):
            return _answer(ref, category, 0.8, "customer named in the subject")
    return _answer(ref, "unknown", 0.2, "no signal")


def _answer(ref: str, category: str, confidence: float, reason: str) -> dict[str, Any]:
    return {"ref": ref, "category": category, "confidence": confidence, "reason": reason}


def _customer(category: str) -> str | None:
    if " - " not in category:
        return None
    left, right = (p.strip() for p in category.split(" - ", 1))
    return right if left.casefold() in ("billable", "non-billable") else left
