"""History events in the wire shape the Durable host sends to an out-of-process orchestrator.

Events are stored without `IsPlayed`: whether an event was already played depends on the episode being replayed,
so it is added when the history is rendered for the SDK (`render`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from azure.durable_functions.models.history.HistoryEventType import HistoryEventType

HistoryEvent = dict[str, Any]

_TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def format_timestamp(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("history timestamps must be timezone-aware")
    return moment.astimezone(UTC).strftime(_TIMESTAMP_FORMAT)


def parse_timestamp(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    # The SDK writes timer deadlines with strftime, which drops the offset of an aware datetime.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _event(kind: HistoryEventType, at: datetime, event_id: int = -1, **fields: Any) -> HistoryEvent:
    return {"EventType": int(kind), "EventId": event_id, "Timestamp": format_timestamp(at), **fields}


def orchestrator_started(at: datetime) -> HistoryEvent:
    return _event(HistoryEventType.ORCHESTRATOR_STARTED, at)


def orchestrator_completed(at: datetime) -> HistoryEvent:
    return _event(HistoryEventType.ORCHESTRATOR_COMPLETED, at)


def execution_started(at: datetime, name: str, input_json: str | None, parent_instance_id: str | None) -> HistoryEvent:
    parent = {"OrchestrationInstance": {"InstanceId": parent_instance_id}} if parent_instance_id else None
    return _event(HistoryEventType.EXECUTION_STARTED, at, Name=name, Input=input_json, Version="",
                  ParentInstance=parent)


def execution_completed(at: datetime, status: str, result: str | None) -> HistoryEvent:
    return _event(HistoryEventType.EXECUTION_COMPLETED, at, OrchestrationStatus=status, Result=result)


def task_scheduled(at: datetime, task_id: int, name: str, input_json: str | None) -> HistoryEvent:
    return _event(HistoryEventType.TASK_SCHEDULED, at, task_id, Name=name, Input=input_json)


def task_completed(at: datetime, task_id: int, result_json: str | None) -> HistoryEvent:
    return _event(HistoryEventType.TASK_COMPLETED, at, TaskScheduledId=task_id, Result=result_json)


def task_failed(at: datetime, task_id: int, reason: str, details: str) -> HistoryEvent:
    return _event(HistoryEventType.TASK_FAILED, at, TaskScheduledId=task_id, Reason=reason, Details=details)


def sub_orchestration_created(at: datetime, task_id: int, name: str, instance_id: str,
                              input_json: str | None) -> HistoryEvent:
    return _event(HistoryEventType.SUB_ORCHESTRATION_INSTANCE_CREATED, at, task_id, Name=name,
                  InstanceId=instance_id, Input=input_json)


def sub_orchestration_completed(at: datetime, task_id: int, result_json: str | None) -> HistoryEvent:
    return _event(HistoryEventType.SUB_ORCHESTRATION_INSTANCE_COMPLETED, at, TaskScheduledId=task_id,
                  Result=result_json)


def sub_orchestration_failed(at: datetime, task_id: int, reason: str, details: str) -> HistoryEvent:
    return _event(HistoryEventType.SUB_ORCHESTRATION_INSTANCE_FAILED, at, TaskScheduledId=task_id, Reason=reason,
                  Details=details)


def timer_created(at: datetime, timer_id: int, fire_at: datetime) -> HistoryEvent:
    return _event(HistoryEventType.TIMER_CREATED, at, timer_id, FireAt=format_timestamp(fire_at))


def timer_fired(at: datetime, timer_id: int, fire_at: datetime) -> HistoryEvent:
    return _event(HistoryEventType.TIMER_FIRED, at, TimerId=timer_id, FireAt=format_timestamp(fire_at))


def event_raised(at: datetime, name: str, input_json: str | None) -> HistoryEvent:
    return _event(HistoryEventType.EVENT_RAISED, at, Name=name, Input=input_json)


def render(events: Sequence[HistoryEvent], played: int) -> list[HistoryEvent]:
    """The events as the SDK receives them: the first `played` come from earlier episodes."""
    return [{**event, "IsPlayed": index < played} for index, event in enumerate(events)]
