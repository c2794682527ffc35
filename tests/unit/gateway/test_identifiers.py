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


def test_nested_and_recursive_input_objects_are_checked_and_only_id_like_leaves_visited() -> None:
    tree = GraphQLInputObjectType(
        "Tree",
        lambda: {
            "nodeId": GraphQLInputField(GraphQLID),
            "label": GraphQLInputField(GraphQLString),
            "children": GraphQLInputField(GraphQLList(GraphQLNonNull(tree))),
            "nested": GraphQLInputField(NESTED),
        },
    )
    # when: path syntax deep in a recursive type, and in an input object inside it
    with pytest.raises(BadInputError) as deep:
        check_input("input", tree, {"nodeId": "a", "children": [{"nodeId": "b", "children": [{"nodeId": ".."}]}]})
    with pytest.raises(BadInputError) as inner:
        check_input("input", tree, {"children": [{"nested": {"contentId": "a/b"}}]})
    # then: each refused naming its field; free text anywhere passes
    assert (deep.value.field, inner.value.field) == ("nodeId", "contentId")
    check_input("input", tree, {"label": "..", "children": [{"label": "a/b", "nested": {"title": ".."}}]})
