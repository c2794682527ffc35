"""Per-operation metrics of the GraphQL endpoint; the operation also labels the HTTP metrics, the access log line and
the request's trace span."""

from __future__ import annotations

import time
from collections.abc import Iterator

from graphql import FieldNode, OperationDefinitionNode
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext

from infra.metrics import GRAPHQL_LATENCY, GRAPHQL_OPERATIONS
from infra.service_app import GRAPHQL_OPERATION_KEY
from infra.telemetry import annotate_operation


def operation_label(context: ExecutionContext) -> str:
    """`query.feed`, `mutation.subscribe`: a root field of the schema, so the label set is bounded.

    Client operation names, and root fields that the schema does not have, are never used as labels.
    """
    document = context.graphql_document
    if document is None:
        return "invalid"
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            kind = definition.operation.value
            root = context.schema._schema.get_root_type(definition.operation)
            fields = [s.name.value for s in definition.selection_set.selections if isinstance(s, FieldNode)]
            name = fields[0] if fields else None
            if root is None or name is None or (name not in root.fields and name != "__typename"):
                return f"{kind}.unknown"
            return f"{kind}.{name}"
    return "invalid"


class OperationMetrics(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        yield
        context = self.execution_context
        label = operation_label(context)
        outcome = "error" if context.result and context.result.errors else "ok"
        GRAPHQL_OPERATIONS.labels(operation=label, outcome=outcome).inc()
        GRAPHQL_LATENCY.labels(operation=label).observe(time.perf_counter() - started)
        request = getattr(context.context, "request", None)
        if request is not None:
            request.scope[GRAPHQL_OPERATION_KEY] = label  # http_requests_total{route="graphql:query.feed"}
        kind, _, _ = label.partition(".")
        annotate_operation(kind, label, context.operation_name)
