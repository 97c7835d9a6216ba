"""Microsoft Graph adapter: auth, retries, paging, $batch, calendars, events, subscriptions.

Importing this package loads no identity library (msal / azure.identity load when a provider is built)."""

from __future__ import annotations

from shared.graph.app_token import MsalTokenProvider
from shared.graph.auth import CredentialTokenProvider, StaticTokenProvider, TokenProvider
from shared.graph.batching import MAX_BATCH_SIZE, BatchRequest, BatchResponse
from shared.graph.calendars import CalendarNotFoundError, CalendarRef, CalendarService
from shared.graph.client import GraphClient
from shared.graph.device_code import DeviceCodeTokenProvider
from shared.graph.errors import (
    GraphAuthError,
    GraphBadRequestError,
    GraphConflictError,
    GraphConnectionError,
    GraphError,
    GraphGoneError,
    GraphNotFoundError,
    GraphPermissionError,
    GraphServiceError,
    GraphThrottledError,
)
from shared.graph.event_writes import EventWriteRequest, EventWriteResult
from shared.graph.protocols import CalendarGateway, SubscriptionGateway
from shared.graph.subscriptions import SubscriptionService

__all__ = [
    "MAX_BATCH_SIZE",
    "BatchRequest",
    "BatchResponse",
    "CalendarGateway",
    "CalendarNotFoundError",
    "CalendarRef",
    "CalendarService",
    "CredentialTokenProvider",
    "DeviceCodeTokenProvider",
    "EventWriteRequest",
    "EventWriteResult",
    "GraphAuthError",
    "GraphBadRequestError",
    "GraphClient",
    "GraphConflictError",
    "GraphConnectionError",
    "GraphError",
    "GraphGoneError",
    "GraphNotFoundError",
    "GraphPermissionError",
    "GraphServiceError",
    "GraphThrottledError",
    "MsalTokenProvider",
    "StaticTokenProvider",
    "SubscriptionGateway",
    "SubscriptionService",
    "TokenProvider",
]
