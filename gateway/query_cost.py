"""The static cost of a GraphQL operation, computed from the document before anything runs.

Shopify's calculated query cost and GitHub's node limit are the models: every object a query asks for costs a
point, scalars are free, a list multiplies what each element costs by the page size the query asks for (`first`,
`last` or `limit`, on the list field or on the field above it that pages it), and a field whose resolver does real
work (ranking a feed, running a job) carries a weight of its own. The figure is an upper bound known before
execution, so an over-budget query is refused without touching a service.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    ListValueNode,
    ObjectValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    ValueNode,
    VariableNode,
    get_named_type,
    is_composite_type,
    value_from_ast_untyped,
)

PAGE_ARGUMENTS = ("first", "last", "limit")


@dataclass(frozen=True)
class CostModel:
    """The weights: what an object, a mutation and an unpaged list cost, and fields that cost more than an object.

    `field_weights` maps `"Type.field"` to the cost of resolving that field once (in place of the default object
    point); the defaults name the fields that rank, aggregate or start jobs.
    """

    object_cost: int = 1
    mutation_cost: int = 10
    default_list_size: int = 20
    field_weights: Mapping[str, int] = field(default_factory=dict)


DEFAULT_FIELD_WEIGHTS: Mapping[str, int] = {
    # Ranking: candidates, features, predict and a decision-log write per call.
    "Query.feed": 10,
    "Query.explainFeedItem": 5,
    # Aggregations over a community's history.
    "Query.revenueAnalytics": 5,
    "Query.rfmPyramid": 3,
    "Query.tierDistribution": 3,
    "Query.contentMix": 3,
    "Query.communityStage": 5,
}


_DEFAULT_MODEL = CostModel(field_weights=DEFAULT_FIELD_WEIGHTS)


def default_cost_model() -> CostModel:
    """The default weights (one shared instance: a kept cost is kept for the model it was priced with)."""
    return _DEFAULT_MODEL


@dataclass(frozen=True)
class OperationCost:
    operation: str
    cost: int


Priced = OperationCost | None


class _Walker:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
        model: CostModel,
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.model = model
        # Whether a page size came from the request's variables: such a cost holds for these variables only.
        self.read_variables = False

    def selection_cost(
        self,
        parent: GraphQLObjectType | None,
        selections: SelectionSetNode | None,
        page: int | None,
        visiting: frozenset[str] = frozenset(),
    ) -> int:
        if selections is None:
            return 0
        total = 0
        for selection in selections.selections:
            if isinstance(selection, FieldNode):
                total += self.field_cost(parent, selection, page, visiting)
            elif isinstance(selection, InlineFragmentNode):
                target = parent
                if selection.type_condition is not None:
                    named = self.schema.get_type(selection.type_condition.name.value)
                    target = named if isinstance(named, GraphQLObjectType) else parent
                total += self.selection_cost(target, selection.selection_set, page, visiting)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in visiting:  # unknown or cyclic: validation refuses it anyway
                    continue
                named = self.schema.get_type(fragment.type_condition.name.value)
                target = named if isinstance(named, GraphQLObjectType) else parent
                total += self.selection_cost(target, fragment.selection_set, page, visiting | {name})
        return total

    def field_cost(
        self, parent: GraphQLObjectType | None, node: FieldNode, page: int | None, visiting: frozenset[str]
    ) -> int:
        name = node.name.value
        if name.startswith("__") or parent is None:
            return 0
        definition: GraphQLField | None = parent.fields.get(name)
        if definition is None:
            return 0
        named = get_named_type(definition.type)
        own_page = self._page_size(node)
        is_list = _is_list(definition.type)
        own = self.model.field_weights.get(f"{parent.name}.{name}")
        if own is None:
            own = self.model.object_cost if is_composite_type(named) else 0
        child_parent = named if isinstance(named, GraphQLObjectType) else None
        if is_list:
            size = own_page or page or self.model.default_list_size
            children = self.selection_cost(child_parent, node.selection_set, None, visiting)
            return size * (own + children)
        # A paged field that is not itself a list (a connection, a feed page) passes its size to the list below it.
        children = self.selection_cost(child_parent, node.selection_set, own_page or page, visiting)
        return own + children

    def _page_size(self, node: FieldNode) -> int | None:
        for argument in node.arguments or ():
            if argument.name.value in PAGE_ARGUMENTS:
                self.read_variables = self.read_variables or _has_variable(argument.value)
                value = value_from_ast_untyped(argument.value, dict(self.variables))
                if isinstance(value, int) and value > 0:
                    return value
        return None


def _has_variable(value: ValueNode) -> bool:
    if isinstance(value, VariableNode):
        return True
    if isinstance(value, ListValueNode):
        return any(_has_variable(v) for v in value.values)
    if isinstance(value, ObjectValueNode):
        return any(_has_variable(f.value) for f in value.fields)
    return False


def _is_list(type_: Any) -> bool:
    while isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    return isinstance(type_, GraphQLList)


def operation_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    *,
    operation_name: str | None = None,
    variables: Mapping[str, Any] | None = None,
    model: CostModel | None = None,
) -> OperationCost | None:
    """The cost of the operation a request runs, or None when the document names no runnable operation."""
    return _priced(schema, document, operation_name, variables or {}, model or default_cost_model())[0]


def _priced(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: Mapping[str, Any],
    model: CostModel,
) -> tuple[OperationCost | None, bool]:
    """`operation_cost`, and whether it read the variables (a page size given as `$first`)."""
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is not None:
        operations = [d for d in operations if d.name is not None and d.name.value == operation_name]
    if len(operations) != 1:
        return None, False
    operation = operations[0]
    root = schema.get_root_type(operation.operation)
    walker = _Walker(schema, fragments, variables, model)
    cost = walker.selection_cost(root, operation.selection_set, None)
    if operation.operation == OperationType.MUTATION:
        top_fields = sum(1 for s in operation.selection_set.selections if isinstance(s, FieldNode))
        cost += model.mutation_cost * top_fields
    label = operation.name.value if operation.name else operation.operation.value
    return OperationCost(operation=label, cost=cost), walker.read_variables


class KnownCosts:
    """Operation costs under one cost model, kept per parsed document (the gateway's query memo hands every request
    of a query text the same document object: gateway/validated_queries.py) for those that do not depend on the
    request's variables; at most `capacity` documents, all forgotten when full. Such a cost depends only on the
    document, the operation named, the schema and the weights, so a kept one is the figure `operation_cost` would
    compute again."""

    def __init__(self, model: CostModel | None = None, capacity: int = 256) -> None:
        self.model = model or default_cost_model()
        self.capacity = capacity
        # id(document) -> (the document, weakly; operation name -> (the schema it was priced on, its cost))
        self._kept: dict[int, tuple[weakref.ref[DocumentNode], dict[str | None, tuple[GraphQLSchema, Priced]]]] = {}

    def cost(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        *,
        operation_name: str | None,
        variables: Mapping[str, Any] | None,
    ) -> OperationCost | None:
        """`operation_cost` under this model, kept when it did not read the variables."""
        entry = self._kept.get(id(document))
        if entry is not None and entry[0]() is document:
            kept = entry[1].get(operation_name)
            if kept is not None and kept[0] is schema:
                return kept[1]
        else:
            entry = None
        priced, read_variables = _priced(schema, document, operation_name, variables or {}, self.model)
        if not read_variables:
            if entry is None:
                if len(self._kept) >= self.capacity:
                    self._kept.clear()
                entry = self._kept[id(document)] = (weakref.ref(document), {})
            entry[1][operation_name] = (schema, priced)
        return priced
