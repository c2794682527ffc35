"""Every public type, field, argument and enum value of the served schema carries a description."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    specified_scalar_types,
)

from gateway.graphql.descriptions import apply_descriptions, merge
from gateway.schema import build_schema

FILLER = frozenset({"the", "a", "an", "its", "of", "this"})


def elements(schema: GraphQLSchema) -> Iterator[tuple[str, str, str | None]]:
    """(kind, schema coordinate, description) of every public element; built-in types are graphql's own."""
    for name, type_ in schema.type_map.items():
        if name.startswith("__") or name in specified_scalar_types:
            continue
        yield "type", name, type_.description
        if isinstance(type_, GraphQLEnumType):
            for value_name, value in type_.values.items():
                yield "enum value", f"{name}.{value_name}", value.description
        if isinstance(type_, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
            for field_name, field in type_.fields.items():
                yield "field", f"{name}.{field_name}", field.description
                for arg_name, arg in getattr(field, "args", {}).items():
                    yield "argument", f"{name}.{field_name}({arg_name}:)", arg.description


def test_every_public_element_is_described() -> None:
    missing = [f"{kind} {coordinate}" for kind, coordinate, text in elements(build_schema()._schema) if not text]
    assert missing == [], f"{len(missing)} without a description:\n" + "\n".join(missing)


def words(text: str) -> list[str]:
    """Lower-case words, camelCase split: `targetShare` and "The target share." both read target, share."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", text)
    return [w for w in re.findall(r"[a-z0-9]+", spaced.lower()) if w not in FILLER]


def test_no_description_only_restates_its_name() -> None:
    echoes = [
        coordinate
        for _, coordinate, text in elements(build_schema()._schema)
        if not words(text or "") or words(text or "") == words(re.split(r"[.(]", coordinate.rstrip(":)"))[-1])
    ]
    assert echoes == []


def test_a_map_key_naming_nothing_fails_the_build() -> None:
    schema = build_schema()._schema
    with pytest.raises(ValueError, match=r"^Query\.nothing names nothing in the schema$"):
        apply_descriptions(schema, {"Query.nothing": "Gone."})


def test_a_map_cannot_override_the_code() -> None:
    schema = build_schema()._schema
    with pytest.raises(ValueError, match=r"^PageInfo is described in code already; drop it from the map$"):
        apply_descriptions(schema, {"PageInfo": "Another text."})


def test_a_coordinate_described_twice_is_refused() -> None:
    with pytest.raises(ValueError, match=r"^Query is described twice$"):
        merge(({"Query": "One."}, {"Query": "Two."}))
