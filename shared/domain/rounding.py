"""Per-customer billing settings and the rounding of an entry's minutes to billable hours."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer

Increment = Literal[6, 15, 30, 60]
RoundingMode = Literal["nearest", "up", "down"]
INCREMENTS: tuple[int, ...] = (6, 15, 30, 60)
MINUTES_PER_HOUR = Decimal(60)
_CENTS = Decimal("0.01")

# Decimal keeps 0.1 + 0.2 exact in totals; JSON readers get plain numbers.
Hours = Annotated[Decimal, PlainSerializer(float, return_type=float, when_used="json")]
ZERO = Decimal(0)


class CustomerSettings(BaseModel):
    """How one customer is billed. The defaults are those of the rules: 30 minutes, nearest, travel at 50 %."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    increment: Increment = 30
    rounding: RoundingMode = "nearest"
    travel_rate: Annotated[Decimal, Field(ge=0, le=1, decimal_places=4)] = Decimal("0.5")


DEFAULT_SETTINGS = CustomerSettings()


def round_minutes(minutes: int, increment: int, mode: RoundingMode) -> int:
    """Minutes rounded to a multiple of `increment`; `nearest` sends exact halves up (15 of 30 → 30)."""
    if minutes < 0:
        raise ValueError("minutes cannot be negative")
    if increment not in INCREMENTS:
        raise ValueError(f"increment must be one of {INCREMENTS}")
    if mode == "down":
        return minutes // increment * increment
    if mode == "up":
        return -(-minutes // increment) * increment
    # Doubling keeps the half of an odd increment (7.5 of 15) in integers.
    return (2 * minutes + increment) // (2 * increment) * increment


def rounded_hours(minutes: int, settings: CustomerSettings) -> Decimal:
    return hours_of(round_minutes(minutes, settings.increment, settings.rounding))


def hours_of(minutes: int) -> Decimal:
    return (Decimal(minutes) / MINUTES_PER_HOUR).quantize(_CENTS, rounding=ROUND_HALF_UP)


def travel_billable(effort: Decimal, settings: CustomerSettings) -> Decimal:
    """Billable travel: the rounded duration at the customer's rate, to the cent of an hour (0.5 h → 0.25 h)."""
    return (effort * settings.travel_rate).quantize(_CENTS, rounding=ROUND_HALF_UP)
