"""Root-field calls generated from the printed schema: every argument filled with a valid dummy of its type.

Tests that must hold for every root field (bad ids refused, operator fields closed to members) build their
requests here, so a field added to the schema is covered without anyone listing it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path as FsPath
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    get_named_type,
)
from graphql.pyutils import Undefined

from gateway.schema import build_schema
from tests.conftest import gateway_on_own_databases
from tests.factories import Api, Member, create_community, grant, register

DUMMY_ID = "5f5f5f5f5f5f5f5f5f5f5f5f"
SCALARS: dict[str, Any] = {
    "ID": DUMMY_ID,
    "String": "dummy",
    "Int": 1,
    "Float": 1.0,
    "Boolean": False,
    "DateTime": "2024-01-01T00:00:00+00:00",
    "JSON": {},
}
Path = tuple[str, ...]  # argument name, then input-field names down to the value


@dataclass(frozen=True)
class RootField:
    operation: str  # "query" or "mutation"
    name: str
    field: GraphQLField

    @property
    def label(self) -> str:
        return f"{self.operation}.{self.name}"


def graphql_schema() -> GraphQLSchema:
    schema: GraphQLSchema = build_schema()._schema
    return schema


def root_fields(schema: GraphQLSchema) -> list[RootField]:
    found: list[RootField] = []
    for operation, root in (("query", schema.query_type), ("mutation", schema.mutation_type)):
        assert root is not None
        found.extend(RootField(operation, name, field) for name, field in root.fields.items())
    return found


def dummy(type_: GraphQLInputType, overrides: dict[str, Any], name: str = "") -> Any:
    """A valid value of `type_`: required input fields filled, optional ones left out."""
    if isinstance(type_, GraphQLNonNull):
        return dummy(type_.of_type, overrides, name)
    if name in overrides:
        return overrides[name]
    if isinstance(type_, GraphQLList):
        return [dummy(type_.of_type, overrides, name)]
    if isinstance(type_, GraphQLInputObjectType):
        return {
            field_name: dummy(field.type, overrides, field_name)
            for field_name, field in type_.fields.items()
            if isinstance(field.type, GraphQLNonNull) and field.default_value is Undefined
        }
    if isinstance(type_, GraphQLEnumType):
        return next(iter(type_.values))
    assert isinstance(type_, GraphQLScalarType), type_
    return SCALARS[type_.name]


def type_string(type_: GraphQLInputType) -> str:
    if isinstance(type_, GraphQLNonNull):
        return f"{type_string(type_.of_type)}!"
    if isinstance(type_, GraphQLList):
        return f"[{type_string(type_.of_type)}]"
    return str(get_named_type(type_).name)


def call(
    root: RootField, overrides: dict[str, Any], set_at: tuple[Path, Any] | None = None
) -> tuple[str, dict[str, Any]]:
    """The document and variables that call `root` with dummy arguments, optionally one value set at a path."""
    variables: dict[str, Any] = {}
    declared: list[str] = []
    passed: list[str] = []
    target_arg = set_at[0][0] if set_at else None
    for arg_name, arg in root.field.args.items():
        required = isinstance(arg.type, GraphQLNonNull) and arg.default_value is Undefined
        if not required and arg_name != target_arg:
            continue
        value = dummy(arg.type, overrides, arg_name)
        if set_at and arg_name == target_arg:
            value = _set(arg.type, value, set_at[0][1:], set_at[1], overrides)
        variables[arg_name] = value
        declared.append(f"${arg_name}: {type_string(arg.type)}")
        passed.append(f"{arg_name}: ${arg_name}")
    header = f"({', '.join(declared)})" if declared else ""
    arguments = f"({', '.join(passed)})" if passed else ""
    selection = " { __typename }" if isinstance(get_named_type(root.field.type), GraphQLObjectType) else ""
    return f"{root.operation}{header} {{ {root.name}{arguments}{selection} }}", variables


def _set(type_: GraphQLInputType, value: Any, path: Path, new: Any, overrides: dict[str, Any]) -> Any:
    """`value` with `new` put at `path` (through lists: every item; missing optional objects are created)."""
    if isinstance(type_, GraphQLNonNull):
        return _set(type_.of_type, value, path, new, overrides)
    if isinstance(type_, GraphQLList):
        items = value if isinstance(value, list) and value else [None]
        return [_set(type_.of_type, item, path, new, overrides) for item in items]
    if not path:
        return new
    assert isinstance(type_, GraphQLInputObjectType)
    obj = dict(value) if isinstance(value, dict) else dummy(type_, overrides)
    field = type_.fields[path[0]]
    current = obj.get(path[0], dummy(field.type, overrides, path[0]))
    obj[path[0]] = _set(field.type, current, path[1:], new, overrides)
    return obj


def is_id_like(name: str, type_: GraphQLInputType) -> bool:
    """ID of any name, or a String named `id`, `slug`, `handle`, `...Id` or `...Ids`."""
    named = get_named_type(type_)
    return named.name == "ID" or (
        named.name == "String" and (name in {"id", "slug", "handle"} or name.endswith(("Id", "Ids")))
    )


def id_paths(root: RootField) -> Iterator[Path]:
    """Every argument or input-object field, at any depth, that holds an id-like value."""

    def walk(name: str, type_: GraphQLInputType, prefix: Path, seen: frozenset[str]) -> Iterator[Path]:
        named = get_named_type(type_)
        if isinstance(named, GraphQLInputObjectType):
            if named.name in seen:
                return
            for field_name, field in named.fields.items():
                yield from walk(field_name, field.type, (*prefix, field_name), seen | {named.name})
        elif is_id_like(name, type_):
            yield prefix

    for arg_name, arg in root.field.args.items():
        yield from walk(arg_name, arg.type, (arg_name,), frozenset())


@dataclass(frozen=True)
class Community:
    """A real community on a gateway of its own, with an operator and a plain member."""

    api: Api
    id: str
    operator: Member
    member: Member


@asynccontextmanager
async def community_gateway(mongo_uri: str, var_dir: FsPath, **overrides: Any) -> AsyncIterator[Community]:
    """One gateway for a whole module of generated calls (they are refused before anything is written);
    `overrides` change its settings (e.g. `app_env="production"` with secrets of production length)."""
    async with gateway_on_own_databases(mongo_uri, var_dir, **overrides) as api:
        community_id = await create_community(api, "generated")
        operator = await register(api, "generated", "operator")
        await grant(api, community_id, "operator", "OPERATOR")
        member = await register(api, "generated", "member")
        yield Community(api, community_id, operator, member)
