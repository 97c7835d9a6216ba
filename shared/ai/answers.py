"""The structured answer asked of the model, built per request so its category is an enum of the user's known
categories plus `unknown` (the API then cannot answer anything else), and checked again when it arrives."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model, model_validator

from shared.domain.scrubbing import scrub_text
from shared.domain.suggestions import UNKNOWN, canonical_category

MAX_REASON_CHARS = 200
OUTSIDE_KNOWN = "answer outside the known categories"


class ModelAnswer(BaseModel):
    ref: str
    category: str
    confidence: float = Field(ge=0, le=1)
    reason: str = ""


class ModelUsage(BaseModel):
    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def add(self, other: ModelUsage) -> ModelUsage:
        return ModelUsage(calls=self.calls + other.calls, prompt_tokens=self.prompt_tokens + other.prompt_tokens,
                          completion_tokens=self.completion_tokens + other.completion_tokens)


class ModelBatch(BaseModel):
    answers: list[ModelAnswer]
    usage: ModelUsage
    dropped: list[str] = []  # refs whose answer was not acceptable (outside the known list, unknown ref)


def answer_format(categories: list[str]) -> type[BaseModel]:
    """The response_format model: `{"answers": [{"ref", "category", "confidence", "reason"}]}` (strict schema)."""
    allowed = frozenset([*categories, UNKNOWN])
    choices: Any = Literal[tuple([*categories, UNKNOWN])]  # type: ignore[valid-type]

    def outside_to_unknown(cls: Any, data: Any) -> Any:
        # One answer outside the enum (a model that followed an injected instruction) must not sink the batch:
        # it becomes `unknown`, marked so the caller can report it.
        if isinstance(data, dict) and data.get("category") not in allowed:
            return {**data, "category": UNKNOWN, "reason": OUTSIDE_KNOWN}
        return data

    item = create_model(
        "CategoryAnswer",
        __config__=ConfigDict(extra="forbid"),
        __validators__={"outside_to_unknown": model_validator(mode="before")(outside_to_unknown)},  # type: ignore[dict-item]
        ref=(str, Field(description="the ref of the appointment")),
        category=(choices, Field(description="one of the user's categories, or unknown")),
        confidence=(float, Field(description="0 to 1")),
        reason=(str, Field(description="at most 15 words")),
    )
    return create_model("CategorySuggestions", __config__=ConfigDict(extra="forbid"), answers=(list[item], ...))


def checked_answers(parsed: BaseModel | None, refs: set[str], known: list[str]) -> tuple[list[ModelAnswer], list[str]]:
    """The answers that name a sent ref and a known category (in its known spelling); the refs of the rest."""
    raw = getattr(parsed, "answers", None) or []
    accepted: dict[str, ModelAnswer] = {}
    dropped: list[str] = []
    for item in raw:
        ref, category = str(getattr(item, "ref", "")), str(getattr(item, "category", ""))
        canonical = UNKNOWN if category == UNKNOWN else canonical_category(category, known)
        outside = getattr(item, "reason", "") == OUTSIDE_KNOWN
        if ref not in refs or ref in accepted or canonical is None or outside:
            dropped.append(ref)
            continue
        accepted[ref] = ModelAnswer(
            ref=ref, category=canonical, confidence=_clamp(getattr(item, "confidence", 0.0)),
            reason=scrub_text(str(getattr(item, "reason", "")))[:MAX_REASON_CHARS],
        )
    return list(accepted.values()), dropped


def _clamp(value: object) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0
    return min(1.0, max(0.0, number)) if number == number else 0.0
