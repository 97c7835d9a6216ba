"""Google Routes API adapter: travel durations between two addresses."""

from shared.routing.client import DEFAULT_ROUTES_BASE_URL, FIELD_MASK, RouteDuration, RoutesClient
from shared.routing.errors import RoutingError, RoutingKeyError, RoutingUnavailable

__all__ = [
    "DEFAULT_ROUTES_BASE_URL",
    "FIELD_MASK",
    "RouteDuration",
    "RoutesClient",
    "RoutingError",
    "RoutingKeyError",
    "RoutingUnavailable",
]
