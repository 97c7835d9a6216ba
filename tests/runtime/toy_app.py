"""Toy orchestrators and activities, registered with a real DFApp, for exercising the Durable engine.

`build_app(probe)` makes a fresh app each time (an app's `get_functions()` may be called only once); the probe is
how a test steers activities and observes what they did, across the activity threads.
"""

from __future__ import annotations

import itertools
import random
import threading
import time
from collections import Counter
from datetime import timedelta
from typing import Any

import azure.durable_functions as df

from shared.runtime.clock import ManualClock

FAST_RETRY = df.RetryOptions(first_retry_interval_in_milliseconds=50, max_number_of_attempts=4)


class Probe:
    def __init__(self, clock: ManualClock | None = None, rendezvous_parties: int = 1) -> None:
        self.clock = clock
        self.lock = threading.Condition()
        self.calls: Counter[str] = Counter()
        self.received: list[Any] = []
        self.running = 0
        self.max_running = 0
        self.barrier = threading.Barrier(rendezvous_parties)
        self.finish_order: list[int] = []
        self.gate = threading.Event()
        self.replays = itertools.count()

    def count(self, key: str) -> int:
        with self.lock:
            self.calls[key] += 1
            return self.calls[key]


def build_app(probe: Probe) -> df.DFApp:
    app = df.DFApp()

    # ---- orchestrators ----------------------------------------------------------------------------------------

    @app.orchestration_trigger(context_name="context")
    def sequence(context: df.DurableOrchestrationContext):
        names = context.get_input()["names"]
        greetings = []
        for done, name in enumerate(names, start=1):
            greetings.append((yield context.call_activity("greet", name)))
            context.set_custom_status({"done": done, "total": len(names)})
        return greetings

    @app.orchestration_trigger(context_name="context")
    def clocked(context: df.DurableOrchestrationContext):
        seen = [context.current_utc_datetime.isoformat()]
        for _ in range(2):
            yield context.call_activity("advance_clock", 3600)
            seen.append(context.current_utc_datetime.isoformat())
        return seen

    @app.orchestration_trigger(context_name="context")
    def fan_out(context: df.DurableOrchestrationContext):
        spec = context.get_input()
        return (yield context.task_all([context.call_activity(spec["activity"], i) for i in range(spec["count"])]))

    @app.orchestration_trigger(context_name="context")
    def catch_failure(context: df.DurableOrchestrationContext):
        try:
            yield context.call_activity("explode", {"why": "kaboom"})
        except Exception as failure:
            after = yield context.call_activity("greet", "after failure")
            return {"caught": str(failure), "after": after}
        return {"caught": None}

    @app.orchestration_trigger(context_name="context")
    def uncaught_failure(context: df.DurableOrchestrationContext):
        yield context.task_all([context.call_activity("greet", "a"), context.call_activity("explode", {"why": "x"})])
        return "unreachable"

    @app.orchestration_trigger(context_name="context")
    def raises(context: df.DurableOrchestrationContext):
        yield context.call_activity("greet", "first")
        raise ValueError(f"bad input: {context.get_input()}")

    @app.orchestration_trigger(context_name="context")
    def retry_once(context: df.DurableOrchestrationContext):
        spec = context.get_input()
        options = df.RetryOptions(spec["interval_ms"], spec["max_attempts"])
        return (yield context.call_activity_with_retry("flaky", options, spec))

    @app.orchestration_trigger(context_name="context")
    def retry_fan_out(context: df.DurableOrchestrationContext):
        tasks = [context.call_activity_with_retry("flaky", FAST_RETRY, {"key": f"k{i}", "fail_times": i % 3})
                 for i in range(6)]
        tasks += [context.call_activity("greet", f"plain {i}") for i in range(3)]
        first = yield context.task_all(tasks)
        second = yield context.call_activity_with_retry("flaky", FAST_RETRY, {"key": "last", "fail_times": 2})
        return first + [second]

    @app.orchestration_trigger(context_name="context")
    def retry_beside_plain(context: df.DurableOrchestrationContext):
        retrying = context.call_activity_with_retry("flaky", FAST_RETRY, {"key": "r", "fail_times": 1})
        plain = context.call_activity("greet", "p")
        yield context.task_any([plain, retrying])
        after = yield context.call_activity("greet", "after")
        return [after, (yield retrying)]

    @app.orchestration_trigger(context_name="context")
    def per_day(context: df.DurableOrchestrationContext):
        days = context.get_input()["days"]
        children = [context.call_sub_orchestrator("day_child", day, f"{context.instance_id}:{day}") for day in days]
        context.set_custom_status({"days": len(days)})
        return (yield context.task_all(children))

    @app.orchestration_trigger(context_name="context")
    def day_child(context: df.DurableOrchestrationContext):
        day = context.get_input()
        if day == "bad-day":
            raise RuntimeError(f"cannot archive {day}")
        greeting = yield context.call_activity("greet", day)
        return {"day": day, "greeting": greeting, "parent": context.parent_instance_id}

    @app.orchestration_trigger(context_name="context")
    def child_failure(context: df.DurableOrchestrationContext):
        try:
            yield context.call_sub_orchestrator("day_child", "bad-day")
        except Exception as failure:
            return {"caught": str(failure)}
        return {"caught": None}

    @app.orchestration_trigger(context_name="context")
    def approval(context: df.DurableOrchestrationContext):
        context.set_custom_status("waiting for approval")
        decision = yield context.wait_for_external_event("Approval")
        context.set_custom_status("approved")
        return {"decision": decision}

    @app.orchestration_trigger(context_name="context")
    def work_then_approval(context: df.DurableOrchestrationContext):
        work = yield context.call_activity("gated", "work")
        decision = yield context.wait_for_external_event("Approval")
        return {"work": work, "decision": decision}

    @app.orchestration_trigger(context_name="context")
    def approval_or_timeout(context: df.DurableOrchestrationContext):
        deadline = context.current_utc_datetime + timedelta(hours=1)
        timer = context.create_timer(deadline)
        event = context.wait_for_external_event("Approval")
        winner = yield context.task_any([event, timer])
        if winner == event:
            timer.cancel()
            return {"outcome": "approved", "data": event.result}
        return {"outcome": "timed out", "at": context.current_utc_datetime.isoformat()}

    @app.orchestration_trigger(context_name="context")
    def counter_picks_activity(context: df.DurableOrchestrationContext):
        # Wrong on purpose: state outside the history changes what a replay schedules.
        name = "greet" if next(probe.replays) == 0 else "shout"
        first = yield context.call_activity(name, "x")
        second = yield context.call_activity("greet", "y")
        return [first, second]

    @app.orchestration_trigger(context_name="context")
    def random_input(context: df.DurableOrchestrationContext):
        first = yield context.call_activity("greet", f"{random.random():.12f}")  # wrong on purpose
        second = yield context.call_activity("greet", "fixed")
        return [first, second]

    @app.orchestration_trigger(context_name="context")
    def countdown(context: df.DurableOrchestrationContext):
        remaining = context.get_input()
        if remaining == 0:
            return "lift-off"
        yield context.call_activity("greet", str(remaining))
        context.continue_as_new(remaining - 1)
        return None

    # ---- activities -------------------------------------------------------------------------------------------

    @app.activity_trigger(input_name="name")
    def greet(name: str) -> str:
        probe.count("greet")
        with probe.lock:
            probe.received.append(name)
        return f"Hello {name}"

    @app.activity_trigger(input_name="name")
    def shout(name: str) -> str:
        return f"HELLO {name.upper()}"

    @app.activity_trigger(input_name="payload")
    def explode(payload: dict[str, Any]) -> None:
        raise RuntimeError(f"activity exploded: {payload['why']}")

    @app.activity_trigger(input_name="seconds")
    def advance_clock(seconds: int) -> None:
        assert probe.clock is not None
        probe.clock.advance(timedelta(seconds=seconds))

    @app.activity_trigger(input_name="name")
    def gated(name: str) -> str:
        if not probe.gate.wait(timeout=10):
            raise TimeoutError("the test never opened the gate")
        return f"{name} done"

    @app.activity_trigger(input_name="spec")
    def flaky(spec: dict[str, Any]) -> dict[str, Any]:
        attempt = probe.count(spec.get("key", "flaky"))
        if attempt <= spec["fail_times"]:
            raise ConnectionError(f"attempt {attempt} of {spec.get('key', 'flaky')} failed")
        return {"key": spec.get("key", "flaky"), "attempts": attempt}

    @app.activity_trigger(input_name="index")
    def rendezvous(index: int) -> int:
        with probe.lock:
            probe.running += 1
            probe.max_running = max(probe.max_running, probe.running)
        try:
            probe.barrier.wait(timeout=10)  # passes only if every party runs at the same time
        finally:
            with probe.lock:
                probe.running -= 1
        return index * 10

    @app.activity_trigger(input_name="index")
    def finish_in_reverse(index: int) -> str:
        deadline = time.monotonic() + 10
        with probe.lock:
            # Wait for every higher index to finish first, so completions arrive in reverse order.
            while any(i > index and i not in probe.finish_order for i in range(probe.barrier.parties)):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"index {index} gave up waiting")
                probe.lock.wait(remaining)
            probe.finish_order.append(index)
            probe.lock.notify_all()
        return f"item {index}"

    return app
