"""Per-customer billing settings of a user (rounding increment and mode, travel rate): listed, changed, audited."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from shared.domain.errors import InvalidInput
from shared.domain.mailbox import checked_mailbox
from shared.domain.rounding import DEFAULT_SETTINGS, CustomerSettings, Increment, RoundingMode
from shared.domain.text import PlainText
from shared.services.audit import AuditService
from shared.storage.protocols import CustomerSettingsRepository


class CustomerSettingsChange(BaseModel):
    """What a person changes; what they leave out keeps its current value (or the default)."""

    model_config = ConfigDict(extra="forbid")

    increment: Increment | None = Field(default=None, description="Rounding increment in minutes: 6, 15, 30 or 60.")
    rounding: RoundingMode | None = Field(default=None, description="nearest (halves up), up or down.")
    travel_rate: Annotated[Decimal, Field(ge=0, le=1, decimal_places=4)] | None = Field(
        default=None, description="Share of rounded travel time billed, 0 to 1 (0.5: half).")


class CustomerView(BaseModel):
    customer: str
    increment: int
    rounding: RoundingMode
    travel_rate: float


class CustomerAdmin:
    def __init__(self, customers: CustomerSettingsRepository, audit: AuditService) -> None:
        self._customers = customers
        self._audit = audit

    def list(self, user: str) -> list[CustomerView]:
        user = checked_mailbox(user)
        return [_view(name, settings) for name, settings in sorted(self._customers.for_user(user).items())]

    def set(self, user: str, customer: PlainText, change: CustomerSettingsChange, by: str) -> CustomerView:
        user = checked_mailbox(user)
        name = customer.strip()
        if not name or len(name) > 255:
            raise InvalidInput("customer", "must be 1-255 characters")
        current = self._customers.get(user, name) or DEFAULT_SETTINGS
        try:
            updated = CustomerSettings.model_validate(
                {**current.model_dump(), **change.model_dump(exclude_none=True)})
        except ValidationError as error:
            raise InvalidInput.from_validation(error) from None
        self._customers.save(user, name, updated)
        self._audit.record(action="customer", operation="update", resource=f"customers/{name}", status="success",
                           message=f"billing settings of {name} set by {by}",
                           details=change.model_dump(mode="json", exclude_none=True), user=user)
        return _view(name, updated)


def _view(name: str, settings: CustomerSettings) -> CustomerView:
    return CustomerView(customer=name, increment=settings.increment, rounding=settings.rounding,
                        travel_rate=float(settings.travel_rate))
