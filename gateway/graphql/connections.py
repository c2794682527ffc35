"""Relay connections shared by every paged list: `pageInfo`, and the page-size check of `first`.

A service pages by keyset and hands out opaque cursors; the gateway only renders `edges { cursor node }`,
`pageInfo { hasNextPage endCursor }` and `totalCount`, so every connection reads the same to a client.
"""

from __future__ import annotations

import strawberry

from gateway.graphql.pagination import check_first

FIRST_DESCRIPTION = "How many items, 1-100 (default 20)."
AFTER_DESCRIPTION = "The `endCursor` of the previous page; omit for the first page."


@strawberry.type(description="Where a page of a connection stands.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="True when another page follows this one.")
    end_cursor: str | None = strawberry.field(
        description="The last edge's cursor, to pass as `after` for the next page; null on an empty page."
    )


def check_page(first: int | None) -> int:
    """`first` of a connection: 20 when omitted, else 1-100 like every list."""
    return check_first(20 if first is None else first)
