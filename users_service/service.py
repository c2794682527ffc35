"""users_service's rules: registration, authentication, roles, all within one community."""

from __future__ import annotations

from datetime import datetime

from bson import ObjectId

from infra.errors import NotFoundError, RateLimitedError, UnauthenticatedError
from infra.schemas import object_id
from users_service.domain import passwords
from users_service.domain.roles import Role, with_role, without_role
from users_service.domain.tiers import initial_tier
from users_service.schemas import (
    CommunityCreate,
    CommunityRead,
    Credentials,
    MemberCreate,
    MemberIds,
    MemberRead,
    RoleChange,
    SpendCreate,
    SpendRead,
    SpendTotal,
)
from users_service.store import UsersStore

BAD_CREDENTIALS = "invalid handle or password"
# A handle under attack from many addresses is still refused, at this multiple of the per-address limit.
GLOBAL_FAILURE_FACTOR = 10


class UsersService:
    def __init__(self, store: UsersStore, *, login_max_failures: int) -> None:
        self.store = store
        self.login_max_failures = login_max_failures

    async def create_community(self, community_in: CommunityCreate) -> CommunityRead:
        parent_id = None
        if community_in.parent_id:
            parent = await self.get_community_or_raise(community_in.parent_id, field="parentId")
            parent_id = ObjectId(parent.id)
        return await self.store.create_community(
            slug=community_in.slug, name=community_in.name, timezone=community_in.timezone, parent_id=parent_id
        )

    async def get_community_or_raise(self, community_id: str, *, field: str = "communityId") -> CommunityRead:
        community = await self.store.get_community(object_id(community_id, field=field))
        if community is None:
            raise NotFoundError(f"no community with id {community_id}", field=field)
        return community

    async def get_community_by_slug_or_raise(self, slug: str) -> CommunityRead:
        community = await self.store.get_community_by_slug(slug.strip().lower())
        if community is None:
            raise NotFoundError(f"no community with slug {slug!r}", field="slug")
        return community

    async def register(self, community_id: str, member_in: MemberCreate) -> MemberRead:
        community = await self.get_community_or_raise(community_id)
        password_hash = await passwords.hash_password(member_in.password) if member_in.password else None
        return await self.store.create_member(
            community_id=ObjectId(community.id),
            handle=member_in.handle,
            display_name=member_in.display_name,
            password_hash=password_hash,
            roles=[Role.MEMBER],
            tier=initial_tier(),
            channel=member_in.channel.value if member_in.channel else None,
        )

    async def authenticate(self, community_id: str, credentials: Credentials) -> MemberRead:
        """The member whose handle and password match; every failure looks the same to the caller."""
        cid = object_id(community_id, field="communityId")
        if await self._locked_out(cid, credentials):
            raise RateLimitedError("too many failed logins for this handle; try again later")
        member, password_hash = await self.store.get_password_hash(cid, credentials.handle)
        if member is None or not await passwords.verify_password(password_hash, credentials.password):
            await self.store.record_login_failure(cid, credentials.handle, credentials.address)
            raise UnauthenticatedError(BAD_CREDENTIALS)
        await self.store.clear_login_failures(cid, credentials.handle)
        return member

    async def _locked_out(self, cid: ObjectId, credentials: Credentials) -> bool:
        """Refused after `login_max_failures` from this address, or ten times as many from anywhere."""
        from_here = await self.store.count_recent_login_failures(cid, credentials.handle, address=credentials.address)
        if from_here >= self.login_max_failures:
            return True
        everywhere = await self.store.count_recent_login_failures(cid, credentials.handle, all_addresses=True)
        return everywhere >= self.login_max_failures * GLOBAL_FAILURE_FACTOR

    async def get_member_or_raise(self, community_id: str, member_id: str) -> MemberRead:
        cid = object_id(community_id, field="communityId")
        member = await self.store.get_member(cid, object_id(member_id, field="memberId"))
        if member is None:
            raise NotFoundError(f"no member with id {member_id} in this community", field="memberId")
        return member

    async def get_member_by_handle_or_raise(self, community_id: str, handle: str) -> MemberRead:
        member = await self.store.get_member_by_handle(object_id(community_id, field="communityId"), handle)
        if member is None:
            raise NotFoundError(f"no member with handle {handle!r} in this community", field="handle")
        return member

    async def lookup_members(self, community_id: str, member_ids: list[str]) -> list[MemberRead | None]:
        cid = object_id(community_id, field="communityId")
        found = await self.store.list_members_by_ids(cid, [ObjectId(i) for i in dict.fromkeys(member_ids)])
        return [found.get(i) for i in member_ids]

    async def member_ids_joined_since(self, community_id: str, since: datetime) -> MemberIds:
        """Ids of the community's members who joined at or after `since` (for other services' batch jobs)."""
        cid = object_id(community_id, field="communityId")
        return MemberIds(ids=await self.store.list_member_ids_joined_since(cid, since))

    async def grant_role(self, community_id: str, change: RoleChange) -> MemberRead:
        return await self._change_role(community_id, change, grant=True)

    async def revoke_role(self, community_id: str, change: RoleChange) -> MemberRead:
        return await self._change_role(community_id, change, grant=False)

    async def _change_role(self, community_id: str, change: RoleChange, *, grant: bool) -> MemberRead:
        member = await self.get_member_by_handle_or_raise(community_id, change.handle)
        roles = with_role(member.roles, change.role) if grant else without_role(member.roles, change.role)
        updated = await self.store.set_roles(ObjectId(community_id), ObjectId(member.id), roles)
        if updated is None:
            raise NotFoundError(f"no member with handle {change.handle!r} in this community", field="handle")
        return updated

    async def record_spend(self, community_id: str, spend_in: SpendCreate) -> SpendRead:
        community = await self.get_community_or_raise(community_id)
        return await self.store.create_spend(ObjectId(community.id), spend_in.model_dump())

    async def acquisition_spend(self, community_id: str, start: datetime | None, end: datetime | None) -> SpendTotal:
        return await self.store.sum_spend(object_id(community_id, field="communityId"), start, end)
