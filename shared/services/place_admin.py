"""A user's places (home, office, named places with aliases) and travel settings: listed, changed, audited."""

from __future__ import annotations

import builtins

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from shared.domain.dates import UnknownTimeZoneError, load_zone
from shared.domain.errors import InvalidInput, NotFound, StateConflict
from shared.domain.mailbox import checked_mailbox
from shared.domain.places import HOME, OFFICE, Place, PlaceKind, TravelSettings, UserPlaces, normalized
from shared.services.audit import AuditService
from shared.storage.errors import StaleEntityError
from shared.storage.protocols import PlaceRepository


class PlaceInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    address: str = Field(default="", max_length=500)
    aliases: list[str] = Field(default_factory=list, max_length=20)


class TravelSettingsChange(BaseModel):
    """What a person changes; what they leave out keeps its value."""

    model_config = ConfigDict(extra="forbid")

    timezone: str | None = None
    default_minutes: int | None = Field(default=None, ge=5, le=600)
    out_of_office: bool | None = None
    start_places: dict[str, str] | None = None
    end_places: dict[str, str] | None = None


class PlacesView(BaseModel):
    places: list[Place]
    settings: TravelSettings


class PlaceAdmin:
    def __init__(self, places: PlaceRepository, audit: AuditService) -> None:
        self._places = places
        self._audit = audit

    def list(self, user: str) -> PlacesView:
        user = checked_mailbox(user)
        loaded = self._places.load(user)
        return PlacesView(places=sorted(loaded.places, key=lambda p: (p.kind != "home", p.kind != "office", p.name)),
                          settings=loaded.settings)

    def set_home(self, user: str, address: str, aliases: builtins.list[str] | None = None, *, by: str) -> Place:
        return self._save(user, PlaceInput(name=HOME, address=address, aliases=aliases or []), "home", by)

    def set_office(self, user: str, address: str, aliases: builtins.list[str] | None = None, *, by: str) -> Place:
        return self._save(user, PlaceInput(name=OFFICE, address=address, aliases=aliases or []), "office", by)

    def add_place(self, user: str, place: PlaceInput | dict[str, object], *, by: str) -> Place:
        try:
            checked = place if isinstance(place, PlaceInput) else PlaceInput.model_validate(place)
        except ValidationError as error:
            raise InvalidInput.from_validation(error) from None
        if normalized(checked.name) in (normalized(HOME), normalized(OFFICE)):
            raise InvalidInput("name", "Home and Office are set with set_home / set_office")
        return self._save(user, checked, "named", by)

    def remove(self, user: str, name: str, *, by: str) -> None:
        user = checked_mailbox(user)
        if not self._places.delete_place(user, name):
            raise NotFound(f"no place {name!r} for {user}")
        self._audit.record("travel", "delete", f"places/{name}", "success", f"place {name} removed by {by}",
                           user=user)

    def set_settings(self, user: str, change: TravelSettingsChange | dict[str, object], *, by: str) -> TravelSettings:
        user = checked_mailbox(user)
        try:
            checked = change if isinstance(change, TravelSettingsChange) else TravelSettingsChange.model_validate(
                change)
            current = self._places.settings(user)
            updated = TravelSettings.model_validate({**current.model_dump(), **checked.model_dump(exclude_none=True)})
        except ValidationError as error:
            raise InvalidInput.from_validation(error) from None
        try:
            load_zone(updated.timezone)
        except UnknownTimeZoneError as error:
            raise InvalidInput("timezone", str(error)) from None
        known = UserPlaces(places=tuple(self._places.places(user)))
        for field, chosen in (("start_places", updated.start_places), ("end_places", updated.end_places)):
            for weekday, name in chosen.items():
                if known.named(name) is None and normalized(name) not in (normalized(HOME), normalized(OFFICE)):
                    raise InvalidInput(f"{field}.{weekday}", f"unknown place {name!r}; add it first")
        try:
            saved = self._places.save_settings(user, updated)
        except StaleEntityError:
            raise StateConflict("the travel settings changed meanwhile; read them again and retry") from None
        self._audit.record("travel", "update", "places/settings", "success", f"travel settings set by {by}",
                           details=checked.model_dump(mode="json", exclude_none=True), user=user)
        return saved

    def _save(self, user: str, data: PlaceInput, kind: PlaceKind, by: str) -> Place:
        user = checked_mailbox(user)
        try:
            place = Place(name=data.name, address=data.address, aliases=tuple(data.aliases), kind=kind)
        except ValidationError as error:
            raise InvalidInput.from_validation(error) from None
        if kind != "named" and not place.address:
            raise InvalidInput("address", f"the {kind} address cannot be empty")
        others = [p for p in self._places.places(user) if normalized(p.name) != normalized(place.name)]
        for other in others:
            clash = place.spellings() & other.spellings()
            if clash:
                field = "aliases" if clash - {normalized(place.name), normalized(place.address)} else "name"
                raise InvalidInput(field, f"{sorted(clash)[0]!r} already names the place {other.name!r}")
        self._places.save_place(user, place)
        self._audit.record("travel", "update", f"places/{place.name}", "success",
                           f"{kind} place {place.name} set by {by}",
                           details={"name": place.name, "aliases": len(place.aliases)}, user=user)
        return place
