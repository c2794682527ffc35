"""A keyset page of published content on the wire: items with their cursors, whether more follow, the total."""

from __future__ import annotations

from content_service.schemas.content import ContentRead
from infra.keyset import MAX_PAGE
from infra.schemas import ApiModel

__all__ = ["MAX_PAGE", "ContentEdge", "ContentPage"]


class ContentEdge(ApiModel):
    cursor: str
    node: ContentRead


class ContentPage(ApiModel):
    """`endCursor` is the last edge's cursor (null on an empty page); `totalCount` counts every matching piece."""

    edges: list[ContentEdge]
    has_next_page: bool
    end_cursor: str | None
    total_count: int
