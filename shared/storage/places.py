"""A user's places and travel settings: one partition per user, a row per place and one settings row."""

from __future__ import annotations

from shared.domain.places import Place, TravelSettings, UserPlaces, normalized
from shared.storage.entity_map import EntityMapper, json_text, plain
from shared.storage.entity_table import EntityTable
from shared.storage.keys import safe_key, user_key
from shared.storage.query import Filter
from shared.storage.tables import TableStore

PLACES_TABLE = "TravelPlaces"
SETTINGS_ROW = "settings"
_PLACE_PREFIX = "place_"

PLACE_ROWS = EntityMapper(
    Place, *plain("name", "address", "kind"), json_text("aliases", list, wrap=lambda _: []),
)
SETTINGS_ROWS = EntityMapper(
    TravelSettings, *plain("timezone", "default_minutes", "out_of_office"),
    json_text("start_places", dict, wrap=lambda _: {}), json_text("end_places", dict, wrap=lambda _: {}),
)


def place_row_key(name: str) -> str:
    return _PLACE_PREFIX + safe_key(normalized(name))


class TablePlaceRepository:
    def __init__(self, store: TableStore, table_name: str = PLACES_TABLE) -> None:
        self._places = EntityTable(store, table_name, PLACE_ROWS)
        self._settings = EntityTable(store, table_name, SETTINGS_ROWS)

    def load(self, user: str) -> UserPlaces:
        return UserPlaces(settings=self.settings(user), places=tuple(self.places(user)))

    def places(self, user: str) -> list[Place]:
        where = (Filter().where("PartitionKey", "eq", user_key(user))
                 .key_range("RowKey", _PLACE_PREFIX, _PLACE_PREFIX + "~"))
        return self._places.query(where)

    def settings(self, user: str) -> TravelSettings:
        return self._settings.get(user_key(user), SETTINGS_ROW) or TravelSettings()

    def save_place(self, user: str, place: Place) -> Place:
        self._places.write({"PartitionKey": user_key(user), "RowKey": place_row_key(place.name), "user": user}
                           | PLACE_ROWS.to_entity(place))
        return place

    def delete_place(self, user: str, name: str) -> bool:
        return self._places.delete(user_key(user), place_row_key(name))

    def save_settings(self, user: str, settings: TravelSettings) -> TravelSettings:
        etag = self._settings.write({"PartitionKey": user_key(user), "RowKey": SETTINGS_ROW, "user": user}
                                    | SETTINGS_ROWS.to_entity(settings), settings.etag)
        return settings.model_copy(update={"etag": etag})


__all__ = ["TablePlaceRepository", "place_row_key"]
