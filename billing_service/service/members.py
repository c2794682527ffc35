"""Member ids an operator names in a money mutation (creators, an invoice's member) must be members of the
community: one batched lookup in users_service before anything is written."""

from __future__ import annotations

from bson import ObjectId

from infra.errors import NotFoundError, ServiceError, UnavailableError
from users_service.client import UsersClient

MEMBER_NOT_FOUND = "no member with this id in this community"


class MemberCheck:
    def __init__(self, users: UsersClient | None) -> None:
        self.users = users

    async def require(self, cid: ObjectId, ids: list[str], *, field: str) -> None:
        """NOT_FOUND on `field` unless every id is a member of `cid`. Without users_service wired in, refuse:
        a money write must never name someone it could not check."""
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return
        if self.users is None:
            raise UnavailableError("members cannot be checked: users_service is not available", field=field)
        found = await self.users.lookup_members(str(cid), wanted)
        if any(member is None for member in found):
            raise NotFoundError(MEMBER_NOT_FOUND, field=field)

    async def display_name(self, cid: ObjectId, member_id: str) -> str | None:
        """ "Name (@handle)" of a member, for documents; None when users_service cannot say."""
        if self.users is None:
            return None
        try:
            (member,) = await self.users.lookup_members(str(cid), [member_id])
        except ServiceError:
            return None
        return f"{member.display_name} (@{member.handle})" if member else None
