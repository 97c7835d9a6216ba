"""One execution of an orchestration: its history and the replay bookkeeping the Durable host does.

No threads here. The engine feeds completions in (`begin_episode`), lets the SDK replay the history, hands the reply
to `finish_episode` and carries out the effects it returns. Sequence ids follow the SDK's numbering: the SDK hands
out an id whenever it meets a new activity, timer or sub-orchestration, and also for each retry timer and each retry
attempt of a `*_with_retry` task, at the moment it processes the failure / the timer that triggers them. So within
an episode the completions that make the SDK allocate ids (a failed retryable attempt, a retry timer with attempts
left) are delivered before the others, which never resume the code; ids for the code's new actions come after.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from shared.runtime import history as h
from shared.runtime.actions import OrchestratorReply, ScheduledAction
from shared.runtime.errors import NonDeterminismError
from shared.runtime.work import (
    ActivityDone,
    ActivityFailed,
    ArmTimer,
    Completion,
    Effect,
    EventArrived,
    RunActivity,
    StartSubOrchestration,
    SubOrchestrationDone,
    SubOrchestrationFailed,
    TimerDue,
)

CUSTOM_STATUS_LIMIT = 16 * 1024


@dataclass(frozen=True)
class Waiting:
    effects: tuple[Effect, ...]
    custom_status: Any


@dataclass(frozen=True)
class Completed:
    output: Any
    custom_status: Any


@dataclass(frozen=True)
class Failed:
    message: str
    details: str
    custom_status: Any


@dataclass(frozen=True)
class ContinuedAsNew:
    input_json: str | None
    custom_status: Any


Outcome = Waiting | Completed | Failed | ContinuedAsNew


@dataclass
class _Retry:
    action: ScheduledAction
    attempts: int = 1

    @property
    def attempts_left(self) -> bool:
        return self.action.retry is not None and self.attempts < self.action.retry.max_attempts


@dataclass
class _Episode:
    at: datetime
    scheduling: list[h.HistoryEvent] = field(default_factory=list)
    effects: list[Effect] = field(default_factory=list)


class Execution:
    def __init__(self, name: str, instance_id: str, input_json: str | None, parent_instance_id: str | None,
                 now: datetime) -> None:
        self.name = name
        self.instance_id = instance_id
        self.input_json = input_json
        self.parent_instance_id = parent_instance_id
        self.history: list[h.HistoryEvent] = [h.orchestrator_started(now),
                                              h.execution_started(now, name, input_json, parent_instance_id)]
        self.played = 0
        self._episode = _Episode(at=now)
        self._known: list[tuple[ScheduledAction, int | None]] = []
        self._next_id = 0
        self._open: dict[int, ScheduledAction] = {}
        self._fire_at: dict[int, datetime] = {}
        self._retry_of_attempt: dict[int, _Retry] = {}
        self._retry_of_timer: dict[int, _Retry] = {}

    def context_json(self) -> str:
        return json.dumps({
            "history": h.render(self.history, self.played),
            "instanceId": self.instance_id,
            "isReplaying": self.played > 0,
            "parentInstanceId": self.parent_instance_id,
            "input": self.input_json,
            "upperSchemaVersion": 1,
        })

    def timer_is_live(self, timer_id: int) -> bool:
        """A cancelled timer (the code moved on after a `task_any`) need not fire."""
        action = self._open.get(timer_id)
        return action is not None and not action.canceled

    def begin_episode(self, now: datetime, completions: list[Completion]) -> None:
        at = max(now, self._episode.at)
        self.played = len(self.history)
        self._episode = _Episode(at=at)
        self.history.append(h.orchestrator_started(at))
        allocating = [c for c in completions if self._allocates_ids(c)]
        for completion in allocating + [c for c in completions if not self._allocates_ids(c)]:
            self._deliver(completion)

    def finish_episode(self, reply: OrchestratorReply) -> Outcome:
        episode = self._episode
        outcome = self._outcome(reply)
        self.history.extend(episode.scheduling)
        self.history.append(h.orchestrator_completed(episode.at))
        if isinstance(outcome, Completed):
            self.history.append(h.execution_completed(episode.at, "Completed", json.dumps(outcome.output)))
        elif isinstance(outcome, Failed):
            self.history.append(h.execution_completed(episode.at, "Failed", json.dumps(outcome.message)))
        self._episode = _Episode(at=episode.at)
        return outcome

    def _outcome(self, reply: OrchestratorReply) -> Outcome:
        actions = list(reply.actions)
        restart = actions.pop() if reply.is_done and actions and actions[-1].kind == "continue_as_new" else None
        try:
            self._check_replay(actions, waiting=not reply.is_done and reply.error is None)
        except NonDeterminismError as exc:
            return Failed(f"{type(exc).__name__}: {exc}", "", reply.custom_status)
        if reply.error is not None:
            return Failed(reply.error, reply.error_details or "", reply.custom_status)
        status_size = len(json.dumps(reply.custom_status)) if reply.custom_status is not None else 0
        if status_size > CUSTOM_STATUS_LIMIT:
            return Failed(f"The custom status is {status_size} bytes of JSON, over the 16 KB Durable limit", "",
                          None)
        if restart is not None:
            return ContinuedAsNew(restart.input, reply.custom_status)
        if reply.is_done:
            return Completed(reply.output, reply.custom_status)
        self._mark_cancellations(actions)
        for action in actions[len(self._known):]:
            task_id = self._allocate() if action.takes_sequence_id else None
            self._known.append((action, task_id))
            if task_id is not None:
                self._schedule(action, task_id)
        return Waiting(tuple(self._episode.effects), reply.custom_status)

    def _check_replay(self, actions: list[ScheduledAction], *, waiting: bool) -> None:
        for (recorded, task_id), replayed in zip(self._known, actions, strict=False):
            if not recorded.same_call(replayed):
                where = f"at sequence id {task_id}" if task_id is not None else "at the same point"
                raise NonDeterminismError(
                    f"orchestrator '{self.name}' (instance '{self.instance_id}') is not deterministic: {where} its "
                    f"history has {recorded.describe()} but the replay scheduled {replayed.describe()}. Orchestrator "
                    "code must not depend on the wall clock, random numbers, I/O or mutable global state.")
        if waiting and len(actions) < len(self._known):
            raise NonDeterminismError(
                f"orchestrator '{self.name}' (instance '{self.instance_id}') is not deterministic: its history has "
                f"{len(self._known)} scheduled actions but the replay scheduled only {len(actions)}.")

    def _mark_cancellations(self, actions: list[ScheduledAction]) -> None:
        for (_recorded, task_id), replayed in zip(self._known, actions, strict=False):
            if task_id is not None and replayed.canceled and task_id in self._open:
                self._open[task_id] = replayed

    def _allocate(self) -> int:
        task_id = self._next_id
        self._next_id += 1
        return task_id

    def _allocates_ids(self, completion: Completion) -> bool:
        if isinstance(completion, ActivityFailed | SubOrchestrationFailed):
            return completion.task_id in self._retry_of_attempt and completion.task_id in self._open
        if isinstance(completion, TimerDue):
            retry = self._retry_of_timer.get(completion.timer_id)
            return retry is not None and retry.attempts_left and completion.timer_id in self._open
        return False

    def _schedule(self, action: ScheduledAction, task_id: int) -> None:
        episode = self._episode
        self._open[task_id] = action
        if action.retry is not None and task_id not in self._retry_of_attempt:
            self._retry_of_attempt[task_id] = _Retry(action)
        if action.kind == "activity" and action.name:
            episode.scheduling.append(h.task_scheduled(episode.at, task_id, action.name, action.input))
            episode.effects.append(RunActivity(task_id, action.name, action.input))
        elif action.kind == "sub_orchestration" and action.name:
            child_id = action.instance_id or f"{self.instance_id}:{task_id}"
            episode.scheduling.append(h.sub_orchestration_created(episode.at, task_id, action.name, child_id,
                                                                  action.input))
            episode.effects.append(StartSubOrchestration(task_id, action.name, child_id, action.input))
        elif action.kind == "timer" and action.fire_at is not None:
            self._arm(task_id, action.fire_at)

    def _arm(self, timer_id: int, fire_at: datetime) -> None:
        episode = self._episode
        self._fire_at[timer_id] = fire_at
        episode.scheduling.append(h.timer_created(episode.at, timer_id, fire_at))
        episode.effects.append(ArmTimer(timer_id, fire_at))

    def _deliver(self, completion: Completion) -> None:
        at = self._episode.at
        if isinstance(completion, EventArrived):
            self.history.append(h.event_raised(at, completion.name, completion.input_json))
            return
        key = completion.timer_id if isinstance(completion, TimerDue) else completion.task_id
        if self._open.pop(key, None) is None:
            return  # late or duplicate: the task is no longer awaited
        if isinstance(completion, TimerDue):
            self.history.append(h.timer_fired(at, key, self._fire_at.pop(key)))
            self._after_retry_timer(key)
        elif isinstance(completion, ActivityDone):
            self._retry_of_attempt.pop(key, None)
            self.history.append(h.task_completed(at, key, completion.result_json))
        elif isinstance(completion, SubOrchestrationDone):
            self._retry_of_attempt.pop(key, None)
            self.history.append(h.sub_orchestration_completed(at, key, completion.result_json))
        else:
            if isinstance(completion, ActivityFailed):
                self.history.append(h.task_failed(at, key, completion.reason, completion.details))
            else:
                self.history.append(h.sub_orchestration_failed(at, key, completion.reason, completion.details))
            self._after_failed_attempt(key)

    def _after_failed_attempt(self, task_id: int) -> None:
        retry = self._retry_of_attempt.pop(task_id, None)
        if retry is None or retry.action.retry is None:
            return
        # The SDK waits for one timer after every failed attempt, the last one included, before giving up.
        timer_id = self._allocate()
        self._open[timer_id] = ScheduledAction(kind="timer")
        self._retry_of_timer[timer_id] = retry
        self._arm(timer_id, self._episode.at + timedelta(milliseconds=retry.action.retry.first_retry_interval_ms))

    def _after_retry_timer(self, timer_id: int) -> None:
        retry = self._retry_of_timer.pop(timer_id, None)
        if retry is None or not retry.attempts_left:
            return
        retry.attempts += 1
        attempt_id = self._allocate()
        self._retry_of_attempt[attempt_id] = retry
        self._schedule(retry.action, attempt_id)
