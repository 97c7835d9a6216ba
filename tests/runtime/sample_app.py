"""A small function app for the local host's end-to-end tests: one function per kind of trigger the host serves."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from typing import Any

import azure.durable_functions as df
import azure.functions as func

QUEUE_SETTING = "HOST_E2E_QUEUE"
GREETING_ORCHESTRATOR = "greeting_orchestrator"
APPROVAL_ORCHESTRATOR = "approval_orchestrator"


@dataclass
class Recorder:
    """What the functions saw, for the tests to assert on (functions run on the host's threads)."""

    messages: list[dict[str, Any]] = field(default_factory=list)
    timer_runs: list[bool] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add_message(self, entry: dict[str, Any]) -> None:
        with self.lock:
            self.messages.append(entry)

    def add_timer_run(self, past_due: bool) -> None:
        with self.lock:
            self.timer_runs.append(past_due)

    def bodies(self) -> list[str]:
        with self.lock:
            return [m["body"] for m in self.messages]


def build_app(recorder: Recorder) -> df.DFApp:
    app = df.DFApp(http_auth_level=func.AuthLevel.FUNCTION)

    @app.route(route="hello/{name}/{greeting?}", methods=["GET"])
    def hello(req: func.HttpRequest) -> func.HttpResponse:
        payload = {
            "route": dict(req.route_params),
            "query": dict(req.params),
            "header": req.headers.get("x-trace"),
            "method": req.method,
            "url": req.url,
        }
        return func.HttpResponse(json.dumps(payload), mimetype="application/json")

    @app.route(route="items/{id:int}", methods=["GET", "DELETE"])
    def item_by_id(req: func.HttpRequest) -> func.HttpResponse:
        return func.HttpResponse(f"item {req.route_params['id']} via {req.method}")

    @app.route(route="items/special", methods=["GET"])
    def special_item(req: func.HttpRequest) -> func.HttpResponse:
        return func.HttpResponse("special")

    @app.route(route="echo", methods=["POST"])
    def echo(req: func.HttpRequest) -> func.HttpResponse:
        return func.HttpResponse(
            req.get_body(),
            status_code=201,
            headers={"X-Echo-Length": str(len(req.get_body())), "Content-Type": req.headers.get("content-type", "")},
        )

    @app.route(route="plain", methods=["GET"])
    def plain(req: func.HttpRequest) -> func.HttpResponse:
        return func.HttpResponse("just text", status_code=203)

    @app.route(route="boom", methods=["GET"])
    def boom(req: func.HttpRequest) -> func.HttpResponse:
        raise RuntimeError("database password is hunter2")

    @app.route(route="enqueue", methods=["POST"])
    @app.queue_output(arg_name="out", queue_name=f"%{QUEUE_SETTING}%", connection="AzureWebJobsStorage")
    def enqueue(req: func.HttpRequest, out: func.Out[str]) -> func.HttpResponse:
        out.set(req.get_body().decode())
        return func.HttpResponse(status_code=202)

    @app.route(route="orchestrators/{name}", methods=["POST"])
    @app.durable_client_input(client_name="client")
    async def start_orchestration(req: func.HttpRequest, client: df.DurableOrchestrationClient) -> func.HttpResponse:
        body = req.get_json() if req.get_body() else {}
        instance_id = await client.start_new(req.route_params["name"], body.get("instanceId"), body.get("input"))
        return client.create_check_status_response(req, instance_id)

    @app.route(route="instances/{iid}", methods=["GET"])
    @app.durable_client_input(client_name="client")
    async def instance_status(req: func.HttpRequest, client: df.DurableOrchestrationClient) -> func.HttpResponse:
        status = await client.get_status(req.route_params["iid"])
        if not status:
            return func.HttpResponse(status_code=404)
        return func.HttpResponse(json.dumps(status.to_json()), mimetype="application/json")

    @app.route(route="instances/{iid}/approve", methods=["POST"])
    @app.durable_client_input(client_name="client")
    async def approve(req: func.HttpRequest, client: df.DurableOrchestrationClient) -> func.HttpResponse:
        await client.raise_event(req.route_params["iid"], "approval", req.get_json())
        return func.HttpResponse(status_code=202)

    @app.route(route="instances/{iid}/terminate", methods=["POST"])
    @app.durable_client_input(client_name="client")
    async def terminate(req: func.HttpRequest, client: df.DurableOrchestrationClient) -> func.HttpResponse:
        await client.terminate(req.route_params["iid"], "stopped by test")
        return func.HttpResponse(status_code=202)

    @app.orchestration_trigger(context_name="context", orchestration=GREETING_ORCHESTRATOR)
    def greeting_orchestrator(context: df.DurableOrchestrationContext):
        names = context.get_input() or []
        greetings = yield context.task_all([context.call_activity("say_hello", n) for n in names])
        return {"greetings": greetings}

    @app.orchestration_trigger(context_name="context", orchestration=APPROVAL_ORCHESTRATOR)
    def approval_orchestrator(context: df.DurableOrchestrationContext):
        decision = yield context.wait_for_external_event("approval")
        return {"decision": decision}

    @app.activity_trigger(input_name="name")
    def say_hello(name: str) -> str:
        return f"Hello {name}"

    @app.queue_trigger(arg_name="msg", queue_name=f"%{QUEUE_SETTING}%", connection="AzureWebJobsStorage")
    def on_message(msg: func.QueueMessage) -> None:
        body = msg.get_body().decode()
        recorder.add_message({"body": body, "dequeue_count": msg.dequeue_count, "id": msg.id})
        if body.startswith("fail"):
            raise ValueError(f"cannot process {body}")

    @app.timer_trigger(arg_name="timer", schedule="0 0 3 * * *", run_on_startup=False)
    def nightly(timer: func.TimerRequest, context: func.Context) -> None:
        assert context.function_name == "nightly"
        recorder.add_timer_run(timer.past_due)

    return app
