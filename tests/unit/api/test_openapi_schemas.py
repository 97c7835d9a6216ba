from __future__ import annotations

from typing import Literal

import pytest
from pydantic import BaseModel, Field

from functions.http.openapi import SchemaConflictError, label, model_ref, query_parameters, to_swagger_schema


class Address(BaseModel):
    city: str


class Person(BaseModel):
    name: str = Field(description="Full name")
    nickname: str | None = None
    home: Address | None = None
    work: Address = Field(description="Where they work")
    kind: Literal["staff"] = "staff"
    score: float = Field(default=1, gt=0)


def test_nullable_values_become_x_nullable_and_refs_move_into_definitions() -> None:
    definitions: dict[str, object] = {}

    reference = model_ref(Person, definitions)

    assert reference == {"$ref": "#/definitions/Person"}
    person = definitions["Person"]
    assert isinstance(person, dict)
    props = person["properties"]
    assert props["nickname"] == {"type": "string", "title": "Nickname", "x-nullable": True, "x-ms-summary": "Nickname"}
    assert props["home"] == {"allOf": [{"$ref": "#/definitions/Address"}], "x-nullable": True, "x-ms-summary": "Home"}
    assert props["work"] == {"$ref": "#/definitions/Address"}  # siblings of a $ref would be ignored
    assert props["kind"]["enum"] == ["staff"] and "const" not in props["kind"]
    assert props["score"]["minimum"] == 0 and props["score"]["exclusiveMinimum"] is True
    assert definitions["Address"] == {
        "properties": {"city": {"title": "City", "type": "string", "x-ms-summary": "City"}},
        "required": ["city"], "title": "Address", "type": "object",
    }


def test_two_models_with_one_name_are_refused() -> None:
    definitions: dict[str, object] = {}
    model_ref(Address, definitions)

    class Address2(BaseModel):
        street: str

    Address2.__name__ = "Address"
    with pytest.raises(SchemaConflictError, match="Address"):
        model_ref(Address2, definitions)


def test_type_lists_and_examples_are_rewritten() -> None:
    converted = to_swagger_schema({"type": ["integer", "null"], "examples": [3, 4], "default": None})

    assert converted == {"type": "integer", "x-nullable": True, "example": 3}


def test_a_union_of_different_types_is_left_open() -> None:
    converted = to_swagger_schema({"anyOf": [{"type": "string"}, {"type": "integer"}], "title": "Either"})

    assert converted == {"title": "Either"}


def test_query_parameters_use_aliases_and_readable_summaries() -> None:
    class Search(BaseModel):
        from_: str | None = Field(default=None, alias="from", description="Start")
        page_size: int = Field(default=10, ge=1, le=50)

    parameters = {p["name"]: p for p in query_parameters(Search)}

    assert parameters["from"] == {"name": "from", "in": "query", "required": False, "description": "Start",
                                  "type": "string", "x-ms-summary": "From"}
    assert parameters["page_size"]["x-ms-summary"] == "Page size"
    assert (parameters["page_size"]["minimum"], parameters["page_size"]["maximum"]) == (1, 50)


@pytest.mark.parametrize(("name", "expected"), [
    ("run_hour", "Run hour"), ("statusQueryGetUri", "Status query get uri"), ("@odata.type", "Odata type"),
])
def test_labels(name: str, expected: str) -> None:
    assert label(name) == expected
