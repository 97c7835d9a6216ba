"""A stand-in for the Durable orchestration context, to drive orchestrator generators without an engine.

Every call returns a `Call` describing what was scheduled; `drive` answers each yield as the host would, so a test
sees the exact sequence of activities, sub-orchestrations and fan-outs the code asks for.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import Any

ACTIVITY = "activity"
SUB_ORCHESTRATION = "sub-orchestration"


@dataclass(frozen=True)
class Call:
    kind: str
    name: str
    input: Any
    instance_id: str | None = None


@dataclass
class FakeContext:
    input: Any
    instance_id: str = "run-1"
    custom_statuses: list[Any] = field(default_factory=list)

    def get_input(self) -> Any:
        return self.input

    def set_custom_status(self, status: Any) -> None:
        self.custom_statuses.append(status)

    def call_activity_with_retry(self, name: str, retry_options: Any, input_: Any = None) -> Call:
        return Call(ACTIVITY, name, input_)

    def call_sub_orchestrator(self, name: str, input_: Any = None, instance_id: str | None = None) -> Call:
        return Call(SUB_ORCHESTRATION, name, input_, instance_id)

    def task_all(self, tasks: list[Call]) -> list[Call]:
        return list(tasks)


Answer = Callable[[Call], Any]  # the result of a call; raising stands for the call failing


@dataclass
class Run:
    steps: list[Call | list[Call]]  # one entry per yield: a single call, or the calls of one task_all
    output: Any = None
    error: Exception | None = None


def drive(orchestration: Generator[Any, Any, Any], answer: Answer) -> Run:
    """Run the generator to its end. As in Durable, a failure reaches the code as a plain Exception with the message;
    in a fan-out the code resumes at the first failed child."""
    run = Run(steps=[])
    send: Any = None
    failure: Exception | None = None
    while True:
        try:
            step = orchestration.throw(failure) if failure is not None else orchestration.send(send)
        except StopIteration as done:
            run.output = done.value
            return run
        except Exception as error:
            run.error = error
            return run
        run.steps.append(step)
        send, failure = _answer_step(step, answer)


def _answer_step(step: Call | list[Call], answer: Answer) -> tuple[Any, Exception | None]:
    calls = step if isinstance(step, list) else [step]
    results = []
    for call in calls:
        try:
            results.append(answer(call))
        except Exception as error:
            return None, Exception(str(error))
    return (results if isinstance(step, list) else results[0]), None
