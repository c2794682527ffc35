"""Helpers shared by the content modules of the schema."""

from __future__ import annotations

import strawberry

from gateway.context import Info
from infra.errors import ForbiddenError
from users_service.schemas import MemberRead


async def operator_member(info: Info) -> MemberRead:
    """The calling member, who must hold OPERATOR: operator writes are audited under a member's name."""
    member = await info.context.require_member()
    if "OPERATOR" not in member.roles:
        raise ForbiddenError("this operation needs the OPERATOR role")
    return member


async def operator_scope(info: Info, community_id: strawberry.ID | None) -> str:
    return await info.context.operator_community(str(community_id) if community_id else None)


CommunityArg = strawberry.argument(description="Required with the admin key; an operator's token implies it.")
