"""Id-like inputs checked once, at the edge, before any resolver runs.

Services receive ids, slugs and handles as URL path segments, where "." and ".." are resolved away (the call
reaches another route) and an escaped "/" is decoded before routing (no route matches). `infra.paths.segment` is
the one rule for such values; this extension applies it to every id-like argument and input field of every field,
so that no resolver has to remember it and the caller gets BAD_USER_INPUT naming the field.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from weakref import WeakKeyDictionary

from graphql import (
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLResolveInfo,
    get_named_type,
    is_leaf_type,
)
from strawberry.extensions import SchemaExtension

from infra.paths import segment

ID_LIKE_NAMES = frozenset({"id", "slug", "handle"})


def is_id_like(name: str, type_: GraphQLInputType) -> bool:
    """Any ID, and a String named like an identifier (`id`, `slug`, `handle`, `...Id`, `...Ids`)."""
    named = get_named_type(type_)
    if named.name == "ID":
        return True
    return named.name == "String" and (name in ID_LIKE_NAMES or name.endswith(("Id", "Ids")))


def check_input(name: str, type_: GraphQLInputType, value: Any) -> None:
    """Refuse a path-like value anywhere in an argument: in lists and nested input objects too."""
    if value is None:
        return
    if isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    if isinstance(type_, GraphQLList):
        for item in value:
            check_input(name, type_.of_type, item)
    elif isinstance(type_, GraphQLInputObjectType):
        for field_name, field_type in _fields_to_check(type_):
            check_input(field_name, field_type, value.get(field_name))
    elif isinstance(value, str) and value and is_id_like(name, type_):
        segment(value, field=name)


_FIELDS_TO_CHECK: WeakKeyDictionary[GraphQLInputObjectType, list[tuple[str, GraphQLInputType]]] = WeakKeyDictionary()


def _fields_to_check(type_: GraphQLInputObjectType) -> list[tuple[str, GraphQLInputType]]:
    """The fields of an input type that may hold an id-like value: all but the scalars and enums that are not
    id-like (a batch of 100 RecordEventInputs visits 3 fields of 8 each). Kept per type while the type lives."""
    kept = _FIELDS_TO_CHECK.get(type_)
    if kept is None:
        kept = [
            (name, field.type)
            for name, field in type_.fields.items()
            if not is_leaf_type(get_named_type(field.type)) or is_id_like(name, field.type)
        ]
        _FIELDS_TO_CHECK[type_] = kept
    return kept


class IdentifierGuard(SchemaExtension):
    def resolve(self, _next: Callable[..., Any], root: Any, info: GraphQLResolveInfo, *args: Any, **kwargs: Any) -> Any:
        # Introspection's meta-fields (`__type(name:)`) are not among the type's own fields.
        field = info.parent_type.fields.get(info.field_name) if kwargs else None
        if field is not None:
            for name, value in kwargs.items():
                check_input(name, field.args[name].type, value)
        return _next(root, info, *args, **kwargs)
