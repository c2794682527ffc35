"""Members as a Relay connection: a community's members (all, or the directory's filters), newest joined first."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from gateway.context import Info
from gateway.graphql.arguments import CommunityArg
from gateway.graphql.connections import AFTER_DESCRIPTION, FIRST_DESCRIPTION, PageInfo, check_page
from gateway.graphql.users.enums import AcquisitionChannel, RfmLayer, Tier
from gateway.graphql.users.types import User
from users_service.schemas import MemberDirectoryQuery, MemberFilter, MemberPage


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
        search: Annotated[
            str | None, strawberry.argument(description="A handle prefix or part of the display name (any case).")
        ] = None,
        tier: Annotated[Tier | None, strawberry.argument(description="Only members in this tier.")] = None,
        rfm_layer: Annotated[
            RfmLayer | None, strawberry.argument(description="Only members in this RFM layer (never scored: BASE).")
        ] = None,
        channel: Annotated[
            AcquisitionChannel | None,
            strawberry.argument(description="Only members who signed up through this channel (none recorded: OTHER)."),
        ] = None,
        joined_after: Annotated[
            datetime | None, strawberry.argument(description="Only members who joined at or after this moment.")
        ] = None,
        joined_before: Annotated[
            datetime | None, strawberry.argument(description="Only members who joined before this moment.")
        ] = None,
    ) -> MemberConnection:
        size = check_page(first)
        cid = (await info.context.require_operator(community_id)).community_id
        users = info.context.services.users
        conditions = {
            "search": search,
            "tier": tier,
            "rfm_layer": rfm_layer,
            "channel": channel,
            "joined_after": joined_after,
            "joined_before": joined_before,
        }
        if all(value is None for value in conditions.values()):
            return MemberConnection.from_page(await users.member_page(cid, first=size, after=after))
        where = MemberFilter.model_validate(conditions)
        page = await users.member_directory(cid, MemberDirectoryQuery(first=size, after=after, where=where))
        return MemberConnection.from_page(page)
