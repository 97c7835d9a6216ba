"""What a travel planning run returns (and the HTTP/CLI entry points print): per day the travel, alerts, counts."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from shared.domain.travel_schedule import PlannedTravel, TravelAlert


class TravelLine(BaseModel):
    model_config = ConfigDict(serialize_by_alias=True, validate_by_name=True)

    subject: str
    start: datetime
    end: datetime
    origin: str = Field(alias="from")
    destination: str = Field(alias="to")
    minutes: int
    estimated: bool
    category: str | None

    @classmethod
    def of(cls, travel: PlannedTravel) -> TravelLine:
        return cls(subject=travel.subject, start=travel.start, end=travel.end, origin=travel.origin,
                   destination=travel.destination, minutes=travel.minutes, estimated=travel.estimated,
                   category=travel.category)


class AlertLine(BaseModel):
    model_config = ConfigDict(serialize_by_alias=True, validate_by_name=True)

    day: date
    before: str
    after: str
    origin: str = Field(alias="from")
    destination: str = Field(alias="to")
    needed_minutes: int
    available_minutes: int
    message: str

    @classmethod
    def of(cls, alert: TravelAlert) -> AlertLine:
        return cls(day=alert.day, before=alert.before_subject, after=alert.after_subject, origin=alert.origin,
                   destination=alert.destination, needed_minutes=alert.needed_minutes,
                   available_minutes=alert.available_minutes, message=alert.message)


class TravelDay(BaseModel):
    day: date
    travel: list[TravelLine] = []
    alerts: list[AlertLine] = []
    oof_marked: int = 0
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    issues: list[str] = []


class TravelRun(BaseModel):
    user: str
    dry_run: bool = False
    routing_calls: int = 0
    days: list[TravelDay] = []
    issues: list[str] = []

    @property
    def changed(self) -> int:
        return sum(d.created + d.updated + d.deleted + d.oof_marked for d in self.days)
