"""A date expression read in a time zone, as every entry point takes it: errors name the field at fault."""

from __future__ import annotations

from datetime import datetime

from shared.domain.dates import DateExpressionError, DateRange, UnknownTimeZoneError, load_zone, parse_date_expression
from shared.domain.errors import InvalidInput


def period_of(date_expression: str, timezone: str, now: datetime) -> DateRange:
    """The days `date_expression` means for someone in `timezone` at `now` ("yesterday" is their yesterday)."""
    try:
        zone = load_zone(timezone)
    except UnknownTimeZoneError as error:
        raise InvalidInput("timezone", str(error)) from None
    try:
        return parse_date_expression(date_expression, now.astimezone(zone).date())
    except DateExpressionError as error:
        raise InvalidInput("date", str(error)) from None
