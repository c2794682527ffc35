"""Descriptions kept beside the code they describe, one map per domain package, applied to the built schema.

Keys are GraphQL schema coordinates: `Type`, `Type.field`, `Type.field(arg:)`, `Enum.VALUE` (an input field is
`Input.field`). A map, not a `description=` per decorator, because most enums are the services' own enums
re-exported by name (a per-value description would have to live in the service), and because the text reads and
reviews as one document per domain. An element described in code keeps that text; the map only fills gaps, and a
key naming nothing, or disagreeing with code, fails the build instead of going stale.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
)

COORDINATE = re.compile(r"^(?P<type>\w+)(?:\.(?P<member>\w+)(?:\((?P<argument>\w+):\))?)?$")


def merge(maps: Iterable[Mapping[str, str]]) -> dict[str, str]:
    """One map from the domains' maps; a coordinate described twice is a mistake, not an override."""
    merged: dict[str, str] = {}
    for descriptions in maps:
        for coordinate, text in descriptions.items():
            if coordinate in merged:
                raise ValueError(f"{coordinate} is described twice")
            merged[coordinate] = text
    return merged


def element(schema: GraphQLSchema, coordinate: str) -> Any:
    """The type, field, argument or enum value a schema coordinate names; ValueError when there is none."""
    match = COORDINATE.match(coordinate)
    type_ = schema.type_map.get(match["type"]) if match else None
    if match is None or type_ is None:
        raise ValueError(f"{coordinate} names no type of the schema")
    member, argument = match["member"], match["argument"]
    if member is None:
        return type_
    if isinstance(type_, GraphQLEnumType):
        found: Any = type_.values.get(member)
    elif isinstance(type_, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
        found = type_.fields.get(member)
        if found is not None and argument is not None:
            found = getattr(found, "args", {}).get(argument)
    else:
        found = None
    if found is None:
        raise ValueError(f"{coordinate} names nothing in the schema")
    return found


def apply_descriptions(schema: GraphQLSchema, descriptions: Mapping[str, str]) -> None:
    for coordinate, text in descriptions.items():
        target = element(schema, coordinate)
        if target.description not in (None, text):
            raise ValueError(f"{coordinate} is described in code already; drop it from the map")
        target.description = text


ROOTS = {
    "Query": "Reads. Each is scoped to one community: the caller's (from the API key or token) unless a "
    "`communityId` argument names another the caller may read. Lists take `first` (1-100); connections page on.",
    "Mutation": "Writes. Each acts in one community, the caller's unless `communityId` names another it may act "
    "on; where an input takes an `idempotencyKey`, a retry with the same key acts once.",
}
