"""The breaking-change policy on small schemas: a removal passes only when the released schema deprecated it."""

from __future__ import annotations

import pytest
from graphql import build_schema

from gateway.schema_compat import unannounced_breaking_changes

RELEASED = """
type Query {
  plan(id: ID!, legacy: Boolean @deprecated(reason: "Unused.")): Plan
  oldPlan: OldPlan @deprecated(reason: "Use plan.")
  tier: Tier
}
type Plan { id: ID! name: String! code: String @deprecated(reason: "Use name.") }
type OldPlan { id: ID! part: OldPart }
type OldPart { id: ID! }
enum Tier { GOLD SILVER BRONZE @deprecated(reason: "Merged into SILVER.") }
"""


def changes(built: str) -> list[str]:
    return unannounced_breaking_changes(build_schema(RELEASED), build_schema(built))


def test_the_same_schema_has_no_breaking_change() -> None:
    assert changes(RELEASED) == []


def test_removing_what_was_deprecated_passes() -> None:
    built = """
    type Query { plan(id: ID!): Plan tier: Tier }
    type Plan { id: ID! name: String! }
    enum Tier { GOLD SILVER }
    """
    assert changes(built) == []


@pytest.mark.parametrize(
    ("built", "refusal"),
    [
        (
            RELEASED.replace("name: String! ", ""),
            "Field Plan.name was removed.",
        ),
        (
            RELEASED.replace("enum Tier { GOLD ", "enum Tier { "),
            "Enum value Tier.GOLD was removed.",
        ),
        (
            RELEASED.replace("plan(id: ID!, ", "plan("),
            "Argument Query.plan(id:) was removed.",
        ),
        (
            RELEASED.replace("name: String!", "name: Int!"),
            "Field Plan.name changed type from String! to Int!.",
        ),
        (
            RELEASED.replace("legacy: Boolean", "legacy: Boolean, region: String!"),
            "A required argument Query.plan(region:) was added.",
        ),
    ],
)
def test_a_change_not_deprecated_first_is_refused(built: str, refusal: str) -> None:
    assert changes(built) == [refusal]


def test_a_type_still_reached_by_a_live_field_cannot_go() -> None:
    released = RELEASED.replace("code: String", "part: OldPart code: String")
    built = """
    type Query { plan(id: ID!): Plan tier: Tier }
    type Plan { id: ID! name: String! }
    enum Tier { GOLD SILVER }
    """
    refused = unannounced_breaking_changes(build_schema(released), build_schema(built))
    assert sorted(refused) == ["Field Plan.part was removed.", "OldPart was removed."]
