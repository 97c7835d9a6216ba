"""Declarative mapping between a pydantic model and the flat properties of its Table Storage row.

Each adapter lists its columns once (which field goes to which property, and how it is encoded); writing and reading
both follow that list. An absent property is left out of the model's arguments, so the model's own default applies
and the defaults are not repeated here. Absent values (None) are never written: Azure does not store nulls, and the
in-memory fakes must not either.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from pydantic import BaseModel

from shared.storage.codec import as_datetime, etag_of, fit_text, from_json, to_json, without_none

M = TypeVar("M", bound=BaseModel)

Properties = dict[str, Any]
_MODEL_DEFAULT: Any = object()  # sentinel: an absent property falls back to the model's default


class Column(Protocol):
    def write(self, model: Any) -> Properties: ...

    def read(self, entity: Mapping[str, Any]) -> dict[str, Any]: ...


def _same(value: Any) -> Any:
    return value


@dataclass(frozen=True)
class Prop:
    """One model field stored as one property (of the same name unless `prop` says otherwise)."""

    field: str
    prop: str = ""
    encode: Callable[[Any], Any] = _same
    decode: Callable[[Any], Any] = _same
    missing: Any = _MODEL_DEFAULT  # what an absent property reads as

    @property
    def name(self) -> str:
        return self.prop or self.field

    def write(self, model: Any) -> Properties:
        value = getattr(model, self.field)
        return {self.name: None if value is None else self.encode(value)}

    def read(self, entity: Mapping[str, Any]) -> dict[str, Any]:
        if entity.get(self.name) is not None:
            return {self.field: self.decode(entity[self.name])}
        return {} if self.missing is _MODEL_DEFAULT else {self.field: self.missing}


@dataclass(frozen=True)
class Spread:
    """One model field stored over several properties (a value split for size, or a pair such as a period)."""

    field: str
    encode: Callable[[Any], Properties]
    decode: Callable[[Mapping[str, Any]], Any]

    def write(self, model: Any) -> Properties:
        return self.encode(getattr(model, self.field))

    def read(self, entity: Mapping[str, Any]) -> dict[str, Any]:
        return {self.field: self.decode(entity)}


@dataclass(frozen=True)
class Derived:
    """Properties computed from the model for keys and filters (PartitionKey, `user_key`…); never read back."""

    compute: Callable[[Any], Properties]

    def write(self, model: Any) -> Properties:
        return self.compute(model)

    def read(self, entity: Mapping[str, Any]) -> dict[str, Any]:
        return {}


def keys(compute: Callable[[Any], tuple[str, str]]) -> Derived:
    """PartitionKey and RowKey computed from the model."""
    return Derived(lambda model: dict(zip(("PartitionKey", "RowKey"), compute(model), strict=True)))


def plain(*fields: str) -> tuple[Prop, ...]:
    """Fields stored as they are, under their own names."""
    return tuple(Prop(field) for field in fields)


def text(field: str, limit: int, prop: str = "") -> Prop:
    """Free text, cut to fit the column's budget."""
    return Prop(field, prop, encode=lambda value: fit_text(value, limit))


def utc(field: str, prop: str = "") -> Prop:
    """A datetime, read back as an aware UTC datetime whatever the service or a fake hands back."""
    return Prop(field, prop, decode=as_datetime)


def iso_date(field: str, prop: str = "") -> Prop:
    return Prop(field, prop, encode=dt.date.isoformat, decode=dt.date.fromisoformat)


def as_text(field: str, prop: str = "") -> Prop:
    """A value kept exact as its string form (a double would turn the decimal 0.1 into 0.1000000000000000055…)."""
    return Prop(field, prop, encode=str)


def json_text(
    field: str, kind: type[list[Any]] | type[dict[str, Any]], wrap: Callable[[Any], Any] = _same
) -> Prop:
    """A list or dict as JSON text; unreadable text reads as empty, a value of another shape goes through `wrap`."""

    def decode(stored: Any) -> Any:
        value = from_json(stored, kind())
        return value if isinstance(value, kind) else wrap(value)

    return Prop(field, encode=to_json, decode=decode, missing=kind())


class EntityMapper(Generic[M]):
    """Model ↔ entity for one table; a model with an `etag` field gets the row's ETag when read."""

    def __init__(self, model: type[M], *columns: Column) -> None:
        self._model = model
        self._columns = columns
        self._has_etag = "etag" in model.model_fields

    def to_entity(self, model: M) -> Properties:
        properties: Properties = {}
        for column in self._columns:
            properties.update(column.write(model))
        return without_none(properties)

    def from_entity(self, entity: Mapping[str, Any]) -> M:
        fields: dict[str, Any] = {}
        for column in self._columns:
            fields.update(column.read(entity))
        if self._has_etag:
            fields["etag"] = etag_of(entity)
        return self._model.model_validate(fields)
