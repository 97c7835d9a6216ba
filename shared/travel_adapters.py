"""The travel feature's adapters, mixed into the composition root's Adapters (kept apart for size).

The routing client is built once per process; its key is read from Key Vault (or the environment) when a request is
sent, so a rotated secret is picked up, and it is never logged."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from shared.config import Settings
    from shared.routing.client import RoutesClient
    from shared.storage.protocols import PlaceRepository, PrivacyLog, TravelAlertRepository, TravelTimeCache
    from shared.storage.tables import TableStore


class TravelAdapters:
    """Needs `settings`, `tables` and `secrets` from the class it is mixed into."""

    if TYPE_CHECKING:
        settings: Settings

        @property
        def tables(self) -> TableStore: ...

        @property
        def secrets(self) -> Any: ...

    @cached_property
    def places(self) -> PlaceRepository:
        from shared.storage.places import TablePlaceRepository

        return TablePlaceRepository(self.tables)

    @cached_property
    def travel_times(self) -> TravelTimeCache:
        from shared.storage.travel_times import TableTravelTimeCache

        return TableTravelTimeCache(self.tables)

    @cached_property
    def travel_alerts(self) -> TravelAlertRepository:
        from shared.storage.travel_alerts import TableTravelAlertRepository

        return TableTravelAlertRepository(self.tables)

    @cached_property
    def show_as_log(self) -> PrivacyLog:
        from shared.storage.show_as_log import TableShowAsLog

        return TableShowAsLog(self.tables)

    @cached_property
    def routes(self) -> RoutesClient | None:
        """None when no key can be had (none in the environment, no vault): every trip gets the user's default."""
        from shared.routing.client import RoutesClient

        settings = self.settings
        if not settings.google_maps_api_key and not settings.key_vault_url:
            return None
        return RoutesClient(self._maps_key(), settings.routes_base_url)

    def _maps_key(self) -> Callable[[], str]:
        settings = self.settings
        if settings.google_maps_api_key:
            key = settings.google_maps_api_key
            return lambda: key
        name = settings.google_maps_key_name

        def from_vault() -> str:
            from shared.routing.errors import RoutingKeyError
            from shared.secrets import SecretAccessError

            try:
                return str(self.secrets.get(name))
            except SecretAccessError as error:
                # A key that cannot be read is a refused key: the plan goes on with estimates and says why.
                raise RoutingKeyError(f"the routing key could not be read: {error}") from None

        return from_vault
