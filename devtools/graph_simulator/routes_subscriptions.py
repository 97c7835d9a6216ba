"""Handlers for /subscriptions."""

from __future__ import annotations

from devtools.graph_simulator.context import RouteContext
from devtools.graph_simulator.models import GraphRequest, GraphResponse


def _context(ctx: RouteContext, suffix: str = "") -> dict[str, str]:
    return {"@odata.context": f"{ctx.base_url()}/$metadata#subscriptions{suffix}"}


def create(ctx: RouteContext, req: GraphRequest) -> GraphResponse:
    return GraphResponse(201, {**_context(ctx, "/$entity"), **ctx.subscriptions.create(req.body)})


def list_all(ctx: RouteContext, req: GraphRequest) -> GraphResponse:
    return GraphResponse(200, {**_context(ctx), "value": ctx.subscriptions.all()})


def get(ctx: RouteContext, req: GraphRequest, subscription: str) -> GraphResponse:
    return GraphResponse(200, {**_context(ctx, "/$entity"), **ctx.subscriptions.get(subscription)})


def renew(ctx: RouteContext, req: GraphRequest, subscription: str) -> GraphResponse:
    return GraphResponse(200, {**_context(ctx, "/$entity"), **ctx.subscriptions.renew(subscription, req.body)})


def reauthorize(ctx: RouteContext, req: GraphRequest, subscription: str) -> GraphResponse:
    ctx.subscriptions.reauthorize(subscription)
    return GraphResponse(204)


def delete(ctx: RouteContext, req: GraphRequest, subscription: str) -> GraphResponse:
    ctx.subscriptions.delete(subscription)
    return GraphResponse(204)
