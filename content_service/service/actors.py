"""Who acts: the one place content_service reads a member's id, roles and tier from users_service.

Operator-only operations are checked by the gateway, not here; this serves the rules that depend on who acts
(an author or an operator may edit, operators read hidden content, PGC needs the EXPERT role) and the checks
that a member exists in the community (users_service answers NOT_FOUND otherwise).
"""

from __future__ import annotations

from dataclasses import dataclass

from bson import ObjectId

from users_service.client import UsersClient

OPERATOR = "OPERATOR"
LOOKUP_CHUNK = 500


@dataclass(frozen=True)
class Actor:
    id: str
    roles: tuple[str, ...]
    tier: str
    rfm_layer: str = "BASE"

    @property
    def is_operator(self) -> bool:
        return OPERATOR in self.roles


class Actors:
    def __init__(self, users: UsersClient) -> None:
        self.users = users

    async def get(self, community_id: ObjectId, member_id: str) -> Actor:
        member = await self.users.get_member(str(community_id), member_id)
        return Actor(
            id=member.id,
            roles=tuple(r.value for r in member.roles),
            tier=member.tier.value,
            rfm_layer=member.rfm_layer.value,
        )

    async def roles_of(self, community_id: ObjectId, member_ids: list[str]) -> dict[str, tuple[str, ...]]:
        """Roles of those of `member_ids` who are members of the community (absent: not a member), in chunks."""
        roles: dict[str, tuple[str, ...]] = {}
        for start in range(0, len(member_ids), LOOKUP_CHUNK):
            chunk = member_ids[start : start + LOOKUP_CHUNK]
            for member_id, member in zip(chunk, await self.users.lookup_members(str(community_id), chunk), strict=True):
                if member is not None:
                    roles[member_id] = tuple(r.value for r in member.roles)
        return roles
