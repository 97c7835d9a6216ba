"""Graph change notifications: webhook and lifecycle endpoints, the queue worker, hourly subscription upkeep."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import azure.durable_functions as df
import azure.functions as func

from functions.http.bodies import read_body
from functions.http.problems import guarded
from shared.domain.errors import InvalidInput

if TYPE_CHECKING:
    from shared.services.notification_contracts import ChangeNotificationBatch, LifecycleNotificationBatch

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

    result = container().notification_worker.handle(msg.get_body(), msg.dequeue_count or 1, msg.id or "")
    log.info("handled %s: %s", result.description,
             result.outcome.model_dump(exclude_defaults=True) if result.outcome else "done")
    if result.followups:
        followups.set(result.followups)


@bp.timer_trigger(arg_name="timer", schedule="0 0 * * * *", run_on_startup=False)
def renew_subscriptions(timer: func.TimerRequest) -> None:
    from shared.bootstrap import container

    deps = container()
    report = deps.subscription_manager.reconcile()
    log.info("subscription upkeep: %s", report.model_dump())
    # Table Storage has no TTL of its own.
    log.info("notification dedup markers purged: %d", deps.dedup.purge_expired())


def _receive(req: func.HttpRequest, *, lifecycle: bool) -> func.HttpResponse:
    return guarded(lambda: _take_in(req, lifecycle=lifecycle))


def _take_in(req: func.HttpRequest, *, lifecycle: bool) -> func.HttpResponse:
    from shared.bootstrap import container
    from shared.services.notification_contracts import ChangeNotificationBatch, LifecycleNotificationBatch
    from shared.services.notifications import InvalidValidationToken, validation_answer

    token = req.params.get("validationToken")
    if token is not None:
        try:
            answer = validation_answer(token)
        except InvalidValidationToken as exc:
            raise InvalidInput("validationToken", str(exc)) from None
        return func.HttpResponse(answer, status_code=200, mimetype="text/plain", charset="utf-8",
                                 headers={"X-Content-Type-Options": "nosniff"})
    batch: ChangeNotificationBatch | LifecycleNotificationBatch = (
        read_body(req, LifecycleNotificationBatch) if lifecycle else read_body(req, ChangeNotificationBatch))
    container().notification_intake.take_in(batch)
    return func.HttpResponse(status_code=202)
