"""Every public enum is a service's own enum, or a copy held to it here: same members, values and order."""

from __future__ import annotations

from enum import Enum

import pytest
from graphql import GraphQLEnumType

from distribution_service.schemas import Source
from gateway.schema import build_schema

SERVICES = ("users_service", "content_service", "distribution_service", "billing_service")
# Enums the services use on the wire without exporting them; the gateway keeps a copy until they do.
COPIES: dict[str, type[Enum]] = {
    "CandidateSource": Source,
}
ENUMS = {
    name: type_
    for name, type_ in build_schema()._schema.type_map.items()
    if isinstance(type_, GraphQLEnumType) and not name.startswith("__")
}


def source_of(name: str, type_: GraphQLEnumType) -> type[Enum]:
    wrapped: type[Enum] = type_.wrapped_cls  # type: ignore[attr-defined]
    return COPIES.get(name, wrapped)


def test_the_schema_has_enums_to_check() -> None:
    assert {"Role", "Tier", "ContentKind", "Slot", "PlanInterval"} <= set(ENUMS)


@pytest.mark.parametrize("name", sorted(ENUMS))
def test_enum_comes_from_a_service(name: str) -> None:
    source = source_of(name, ENUMS[name])
    assert source.__module__.split(".")[0] in SERVICES, f"{name} is a hand copy: derive it or list it in COPIES"


@pytest.mark.parametrize("name", sorted(ENUMS))
def test_enum_matches_its_source(name: str) -> None:
    type_ = ENUMS[name]
    published = [(key, value.value) for key, value in type_.values.items()]
    source = [(member.name, member.value) for member in source_of(name, type_)]
    assert published == source


def test_copies_are_still_needed() -> None:
    derived = {name for name, type_ in ENUMS.items() if type_.wrapped_cls.__module__.startswith(SERVICES)}  # type: ignore[attr-defined]
    assert derived.isdisjoint(COPIES)
