"""What the API's use cases raise when a request cannot be served; functions/api.py maps them to problem+json."""

from __future__ import annotations

from pydantic import ValidationError


class ApiError(Exception):
    """Base class: `status` is the HTTP status the error stands for."""

    status = 400
    title = "Bad Request"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class InvalidInput(ApiError):
    """A client value is wrong; `errors` name each field at fault."""

    def __init__(self, field: str, message: str, more: list[tuple[str, str]] | None = None) -> None:
        self.errors = [(field, message), *(more or [])]
        super().__init__("; ".join(f"{f}: {m}" for f, m in self.errors))

    @classmethod
    def from_validation(cls, error: ValidationError, where: str = "body") -> InvalidInput:
        found = [(_field(err["loc"], where), _message(err["msg"])) for err in error.errors()]
        return cls(found[0][0], found[0][1], found[1:])


class NotFound(ApiError):
    status = 404
    title = "Not Found"


class StateConflict(ApiError):
    """The resource is not in a state that allows the request (resolving twice, an archive still running)."""

    status = 409
    title = "Conflict"


class Unavailable(ApiError):
    """A dependency (storage, the orchestration backend) did not answer; the client may retry."""

    status = 503
    title = "Service Unavailable"


def _field(loc: tuple[int | str, ...], where: str) -> str:
    return ".".join(str(part) for part in loc) or where


def _message(msg: str) -> str:
    return msg.removeprefix("Value error, ")
