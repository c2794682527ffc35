"""Content as a Relay connection: every published piece of the caller's community, newest first, past item 100."""

from __future__ import annotations

from typing import Annotated

import strawberry

from content_service.schemas import ContentPage
from gateway.context import Info
from gateway.graphql.connections import AFTER_DESCRIPTION, FIRST_DESCRIPTION, PageInfo, check_page
from gateway.graphql.content.types import Content


@strawberry.type(description="A published piece and its position in the connection.")
class ContentEdge:
    cursor: str = strawberry.field(description="Opaque and stable: pass it as `after` to read on from here.")
    node: Content = strawberry.field(description="The piece.")


@strawberry.type(description="Published content, a page at a time; cursors stay valid while new pieces publish.")
class ContentConnection:
    edges: list[ContentEdge] = strawberry.field(description="This page's pieces, newest first.")
    page_info: PageInfo = strawberry.field(description="Whether more follows, and the cursor to read it.")
    total_count: int = strawberry.field(description="Every published piece the connection covers, on all pages.")

    @staticmethod
    def from_page(page: ContentPage) -> ContentConnection:
        return ContentConnection(
            edges=[ContentEdge(cursor=e.cursor, node=Content.from_read(e.node)) for e in page.edges],
            page_info=PageInfo(has_next_page=page.has_next_page, end_cursor=page.end_cursor),
            total_count=page.total_count,
        )


@strawberry.type
class ContentConnectionQuery:
    @strawberry.field(
        description=(
            "Every published piece of the caller's community (answers included), newest first, "
            "with opaque cursors; the community is the caller's token's or API key's (scope content:read)."
        )
    )
    async def content_connection(
        self,
        info: Info,
        first: Annotated[int | None, strawberry.argument(description=FIRST_DESCRIPTION)] = None,
        after: Annotated[str | None, strawberry.argument(description=AFTER_DESCRIPTION)] = None,
        tag: Annotated[str | None, strawberry.argument(description="Only pieces carrying this tag.")] = None,
    ) -> ContentConnection:
        size = check_page(first)
        cid = await info.context.reader_community(None)
        page = await info.context.services.content.published_page(
            cid, first=size, after=after, tag=tag, viewer=info.context.content_viewer
        )
        return ContentConnection.from_page(page)
