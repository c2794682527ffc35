"""Directive and duplicate-field caps, checked once on the parsed document before graphql-core validates it.

graphql-core's validation answers a directive repeated a thousand times with a thousand errors and compares
every pair of same-named fields (quadratic): both are work an attacker chooses. These caps refuse such a
document with one BAD_USER_INPUT error and skip validation altogether.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from graphql import DirectiveNode, DocumentNode, FieldNode, GraphQLError, SelectionSetNode, Visitor, visit
from strawberry.extensions import SchemaExtension


class _Census(Visitor):
    """Directive total, a directive named twice at one location, and the most repeated key of a selection set."""

    def __init__(self) -> None:
        super().__init__()
        self.directives = 0
        self.repeated_directive: str | None = None
        self.field_repeats = 0

    def enter(self, node: object, *_: object) -> None:
        directives: tuple[DirectiveNode, ...] = getattr(node, "directives", None) or ()
        self.directives += len(directives)
        names = Counter(d.name.value for d in directives)
        twice = [name for name, n in names.items() if n > 1]
        if twice and self.repeated_directive is None:
            self.repeated_directive = twice[0]
        if isinstance(node, SelectionSetNode):
            keys = Counter((s.alias or s.name).value for s in node.selections if isinstance(s, FieldNode))
            self.field_repeats = max(self.field_repeats, *keys.values(), 0)


def document_error(document: DocumentNode, *, max_directives: int, max_field_repeats: int) -> GraphQLError | None:
    """The first cap `document` breaks, as a coded error; None when it keeps them all."""
    census = _Census()
    visit(document, census)
    if census.repeated_directive is not None:
        message = f"directive @{census.repeated_directive} is repeated at one location"
    elif census.directives > max_directives:
        message = f"{census.directives} directives exceed the maximum of {max_directives}"
    elif census.field_repeats > max_field_repeats:
        message = f"a field repeats {census.field_repeats} times in one selection; the maximum is {max_field_repeats}"
    else:
        return None
    return GraphQLError(message, extensions={"code": "BAD_USER_INPUT"})


class DocumentLimits(SchemaExtension):
    """MAX_DIRECTIVES and MAX_FIELD_REPEATS; a refused document is not validated (strawberry skips validation
    when an extension has set its errors)."""

    def __init__(self, *, max_directives: int, max_field_repeats: int) -> None:
        self.max_directives = max_directives
        self.max_field_repeats = max_field_repeats

    def on_validate(self) -> Iterator[None]:
        document = self.execution_context.graphql_document
        if document is not None and self.execution_context.pre_execution_errors is None:
            error = document_error(
                document, max_directives=self.max_directives, max_field_repeats=self.max_field_repeats
            )
            if error is not None:
                self.execution_context.pre_execution_errors = [error]
        yield
