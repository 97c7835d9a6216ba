"""What a use case raises when a request cannot be served. The HTTP layer maps each to a problem+json status, the
command line maps each to an exit code; neither is decided here."""

from __future__ import annotations

from pydantic import ValidationError


class UseCaseError(Exception):
    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class InvalidInput(UseCaseError):
    """A value from a person or a client is wrong; `errors` name each field at fault."""

    def __init__(self, field: str, message: str, more: list[tuple[str, str]] | None = None) -> None:
        self.errors = [(field, message), *(more or [])]
        self.field = field
        self.message = message
        super().__init__("; ".join(f"{f}: {m}" for f, m in self.errors))

    @classmethod
    def from_validation(cls, error: ValidationError, where: str = "body") -> InvalidInput:
        found = [(field_of(err["loc"], where), message_of(err["msg"])) for err in error.errors()]
        return cls(found[0][0], found[0][1], found[1:])


class NotFound(UseCaseError):
    pass


class StateConflict(UseCaseError):
    """The resource is not in a state that allows the request (resolving twice, an archive still running)."""


class Unavailable(UseCaseError):
    """A dependency (storage, the orchestration backend) did not answer; the caller may retry."""


def field_of(loc: tuple[int | str, ...], where: str = "body") -> str:
    return ".".join(str(part) for part in loc) or where


def message_of(msg: str) -> str:
    return msg.removeprefix("Value error, ")
