"""What the places and travel routes read and answer (functions/travel.py)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from shared.domain.mailbox import Mailbox
from shared.domain.text import PlainText
from shared.services.travel_results import AlertLine

USER_DESCRIPTION = "Mailbox (user principal name) whose places these are."
MAX_ALERT_DAYS = 366
Aliases = list[PlainText]


class HomeOrOfficeBody(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")

    user: Mailbox = Field(description=USER_DESCRIPTION, json_schema_extra={"x-ms-summary": "User"})
    address: PlainText = Field(min_length=1, max_length=500, description="Address, as the routing service finds it.")
    aliases: Aliases = Field(default_factory=list, max_length=20,
                             description="Other ways appointments' locations name this place.")


class PlaceBody(HomeOrOfficeBody):
    name: PlainText = Field(min_length=1, max_length=200,
                            description="The place's name, as appointments' locations may give it.")


class PlanBody(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")

    user: Mailbox = Field(description="Mailbox (user principal name) whose days to plan.",
                          json_schema_extra={"x-ms-summary": "User"})
    date: PlainText | None = Field(default=None, min_length=1, max_length=100,
                                   description="Days to plan, in the user's travel time zone: today (default), "
                                               "tomorrow, YYYY-MM-DD, 'A to B', next week, ...")
    dry_run: bool = Field(default=False, description="Say what would change; change nothing.")


class AlertQuery(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    user: Mailbox = Field(description="Mailbox (user principal name).", json_schema_extra={"x-ms-summary": "User"})
    from_: dt.date | None = Field(default=None, alias="from", description="First day (default: today, UTC).",
                                  json_schema_extra={"x-ms-summary": "From"})
    to: dt.date | None = Field(default=None, description=f"Last day (inclusive; default: {MAX_ALERT_DAYS - 1} days "
                                                         "after the first).",
                               json_schema_extra={"x-ms-summary": "To"})

    @field_validator("to")
    @classmethod
    def _ordered(cls, value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        start = info.data.get("from_")
        if value is not None and start is not None:
            if value < start:
                raise ValueError(f"{value.isoformat()} is before from ({start.isoformat()})")
            if (value - start).days >= MAX_ALERT_DAYS:
                raise ValueError(f"at most {MAX_ALERT_DAYS} days from `from`")
        return value

    def span(self, today: dt.date) -> tuple[dt.date, dt.date]:
        start = self.from_ or today
        return start, self.to or start + dt.timedelta(days=MAX_ALERT_DAYS - 1)


class AlertList(BaseModel):
    items: list[AlertLine] = Field(description="Gap alerts: travel that does not fit between two appointments.")
