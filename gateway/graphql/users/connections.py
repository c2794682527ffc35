"""Members as a Relay connection: every member of a community, newest joined first, past item 100."""

from __future__ import annotations

from typing import Annotated

import strawberry

from gateway.context import Info
from gateway.graphql.arguments import CommunityArg
from gateway.graphql.connections import AFTER_DESCRIPTION, FIRST_DESCRIPTION, PageInfo, check_page
from gateway.graphql.users.types import User
from users_service.schemas import MemberPage


@strawberry.type(description="A member and their position in the connection.")
class MemberEdge:
    cursor: str = strawberry.field(description="Opaque and stable: pass it as `after` to read on from here.")
    node: User = strawberry.field(description="The member.")


@strawberry.type(description="A community's members, a page at a time; cursors stay valid while members join.")
class MemberConnection:
    edges: list[MemberEdge] = strawberry.field(description="This page's members, newest joined first.")
    page_info: PageInfo = strawberry.field(description="Whether more follows, and the cursor to read it.")
    total_count: int = strawberry.field(description="Every member of the community, on all pages.")

    @staticmethod
    def from_page(page: MemberPage) -> MemberConnection:
        return MemberConnection(
            edges=[MemberEdge(cursor=e.cursor, node=User.from_read(e.node)) for e in page.edges],
            page_info=PageInfo(has_next_page=page.has_next_page, end_cursor=page.end_cursor),
            total_count=page.total_count,
        )


@strawberry.type
class MemberConnectionQuery:
    @strawberry.field(
        description="Operators (or an API key with members:read): every member, newest joined first, with cursors."
    )
    async def members_connection(
        self,
        info: Info,
        first: Annotated[int | None, strawberry.argument(description=FIRST_DESCRIPTION)] = None,
        after: Annotated[str | None, strawberry.argument(description=AFTER_DESCRIPTION)] = None,
        community_id: Annotated[strawberry.ID | None, CommunityArg] = None,
    ) -> MemberConnection:
        size = check_page(first)
        cid = (await info.context.require_operator(community_id)).community_id
        page = await info.context.services.users.member_page(cid, first=size, after=after)
        return MemberConnection.from_page(page)
