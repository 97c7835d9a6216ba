"""What an orchestrator asked for in one replay: the SDK's JSON reply parsed into typed actions."""

from __future__ import annotations

import json
import traceback
from collections.abc import Callable
from datetime import datetime
from typing import Any, Literal

from azure.durable_functions.models.actions.ActionType import ActionType
from pydantic import BaseModel, ConfigDict

from shared.runtime.history import parse_timestamp

ActionKind = Literal["activity", "sub_orchestration", "timer", "external_event", "continue_as_new"]

OUT_OF_PROC_MARKER = "\n\n$OutOfProcData$:"


class UnsupportedAction(ValueError):
    """The orchestrator used a Durable feature the local engine does not run (entities, durable HTTP)."""


class RetryPolicy(BaseModel):
    model_config = ConfigDict(frozen=True)

    first_retry_interval_ms: int
    max_attempts: int


class ScheduledAction(BaseModel):
    """One atomic action; compound WhenAll/WhenAny wrappers are flattened away."""

    model_config = ConfigDict(frozen=True)

    kind: ActionKind
    name: str | None = None
    input: str | None = None
    instance_id: str | None = None
    fire_at: datetime | None = None
    canceled: bool = False
    retry: RetryPolicy | None = None

    @property
    def takes_sequence_id(self) -> bool:
        # External events are matched by name, never by sequence number (host and SDK agree).
        return self.kind in ("activity", "sub_orchestration", "timer")

    def same_call(self, other: ScheduledAction) -> bool:
        """Whether a replay scheduled the same thing; a timer being cancelled later is not a difference."""
        return self.model_copy(update={"canceled": False}) == other.model_copy(update={"canceled": False})

    def describe(self) -> str:
        retry = " with retry" if self.retry else ""
        if self.kind == "timer":
            return f"timer firing at {self.fire_at.isoformat() if self.fire_at else '?'}"
        if self.kind == "external_event":
            return f"wait for external event '{self.name}'"
        if self.kind == "continue_as_new":
            return "continue-as-new"
        target = f" (instance '{self.instance_id}')" if self.instance_id else ""
        label = "activity" if self.kind == "activity" else "sub-orchestration"
        return f"{label}{retry} '{self.name}'{target} with input {_clip(self.input)}"


class OrchestratorReply(BaseModel):
    """The outcome of one `handle` call: still waiting, done with an output, or failed with an error."""

    is_done: bool
    actions: list[ScheduledAction]
    output: Any = None
    custom_status: Any = None
    error: str | None = None
    error_details: str | None = None


def _clip(text: str | None, limit: int = 200) -> str:
    if text is None:
        return "null"
    return text if len(text) <= limit else text[:limit] + "..."


def _retry(raw: dict[str, Any]) -> RetryPolicy:
    options = raw.get("retryOptions") or {}
    return RetryPolicy(first_retry_interval_ms=int(options["firstRetryIntervalInMilliseconds"]),
                       max_attempts=int(options["maxNumberOfAttempts"]))


def parse_action(raw: dict[str, Any]) -> list[ScheduledAction]:
    action_type = raw.get("actionType")
    if action_type in (ActionType.WHEN_ALL, ActionType.WHEN_ANY):
        return [child for sub in raw.get("compoundActions", []) for child in parse_action(sub)]
    if action_type == ActionType.CALL_ACTIVITY:
        return [ScheduledAction(kind="activity", name=raw["functionName"], input=raw.get("input"))]
    if action_type == ActionType.CALL_ACTIVITY_WITH_RETRY:
        return [ScheduledAction(kind="activity", name=raw["functionName"], input=raw.get("input"), retry=_retry(raw))]
    if action_type in (ActionType.CALL_SUB_ORCHESTRATOR, ActionType.CALL_SUB_ORCHESTRATOR_WITH_RETRY):
        retry = _retry(raw) if action_type == ActionType.CALL_SUB_ORCHESTRATOR_WITH_RETRY else None
        return [ScheduledAction(kind="sub_orchestration", name=raw["functionName"], input=raw.get("input"),
                                instance_id=raw.get("instanceId"), retry=retry)]
    if action_type == ActionType.CREATE_TIMER:
        return [ScheduledAction(kind="timer", fire_at=parse_timestamp(raw["fireAt"]),
                                canceled=bool(raw.get("isCanceled")))]
    if action_type == ActionType.WAIT_FOR_EXTERNAL_EVENT:
        return [ScheduledAction(kind="external_event", name=raw["externalEventName"])]
    if action_type == ActionType.CONTINUE_AS_NEW:
        return [ScheduledAction(kind="continue_as_new", input=raw.get("input"))]
    raise UnsupportedAction(f"the local Durable engine does not support action type {action_type}: "
                            f"{_clip(json.dumps(raw))}")


def flatten(actions: list[Any]) -> list[ScheduledAction]:
    """All atomic actions in the order the code scheduled them (one group per yield, children in order)."""
    flat: list[ScheduledAction] = []
    for group in actions:
        for raw in group if isinstance(group, list) else [group]:
            flat.extend(parse_action(raw))
    return flat


def _reply_from_state(state: dict[str, Any]) -> OrchestratorReply:
    return OrchestratorReply(is_done=bool(state.get("isDone")), actions=flatten(state.get("actions") or []),
                             output=state.get("output"), custom_status=state.get("customStatus"),
                             error=state.get("error"))


def call_orchestrator(handle: Callable[[Any], Any], context: Any) -> OrchestratorReply:
    """Run one replay through the SDK's own `handle` and read its reply, including a failure's state."""
    try:
        raw_reply = handle(context)
    except Exception as exc:
        text = str(exc)
        cause = exc.__cause__ or exc
        details = "".join(traceback.format_exception(cause))
        if OUT_OF_PROC_MARKER not in text:
            # Not the SDK's error protocol: the replay itself broke (invalid history, unsupported feature).
            return OrchestratorReply(is_done=False, actions=[], error=f"{type(exc).__name__}: {text}",
                                     error_details=details)
        message, state_json = text.split(OUT_OF_PROC_MARKER, 1)
        reply = _reply_from_state(json.loads(state_json))
        return reply.model_copy(update={"error": reply.error or message, "error_details": details})
    state = json.loads(raw_reply) if isinstance(raw_reply, str | bytes) else raw_reply
    return _reply_from_state(state)
