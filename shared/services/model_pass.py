"""The model's part of a suggestion run: cache first, batches of up to 20 scrubbed appointments, a daily cap per
user, and the first failure ends the model's part of the run (the reason is kept, the caller goes on)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from shared.ai.answers import ModelAnswer, ModelUsage
from shared.ai.openai_model import MAX_BATCH, CategoryModel, ModelUnavailable
from shared.domain.model_input import ModelItem
from shared.domain.suggestions import ModelState
from shared.storage.protocols import ModelAnswerCache, ModelUsageCounter


@dataclass
class ModelPassResult:
    state: ModelState
    answers: dict[str, ModelAnswer] = field(default_factory=dict)  # by the item's ref
    reason: str | None = None
    cached: int = 0
    dropped: int = 0
    usage: ModelUsage = field(default_factory=ModelUsage)


@dataclass
class ModelPass:
    model: CategoryModel | None
    cache: ModelAnswerCache | None
    usage: ModelUsageCounter | None
    daily_cap: int
    batch_size: int = MAX_BATCH

    def run(self, user: str, items: list[ModelItem], known: list[str], rules: list[str], today: dt.date
            ) -> ModelPassResult:
        if self.model is None:
            return ModelPassResult(state="off")
        result = ModelPassResult(state="on")
        model_name = self.model.name
        # Identical scrubbed appointments (a daily stand-up) are asked about once and share the answer.
        by_hash: dict[str, list[ModelItem]] = {}
        for item in items:
            by_hash.setdefault(item.content_hash(model_name), []).append(item)
        pending: list[tuple[str, ModelItem]] = []
        for key, group in by_hash.items():
            cached = self.cache.get(user, key) if self.cache else None
            if cached is not None:
                result.cached += len(group)
                for item in group:
                    result.answers[item.ref] = cached.model_copy(update={"ref": item.ref})
            else:
                pending.append((key, group[0]))
        for start in range(0, len(pending), self.batch_size):
            batch = pending[start:start + self.batch_size]
            if self.usage is not None and not self.usage.take(user, today, self.daily_cap):
                result.state, result.reason = "unavailable", f"daily cap of {self.daily_cap} model calls reached"
                break
            try:
                answered = self.model.suggest([item for _, item in batch], known, rules)
            except ModelUnavailable as error:
                result.state, result.reason = "unavailable", error.reason
                break
            result.usage = result.usage.add(answered.usage)
            result.dropped += len(answered.dropped)
            by_ref = {a.ref: a for a in answered.answers}
            for key, item in batch:
                answer = by_ref.get(item.ref)
                if answer is None:
                    continue
                if self.cache is not None:
                    self.cache.put(user, key, answer, model_name)
                for twin in by_hash[key]:
                    result.answers[twin.ref] = answer.model_copy(update={"ref": twin.ref})
        return result
