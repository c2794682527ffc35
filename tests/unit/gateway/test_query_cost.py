"""The static query cost: objects a point, scalars free, lists times their page, weighted fields, mutations."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import GraphQLSchema, parse

from gateway import query_cost
from gateway.query_cost import CostModel, KnownCosts, default_cost_model, operation_cost
from gateway.schema import build_schema

FEED = "feed(slot: MORNING, scene: BEFORE_DECISION, first: %s) { items { score content { title author { handle } } } }"


@pytest.fixture(scope="module")
def schema() -> GraphQLSchema:
    built: Any = build_schema()
    graphql_schema: GraphQLSchema = built._schema
    return graphql_schema


def cost(schema: GraphQLSchema, query: str, **kwargs: Any) -> int:
    result = operation_cost(schema, parse(query), **kwargs)
    assert result is not None
    return result.cost


def test_typename_is_free(schema: GraphQLSchema) -> None:
    assert cost(schema, "{ __typename }") == 0


def test_an_object_costs_one_and_scalars_nothing(schema: GraphQLSchema) -> None:
    assert cost(schema, "{ me { id handle tier } }") == 1


def test_a_page_multiplies_what_each_item_costs(schema: GraphQLSchema) -> None:
    # feed's own weight, then 10 items each an object with a content object and an author object.
    assert cost(schema, "{ %s }" % (FEED % 10)) == 10 + 10 * 3
    assert cost(schema, "{ %s }" % (FEED % 100)) == 10 + 100 * 3


def test_aliases_each_pay(schema: GraphQLSchema) -> None:
    one = cost(schema, "{ %s }" % (FEED % 100))
    thirty = " ".join(f"f{i}: {FEED % 100}" for i in range(30))
    assert cost(schema, "{ " + thirty + " }") == 30 * one


def test_page_size_from_variables_and_fragments(schema: GraphQLSchema) -> None:
    query = """
      query Page($n: Int!) { feed(slot: MORNING, scene: BEFORE_DECISION, first: $n) { items { ...Item } } }
      fragment Item on FeedItem { content { title author { handle } } }
    """
    assert cost(schema, query, variables={"n": 5}) == 10 + 5 * 3


def test_mutations_cost_more_than_reads(schema: GraphQLSchema) -> None:
    mutation = 'mutation { recordEvent(input: {contentId: "x", type: OPEN}) { duplicate } }'
    assert cost(schema, mutation) == default_cost_model().mutation_cost + 1


def test_the_named_operation_is_the_one_costed(schema: GraphQLSchema) -> None:
    document = parse("query A { me { id } } query B { %s }" % (FEED % 10))
    a, b = operation_cost(schema, document, operation_name="A"), operation_cost(schema, document, operation_name="B")
    assert a is not None
    assert b is not None
    assert (a.operation, a.cost, b.operation, b.cost) == ("A", 1, "B", 40)
    assert operation_cost(schema, document) is None  # two operations and no name: nothing runs


def test_weights_are_configurable(schema: GraphQLSchema) -> None:
    model = CostModel(object_cost=2, field_weights={"Query.feed": 50})
    assert cost(schema, "{ %s }" % (FEED % 10), model=model) == 50 + 10 * 6


def test_a_kept_cost_is_the_cost_computed_and_is_computed_once(
    schema: GraphQLSchema, monkeypatch: pytest.MonkeyPatch
) -> None:
    known = KnownCosts()
    document = parse("query A { me { id } } query B { %s }" % (FEED % 10))
    walks: list[int] = []
    walk = query_cost._Walker.selection_cost

    def counted(self: Any, *args: Any, **kwargs: Any) -> int:
        walks.append(1)
        return walk(self, *args, **kwargs)

    monkeypatch.setattr(query_cost._Walker, "selection_cost", counted)
    first = [known.cost(schema, document, operation_name=name, variables=None) for name in ("A", "B", None)]
    walked = len(walks)
    again = [known.cost(schema, document, operation_name=name, variables=None) for name in ("A", "B", None)]
    assert again == first == [operation_cost(schema, document, operation_name=name) for name in ("A", "B", None)]
    assert len(walks) == 2 * walked  # the check above walked once more each; the kept ones walked nothing
    assert first[0] is not None
    assert first[1] is not None
    assert (first[0].cost, first[1].cost, first[2]) == (1, 40, None)


def test_a_cost_whose_page_size_is_a_variable_is_priced_for_each_request(schema: GraphQLSchema) -> None:
    known = KnownCosts()
    document = parse(
        "query Page($n: Int!) { feed(slot: MORNING, scene: BEFORE_DECISION, first: $n) { items { score } } }"
    )
    five = known.cost(schema, document, operation_name=None, variables={"n": 5})
    fifty = known.cost(schema, document, operation_name=None, variables={"n": 50})
    assert five is not None
    assert fifty is not None
    assert (five.cost, fifty.cost) == (10 + 5, 10 + 50)


def test_another_document_of_the_same_text_and_another_model_are_priced_afresh(schema: GraphQLSchema) -> None:
    known = KnownCosts()
    text = "{ %s }" % (FEED % 10)
    assert known.cost(schema, parse(text), operation_name=None, variables=None) == known.cost(
        schema, parse(text), operation_name=None, variables=None
    )
    heavy = KnownCosts(CostModel(field_weights={"Query.feed": 100}))
    priced = heavy.cost(schema, parse(text), operation_name=None, variables=None)
    assert priced is not None
    assert priced.cost == 100 + 10 * 3
