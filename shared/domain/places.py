"""A user's places (home, office, named places with aliases) and where each working day starts and ends.

A meeting's location is free text ("Contoso HQ", "10 Thames Valley Park, Reading"); aliases make both resolve to one
place, so neighbours at the same place need no travel and the routing cache sees one origin or destination."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from shared.domain.text import plain_text

PlaceKind = Literal["home", "office", "named"]
HOME = "Home"
OFFICE = "Office"
DEFAULT_TRAVEL_MINUTES = 30
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

_SPACES = re.compile(r"\s+")


def normalized(text: str) -> str:
    """Case, surrounding punctuation and runs of spaces do not make another place."""
    return _SPACES.sub(" ", text).strip(" ,.;").casefold()


class Place(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str = Field(min_length=1, max_length=200)
    address: str = Field(default="", max_length=500)
    aliases: tuple[str, ...] = ()
    kind: PlaceKind = "named"

    @field_validator("name", "address")
    @classmethod
    def _clean(cls, value: str) -> str:
        return _SPACES.sub(" ", plain_text(value)).strip()

    @field_validator("aliases")
    @classmethod
    def _clean_aliases(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        cleaned = tuple(_SPACES.sub(" ", plain_text(alias)).strip() for alias in value)
        if any(not alias or len(alias) > 500 for alias in cleaned):
            raise ValueError("each alias must be 1-500 characters")
        return cleaned

    @property
    def route_address(self) -> str:
        """What the routing service is asked about: the address when known, else the name."""
        return self.address or self.name

    def spellings(self) -> set[str]:
        return {normalized(text) for text in (self.name, self.address, *self.aliases) if text}


class TravelSettings(BaseModel):
    """Per-user travel settings; weekday start/end name a place (default: home)."""

    model_config = ConfigDict(frozen=True)

    timezone: str = "UTC"
    default_minutes: int = Field(default=DEFAULT_TRAVEL_MINUTES, ge=5, le=600)
    out_of_office: bool = True
    start_places: dict[str, str] = Field(default_factory=dict)
    end_places: dict[str, str] = Field(default_factory=dict)
    etag: str | None = None

    @field_validator("start_places", "end_places")
    @classmethod
    def _weekdays(cls, value: dict[str, str]) -> dict[str, str]:
        cleaned = {day.strip().lower(): place.strip() for day, place in value.items()}
        unknown = sorted(set(cleaned) - set(WEEKDAYS))
        if unknown:
            raise ValueError(f"unknown weekday {unknown[0]!r}; use {', '.join(WEEKDAYS)}")
        return cleaned


class UserPlaces(BaseModel):
    """Everything the planner needs to know about a user's places, read once per run."""

    model_config = ConfigDict(frozen=True)

    settings: TravelSettings = TravelSettings()
    places: tuple[Place, ...] = ()

    def home(self) -> Place | None:
        return next((p for p in self.places if p.kind == "home"), None)

    def office(self) -> Place | None:
        return next((p for p in self.places if p.kind == "office"), None)

    def named(self, name: str) -> Place | None:
        wanted = normalized(name)
        return next((p for p in self.places if normalized(p.name) == wanted), None)

    def resolve(self, location: str) -> Place:
        """The known place this location text names (by name, address or alias), else an ad-hoc place."""
        wanted = normalized(location)
        for place in self.places:
            if wanted in place.spellings():
                return place
        text = _SPACES.sub(" ", location).strip()
        return Place(name=text, address=text)

    def day_start(self, weekday: int) -> Place:
        return self._day_place(self.settings.start_places.get(WEEKDAYS[weekday]))

    def day_end(self, weekday: int) -> Place:
        return self._day_place(self.settings.end_places.get(WEEKDAYS[weekday]))

    def is_home_or_office(self, place: Place) -> bool:
        return place.kind in ("home", "office")

    def _day_place(self, name: str | None) -> Place:
        if name:
            place = self.named(name) or self.resolve(name)
            return place
        return self.home() or Place(name=HOME, kind="home")
