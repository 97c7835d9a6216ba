"""The category model behind `openai`'s structured outputs: one call per batch of up to 20 scrubbed appointments.

Transient failures (429 `rate_limit_exceeded`, 5xx, connection errors) are retried by the SDK within its limits,
honouring `retry-after(-ms)`. Everything that retrying cannot fix (quota, credentials, refusals, timeouts, answers
that do not parse) becomes `ModelUnavailable` with a reason fit for the audit log: codes, never response texts,
which may echo a masked key.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Protocol

import httpx2
import openai
from pydantic import ValidationError

from shared.ai.answers import ModelBatch, ModelUsage, answer_format, checked_answers
from shared.ai.prompt import messages
from shared.domain.model_input import ModelItem

MAX_BATCH = 20
DEFAULT_MODEL = "gpt-4o-mini"
MAX_COMPLETION_TOKENS_PER_ITEM = 60

logger = logging.getLogger(__name__)


class ModelUnavailable(Exception):
    """The model cannot answer this run; `reason` says why (no secrets, no appointment data)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class CategoryModel(Protocol):
    name: str

    def suggest(self, items: list[ModelItem], categories: list[str], rules: list[str]) -> ModelBatch: ...


class QuotaAwareTransport(httpx2.BaseTransport):
    """Marks a 429 `insufficient_quota` as not worth retrying (`x-should-retry: false`, which the SDK obeys):
    the SDK would otherwise try it three times, and an empty account does not refill in a second."""

    def __init__(self, inner: httpx2.BaseTransport | None = None) -> None:
        self._inner = inner or httpx2.HTTPTransport()

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        response = self._inner.handle_request(request)
        if response.status_code == 429:
            response.read()
            if _error_code(response.content) == "insufficient_quota":
                response.headers["x-should-retry"] = "false"
        return response

    def close(self) -> None:
        self._inner.close()


def http_client(timeout: float, transport: httpx2.BaseTransport | None = None) -> httpx2.Client:
    return openai.DefaultHttpx2Client(transport=QuotaAwareTransport(transport), timeout=timeout)


class OpenAICategoryModel:
    def __init__(self, client: openai.OpenAI, model: str = DEFAULT_MODEL) -> None:
        self._client = client
        self.name = model

    def suggest(self, items: list[ModelItem], categories: list[str], rules: list[str]) -> ModelBatch:
        if not items:
            return ModelBatch(answers=[], usage=ModelUsage())
        if len(items) > MAX_BATCH:
            raise ValueError(f"at most {MAX_BATCH} appointments per call, got {len(items)}")
        answer_model = answer_format(categories)
        try:
            completion = self._client.chat.completions.parse(
                model=self.name,
                messages=messages(items, categories, rules),  # type: ignore[arg-type]
                response_format=answer_model,
                temperature=0,
                max_completion_tokens=MAX_COMPLETION_TOKENS_PER_ITEM * len(items) + 50,
            )
        except openai.RateLimitError as error:
            what = "quota exhausted" if error.code == "insufficient_quota" else "rate limited"
            raise ModelUnavailable(_status_reason(error, what)) from None
        except openai.AuthenticationError as error:
            raise ModelUnavailable(_status_reason(error, "authentication failed")) from None
        except openai.PermissionDeniedError as error:
            raise ModelUnavailable(_status_reason(error, "permission denied")) from None
        except openai.APIStatusError as error:
            raise ModelUnavailable(_status_reason(error, "service error")) from None
        except openai.APITimeoutError:
            raise ModelUnavailable("timed out") from None
        except openai.APIConnectionError:
            raise ModelUnavailable("unreachable") from None
        except openai.LengthFinishReasonError:
            raise ModelUnavailable("malformed answer: cut off at the token limit") from None
        except openai.ContentFilterFinishReasonError:
            raise ModelUnavailable("malformed answer: stopped by the content filter") from None
        except (ValidationError, ValueError) as error:
            logger.warning("the category model's answer did not parse: %s", type(error).__name__)
            raise ModelUnavailable("malformed answer: not the requested JSON") from None
        usage = _usage(completion)
        message = completion.choices[0].message if completion.choices else None
        if message is None:
            raise ModelUnavailable("malformed answer: no choices")
        if message.refusal:
            raise ModelUnavailable("refused: the model declined to answer")
        answers, dropped = checked_answers(message.parsed, {item.ref for item in items}, categories)
        return ModelBatch(answers=answers, usage=usage, dropped=dropped)


def _usage(completion: Any) -> ModelUsage:
    usage = getattr(completion, "usage", None)
    return ModelUsage(calls=1, prompt_tokens=int(getattr(usage, "prompt_tokens", 0) or 0),
                      completion_tokens=int(getattr(usage, "completion_tokens", 0) or 0))


def _status_reason(error: openai.APIStatusError, what: str) -> str:
    code = error.code if isinstance(error.code, str) else None
    return f"{what} ({error.status_code}{' ' + code if code else ''})"


def _error_code(content: bytes) -> str | None:
    try:
        body = json.loads(content or b"{}")
    except ValueError:
        return None
    error = body.get("error") if isinstance(body, dict) else None
    code = error.get("code") if isinstance(error, dict) else None
    return code if isinstance(code, str) else None
