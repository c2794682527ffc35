"""Query texts already parsed and validated, so a client's repeated query is neither parsed nor validated again.

Validating a document against the schema is the costliest step before execution (about six times its parse);
clients send the same few query texts over and over. A schema's parse limit and validation rules are fixed when
it is built (tokens, depth, aliases, introspection), so both outcomes depend on the query text alone: a text that
parsed once parses to the same document, and one that validated clean is clean for this schema. Only successes
are kept (a refused text is parsed or validated, and refused, each time, with the same errors), at most
`capacity` texts, least recently used out. The documents are shared by requests: nothing in the gateway changes a
parsed document.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass

from graphql import DocumentNode
from strawberry.extensions import SchemaExtension

CAPACITY = 256


@dataclass
class _Known:
    document: DocumentNode
    validated: bool = False


class KnownQueries:
    """One schema's parsed (and validated) query texts, shared by its requests."""

    def __init__(self, capacity: int = CAPACITY) -> None:
        self.capacity = capacity
        self._texts: OrderedDict[str, _Known] = OrderedDict()

    def get(self, query: str) -> _Known | None:
        known = self._texts.get(query)
        if known is not None:
            self._texts.move_to_end(query)
        return known

    def parsed(self, query: str, document: DocumentNode) -> None:
        if query not in self._texts:
            self._texts[query] = _Known(document)
            while len(self._texts) > self.capacity:
                self._texts.popitem(last=False)

    def validated(self, query: str) -> None:
        known = self._texts.get(query)
        if known is not None:
            known.validated = True


class QueryMemo(SchemaExtension):
    """Hands strawberry the kept document (it parses only when none is set) and the kept clean validation (it
    validates only when no outcome is set); keeps what it parsed and validated clean."""

    def __init__(self, *, known: KnownQueries) -> None:
        self.known = known

    def on_parse(self) -> Iterator[None]:
        ctx = self.execution_context
        query = ctx.query
        known = self.known.get(query) if query is not None and ctx.graphql_document is None else None
        if known is not None:
            ctx.graphql_document = known.document
        yield
        if query is not None and known is None and ctx.graphql_document is not None and not ctx.pre_execution_errors:
            self.known.parsed(query, ctx.graphql_document)

    def on_validate(self) -> Iterator[None]:
        ctx = self.execution_context
        query = ctx.query
        known = self.known.get(query) if query is not None else None
        if known is not None and known.validated and ctx.pre_execution_errors is None:
            ctx.pre_execution_errors = []
        yield
        if query is not None and ctx.pre_execution_errors == []:
            self.known.validated(query)
