"""What the suggestion and rule routes read and answer (functions/suggestions.py)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from functions.http.queries import DateRangeQuery
from shared.domain.mailbox import Mailbox
from shared.domain.suggestion_rules import RuleConditions, SuggestionRule
from shared.domain.suggestions import Suggestion, SuggestionStatus
from shared.domain.text import PlainText

USER_DESCRIPTION = "Mailbox (user principal name) whose rules these are."


class SuggestionQuery(DateRangeQuery):
    """The date range of the shared query (its order check included), with the user required."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    user: Mailbox = Field(description="Mailbox (user principal name).", json_schema_extra={"x-ms-summary": "User"})
    from_: dt.date | None = Field(default=None, alias="from", description="First day of the appointments (UTC).",
                                  json_schema_extra={"x-ms-summary": "From"})
    to: dt.date | None = Field(default=None, description="Last day of the appointments (inclusive, UTC).",
                               json_schema_extra={"x-ms-summary": "To"})
    status: SuggestionStatus | None = Field(default=None, description="open, accepted or rejected.",
                                            json_schema_extra={"x-ms-summary": "Status"})


class SuggestionList(BaseModel):
    items: list[Suggestion] = Field(description="Suggestions at or above the confidence threshold, by start.")


class AcceptBody(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")

    category: PlainText | None = Field(default=None, min_length=1, max_length=255,
                                       description="Another of the user's known categories instead of the "
                                                   "suggested one.")
    remember: bool = Field(default=False, description="Also make a rule of this choice (subject words and attendee "
                                                      "domains of the appointment).")


class RuleBody(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")

    user: Mailbox = Field(description=USER_DESCRIPTION, json_schema_extra={"x-ms-summary": "User"})
    category: PlainText = Field(min_length=1, max_length=255,
                                description="One of the user's known categories, or `personal` (no suggestions).")
    conditions: RuleConditions = Field(description="All must hold; at least one specific condition.")
    position: int | None = Field(default=None, ge=0, le=10_000,
                                 description="Order among the user's rules (lowest first); after the others when "
                                             "empty.")
    enabled: bool = True


class RuleList(BaseModel):
    items: list[SuggestionRule] = Field(description="The user's rules in the order they apply.")
