"""Messages between an orchestration's history and the outside world.

Completions flow in (an activity finished, a timer fired, an event arrived); effects flow out (run this activity,
arm this timer, start this sub-orchestration). Task and timer ids are the sequence ids of the history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class TaskDone:
    task_id: int
    result_json: str | None


@dataclass(frozen=True)
class TaskFailed:
    task_id: int
    reason: str
    details: str


# Activities and sub-orchestrations complete alike; the types differ so the history records the right event.
class ActivityDone(TaskDone):
    pass


class ActivityFailed(TaskFailed):
    pass


class SubOrchestrationDone(TaskDone):
    pass


class SubOrchestrationFailed(TaskFailed):
    pass


@dataclass(frozen=True)
class TimerDue:
    timer_id: int


@dataclass(frozen=True)
class EventArrived:
    name: str
    input_json: str | None


Completion = ActivityDone | ActivityFailed | SubOrchestrationDone | SubOrchestrationFailed | TimerDue | EventArrived


@dataclass(frozen=True)
class RunActivity:
    task_id: int
    name: str
    input_json: str | None


@dataclass(frozen=True)
class StartSubOrchestration:
    task_id: int
    name: str
    instance_id: str
    input_json: str | None


@dataclass(frozen=True)
class ArmTimer:
    timer_id: int
    fire_at: datetime


Effect = RunActivity | StartSubOrchestration | ArmTimer
