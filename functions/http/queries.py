"""Query-string parameters of the HTTP API as pydantic models (also the source of the documented parameters)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator
from pydantic.json_schema import JsonDict

from shared.domain.conflicts import ConflictStatus
from shared.domain.errors import InvalidInput
from shared.domain.mailbox import Mailbox
from shared.domain.text import PlainText
from shared.storage.query import MAX_PAGE_SIZE

Q = TypeVar("Q", bound=BaseModel)


def _summary(text: str) -> JsonDict:
    return {"x-ms-summary": text}


class PagedQuery(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    page_size: int = Field(default=100, ge=1, le=MAX_PAGE_SIZE, description="Items per page.",
                           json_schema_extra=_summary("Page size"))
    continuation: PlainText | None = Field(default=None, max_length=2048, description="Token of the next page.",
                                     json_schema_extra=_summary("Continuation token"))


class DateRangeQuery(BaseModel):
    user: PlainText | None = Field(default=None, max_length=256, description="Mailbox (user principal name).",
                             json_schema_extra=_summary("User"))
    from_: dt.date | None = Field(default=None, alias="from", description="First day (inclusive, UTC).",
                                  json_schema_extra=_summary("From"))
    to: dt.date | None = Field(default=None, description="Last day (inclusive, UTC).", json_schema_extra=_summary("To"))

    @field_validator("to")
    @classmethod
    def _ordered(cls, value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        start = info.data.get("from_")
        if value is not None and start is not None and value < start:
            raise ValueError(f"{value.isoformat()} is before from ({start.isoformat()})")
        return value


class ConflictQuery(PagedQuery, DateRangeQuery):
    status: ConflictStatus | None = Field(default=None, description="open or resolved.",
                                          json_schema_extra=_summary("Status"))


class AuditQuery(PagedQuery, DateRangeQuery):
    action: PlainText | None = Field(default=None, max_length=256,
                                     description="Only rows of this action (e.g. archive).",
                                     json_schema_extra=_summary("Action"))


class AuditExportQuery(DateRangeQuery):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    format: Literal["csv"] = Field(default="csv", description="Export format.", json_schema_extra=_summary("Format"))
    action: PlainText | None = Field(default=None, max_length=256,
                                     description="Only rows of this action (e.g. archive).",
                                     json_schema_extra=_summary("Action"))
    continuation: PlainText | None = Field(default=None, max_length=2048,
                                     description="From the `X-Continuation` header of the previous part.",
                                     json_schema_extra=_summary("Continuation token"))


class ValidationTokenQuery(BaseModel):
    """Graph's subscription validation handshake: the token must be echoed as text/plain."""

    validationToken: str | None = Field(default=None, description="Sent by Graph when a subscription is created.",
                                        json_schema_extra=_summary("Validation token"))


def parse_query(model: type[Q], params: Mapping[str, str]) -> Q:
    """The model from a query string; empty values count as absent, errors name the parameter."""
    present = {name: value for name, value in params.items() if value != ""}
    try:
        return model.model_validate(present)
    except ValidationError as error:
        raise InvalidInput.from_validation(error, where="query") from None


class UserQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    user: Mailbox = Field(description="Mailbox (user principal name).", json_schema_extra=_summary("User"))


class TimesheetQuery(PagedQuery, UserQuery):
    pass
