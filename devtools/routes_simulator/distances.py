"""The demo's places and the road distances between them; a traffic factor by hour of the day."""

from __future__ import annotations

import re

# Spellings a request may use for each demo place (compared after normalising case and spaces).
PLACES: dict[str, tuple[str, ...]] = {
    "home": ("1 Home Street, Reading", "Home"),
    "office": ("10 Thames Valley Park, Reading", "Contoso Office", "Office"),
    "contoso": ("Contoso HQ, Slough", "Contoso HQ"),
    "fabrikam": ("Fabrikam Plant, Bracknell", "Fabrikam Plant"),
    "acme": ("Acme HQ, Leeds", "Acme HQ"),
    "hotel": ("Hotel Leeds", "Leeds Hotel"),
}

# Kilometres by road; symmetric.
KILOMETRES: dict[frozenset[str], float] = {
    frozenset({"home", "office"}): 6,
    frozenset({"home", "contoso"}): 32,
    frozenset({"home", "fabrikam"}): 18,
    frozenset({"home", "acme"}): 300,
    frozenset({"office", "contoso"}): 28,
    frozenset({"office", "fabrikam"}): 14,
    frozenset({"office", "acme"}): 298,
    frozenset({"contoso", "fabrikam"}): 22,
    frozenset({"contoso", "acme"}): 310,
    frozenset({"fabrikam", "acme"}): 305,
    frozenset({"hotel", "acme"}): 4,
    frozenset({"hotel", "home"}): 300,
    frozenset({"hotel", "contoso"}): 312,
    frozenset({"hotel", "fabrikam"}): 306,
    frozenset({"hotel", "office"}): 299,
}

# Traffic-free speed: a kilometre a minute is close enough for a simulator and keeps numbers readable.
SECONDS_PER_KM = 60.0

_SPACES = re.compile(r"\s+")


def _norm(text: str) -> str:
    return _SPACES.sub(" ", text).strip(" ,.;").casefold()


_LOOKUP = {_norm(spelling): place for place, spellings in PLACES.items() for spelling in spellings}


def place_of(address: str) -> str | None:
    return _LOOKUP.get(_norm(address))


def traffic_factor(hour: int) -> float:
    """Rush hours (UTC) are slow, the working day a little slow, nights free."""
    if hour in (7, 8, 16, 17):
        return 1.5
    if 9 <= hour <= 15:
        return 1.2
    return 1.0
