"""Deprecate first, remove later: the breaking changes between the released schema and the built one that a
client could not have seen coming.

graphql-core's `find_breaking_changes` lists every change that can break a client. A removal is allowed when
the released schema already marked the element `@deprecated` (a field, an input field, an argument, an enum
value), or when nothing reaches its type from a root but through deprecated elements (then the type may go
too, with its fields). Every other breaking change (a type changed, a required argument or input field added)
is refused: add a new element beside the old one instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from graphql import (
    BreakingChange,
    BreakingChangeType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    find_breaking_changes,
    get_named_type,
)

from gateway.graphql.descriptions import element

REMOVALS = {
    BreakingChangeType.FIELD_REMOVED,
    BreakingChangeType.ARG_REMOVED,
    BreakingChangeType.VALUE_REMOVED_FROM_ENUM,
}
# graphql-core names the element by its schema coordinate: "Field Query.a was removed.", "Argument
# Query.a(b:) was removed.", "Enum value Tier.GOLD was removed.", "Plan was removed."
REMOVED = re.compile(r"^(?:Field |Argument |Enum value )?(?P<coordinate>[\w.():]+) was removed\.$")


def unannounced_breaking_changes(released: GraphQLSchema, built: GraphQLSchema) -> list[str]:
    """Each breaking change not deprecated first, as graphql-core describes it; empty when the schema is safe."""
    reachable = set(reachable_types(released))
    return [
        change.description
        for change in find_breaking_changes(released, built)
        if not announced(change, released, reachable)
    ]


def announced(change: BreakingChange, released: GraphQLSchema, reachable: set[str]) -> bool:
    match = REMOVED.match(change.description)
    if match is None:
        return False
    coordinate = match["coordinate"]
    if change.type == BreakingChangeType.TYPE_REMOVED:
        return coordinate not in reachable
    if change.type in REMOVALS:
        owner = coordinate.split(".")[0]
        return owner not in reachable or element(released, coordinate).deprecation_reason is not None
    return False


def reachable_types(schema: GraphQLSchema) -> Iterator[str]:
    """Names of the types a client reaches from the root types through elements not deprecated."""
    roots = (schema.query_type, schema.mutation_type, schema.subscription_type)
    pending: list[GraphQLNamedType] = [root for root in roots if root is not None]
    seen: set[str] = set()
    while pending:
        type_ = pending.pop()
        if type_.name in seen:
            continue
        seen.add(type_.name)
        yield type_.name
        pending.extend(neighbours(schema, type_))


def neighbours(schema: GraphQLSchema, type_: GraphQLNamedType) -> Iterator[GraphQLNamedType]:
    if isinstance(type_, GraphQLUnionType):
        yield from type_.types
    if isinstance(type_, GraphQLInterfaceType):
        yield from schema.get_possible_types(type_)
    if isinstance(type_, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
        for field in type_.fields.values():
            if field.deprecation_reason is not None:
                continue
            yield get_named_type(field.type)
            for argument in getattr(field, "args", {}).values():
                if argument.deprecation_reason is None:
                    yield get_named_type(argument.type)
