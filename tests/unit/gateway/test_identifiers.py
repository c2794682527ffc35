"""The identifier guard refuses path syntax in id-like inputs, wherever they sit, and nothing else."""

from __future__ import annotations

import pytest
from graphql import (
    GraphQLID,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLString,
)

from gateway.identifiers import check_input, is_id_like
from infra.errors import BadInputError

NESTED = GraphQLInputObjectType(
    "Nested",
    {
        "contentId": GraphQLInputField(GraphQLNonNull(GraphQLString)),
        "contributionIds": GraphQLInputField(GraphQLList(GraphQLNonNull(GraphQLID))),
        "title": GraphQLInputField(GraphQLString),
    },
)


@pytest.mark.parametrize(
    ("name", "type_", "expected"),
    [
        ("anything", GraphQLID, True),
        ("id", GraphQLString, True),
        ("slug", GraphQLString, True),
        ("handle", GraphQLString, True),
        ("eventId", GraphQLString, True),
        ("contributionIds", GraphQLList(GraphQLString), True),
        ("title", GraphQLString, False),
        ("idempotencyKey", GraphQLString, False),
    ],
)
def test_id_like_by_type_or_name(name: str, type_: GraphQLInputType, expected: bool) -> None:
    assert is_id_like(name, type_) is expected


@pytest.mark.parametrize("bad", [".", "..", "a/b"])
def test_path_syntax_in_a_nested_field_names_that_field(bad: str) -> None:
    with pytest.raises(BadInputError, match="contentId: .* is not a valid identifier") as raised:
        check_input("input", NESTED, {"contentId": bad, "title": "fine"})
    assert raised.value.field == "contentId"


def test_path_syntax_in_a_list_item_is_refused() -> None:
    with pytest.raises(BadInputError) as raised:
        check_input("input", NESTED, {"contentId": "a1", "contributionIds": ["b2", ".."]})
    assert raised.value.field == "contributionIds"


def test_free_text_and_empty_ids_pass() -> None:
    check_input("input", NESTED, {"contentId": "", "title": "a/b and .."})
