"""Mailbox addresses (user principal names) as the app accepts them from people and timers."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field

from shared.domain.errors import InvalidInput
from shared.domain.text import NO_CONTROL_CHARACTERS


def mailbox_address(value: str) -> str:
    value = value.strip()
    if "@" not in value or value.startswith("@") or value.endswith("@") or not value.isprintable() or any(
        c.isspace() for c in value
    ):
        raise ValueError("must be a mailbox address (user principal name)")
    return value


Mailbox = Annotated[str, AfterValidator(mailbox_address), Field(json_schema_extra={"pattern": NO_CONTROL_CHARACTERS})]


def checked_mailbox(value: str, field: str = "user") -> str:
    """The address, or InvalidInput naming the field: for use cases that take a user outside a pydantic model."""
    try:
        return mailbox_address(value)
    except ValueError as error:
        raise InvalidInput(field, str(error)) from None
