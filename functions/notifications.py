"""Graph change notifications: webhook and lifecycle endpoints, the queue worker, hourly subscription upkeep."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import azure.durable_functions as df
import azure.functions as func
from pydantic import ValidationError

from functions.http_problem import bad_request, from_validation_error, json_body, problem

if TYPE_CHECKING:
    from shared.services.notification_contracts import ChangeNotificationBatch, LifecycleNotificationBatch
    from shared.services.notifications import Intake

bp = df.Blueprint()
log = logging.getLogger(__name__)

QUEUE = "%NOTIFICATION_QUEUE%"
STORAGE = "AzureWebJobsStorage"


# Anonymous on purpose: Graph cannot send a function key. Each item proves itself with its clientState.
# The webhooks queue through the container rather than an output binding: a failed send must undo the dedup marks
# and answer 503, so Graph delivers again instead of its redelivery being dropped as a duplicate.
@bp.route(route="graph/notifications", methods=["POST"], auth_level=func.AuthLevel.ANONYMOUS)
def graph_notifications(req: func.HttpRequest) -> func.HttpResponse:
    return _receive(req, lifecycle=False)


@bp.route(route="graph/lifecycle", methods=["POST"], auth_level=func.AuthLevel.ANONYMOUS)
def graph_lifecycle(req: func.HttpRequest) -> func.HttpResponse:
    return _receive(req, lifecycle=True)


@bp.queue_trigger(arg_name="msg", queue_name=QUEUE, connection=STORAGE)
@bp.queue_output(arg_name="followups", queue_name=QUEUE, connection=STORAGE)
def process_notification(msg: func.QueueMessage, followups: func.Out[list[str]]) -> None:
    from shared.bootstrap import container
    from shared.services.notification_worker import NotificationWorker

    result = NotificationWorker.from_container(container()).handle(msg.get_body(), msg.dequeue_count or 1, msg.id or "")
    log.info("handled %s: %s", result.description,
             result.outcome.model_dump(exclude_defaults=True) if result.outcome else "done")
    if result.followups:
        followups.set(result.followups)


@bp.timer_trigger(arg_name="timer", schedule="0 0 * * * *", run_on_startup=False)
def renew_subscriptions(timer: func.TimerRequest) -> None:
    from shared.bootstrap import container
    from shared.services.notification_worker import purge_seen_notifications, subscription_manager_from

    deps = container()
    report = subscription_manager_from(deps).reconcile()
    log.info("subscription upkeep: %s", report.model_dump())
    log.info("notification dedup markers purged: %d", purge_seen_notifications(deps))


def _receive(req: func.HttpRequest, *, lifecycle: bool) -> func.HttpResponse:
    from shared.services.notification_contracts import ChangeNotificationBatch, LifecycleNotificationBatch
    from shared.services.notifications import InvalidValidationToken, validation_answer

    token = req.params.get("validationToken")
    if token is not None:
        try:
            answer = validation_answer(token)
        except InvalidValidationToken as exc:
            return bad_request("validationToken", str(exc))
        return func.HttpResponse(answer, status_code=200, mimetype="text/plain", charset="utf-8",
                                 headers={"X-Content-Type-Options": "nosniff"})
    body = json_body(req)
    if isinstance(body, func.HttpResponse):
        return body
    try:
        batch: ChangeNotificationBatch | LifecycleNotificationBatch
        if lifecycle:
            batch = LifecycleNotificationBatch.model_validate(body)
        else:
            batch = ChangeNotificationBatch.model_validate(body)
    except ValidationError as exc:
        return from_validation_error(exc)
    from shared.bootstrap import container
    from shared.services.notifications import NotificationIntake

    kind = "lifecycle" if lifecycle else "change"
    intake: Intake | None = None
    try:
        deps = container()
        intake_service = NotificationIntake(deps.subscriptions, deps.dedup)
        if isinstance(batch, LifecycleNotificationBatch):
            intake = intake_service.accept_lifecycle(batch)
        else:
            intake = intake_service.accept_changes(batch)
        if intake.messages:
            deps.notification_queue.send_many(intake.messages)
    except Exception:
        # Our storage failed, not the caller: 503 makes Graph deliver again later.
        log.exception("could not take in %s notifications", kind)
        if intake is not None:
            intake_service.release(intake)
        return problem(503, "Service Unavailable", "notifications cannot be taken in right now; retry later")
    return func.HttpResponse(status_code=202)
