"""Members: registration, authentication, roles and lookups, all within one community."""

from __future__ import annotations

from datetime import datetime

from bson import ObjectId

from infra.errors import BadInputError, NotFoundError, RateLimitedError, UnauthenticatedError
from infra.keyset import page_cursors, page_request
from users_service.domain import passwords
from users_service.domain.roles import Role, with_role, without_role
from users_service.domain.tiers import initial_tier
from users_service.schemas.members import (
    Credentials,
    MemberCreate,
    MemberEdge,
    MemberFilter,
    MemberIds,
    MemberPage,
    MemberRead,
    PublicProfile,
    RoleChange,
)
from users_service.service.communities import CommunitiesService
from users_service.service.webhook_events import WebhookEvents, member_joined
from users_service.store.base import Session
from users_service.store.login_failures import LoginFailuresStore
from users_service.store.members import MembersStore, directory_match

BAD_CREDENTIALS = "invalid handle or password"
LOCKED_OUT = "too many failed logins for this handle; try again later"
# A handle under attack from many addresses is still refused, at this multiple of the per-address limit.
GLOBAL_FAILURE_FACTOR = 10


class MemberNotFound(NotFoundError):
    """No member with this id or handle in the community."""


class MembersService:
    def __init__(
        self,
        store: MembersStore,
        login_failures: LoginFailuresStore,
        communities: CommunitiesService,
        *,
        login_max_failures: int,
        events: WebhookEvents | None = None,
    ) -> None:
        self.store = store
        self.login_failures = login_failures
        self.communities = communities
        self.login_max_failures = login_max_failures
        self.events = events  # member.joined, when some endpoint takes it

    async def register(self, community_id: ObjectId, member_in: MemberCreate) -> MemberRead:
        await self.communities.get_or_raise(community_id)
        password_hash = await passwords.hash_password(member_in.password) if member_in.password else None

        async def create(session: Session | None = None) -> MemberRead:
            return await self.store.create(
                community_id=community_id,
                handle=member_in.handle,
                display_name=member_in.display_name,
                password_hash=password_hash,
                roles=[Role.MEMBER],
                tier=initial_tier(),
                channel=member_in.channel.value if member_in.channel else None,
                session=session,
            )

        if self.events is None or not await self.events.wanted(community_id, "member.joined"):
            return await create()
        return await self.events.write(create, lambda member: [member_joined(community_id, member)])

    async def authenticate(self, community_id: ObjectId, credentials: Credentials) -> MemberRead:
        """The member whose handle and password match; every failure looks the same to the caller.

        The attempt is recorded before the password is checked and the limit is checked on both sides of the
        check, so a burst of guesses cannot outrun its own failures. Unknown handles are checked against a dummy
        hash: a wrong password and an unknown handle cost the same time. `credentials.address` is the one the
        gateway saw on its socket; only callers holding the internal token can reach this.
        """
        attempt = await self.login_failures.reserve(community_id, credentials.handle, credentials.address)
        if await self._locked_out(community_id, credentials):
            await self.login_failures.mark_failed(community_id, attempt)
            raise RateLimitedError(LOCKED_OUT)
        member, password_hash = await self.store.get_with_password_hash(community_id, credentials.handle)
        matches = await passwords.verify_password(password_hash, credentials.password)
        if member is None or not matches:
            await self.login_failures.mark_failed(community_id, attempt)
            raise UnauthenticatedError(BAD_CREDENTIALS)
        if await self._locked_out(community_id, credentials):
            # Guesses that arrived while this one was being checked count too.
            await self.login_failures.mark_failed(community_id, attempt)
            raise RateLimitedError(LOCKED_OUT)
        await self.login_failures.clear(community_id, credentials.handle)
        return member

    async def _locked_out(self, community_id: ObjectId, credentials: Credentials) -> bool:
        """Over `login_max_failures` attempts (this one included) from this address, or ten times as many overall.

        Counting per address keeps a stranger elsewhere from locking the member out on purpose; the overall
        bound stops a guesser who spreads over addresses.
        """
        handle = credentials.handle
        from_here = await self.login_failures.count_recent(community_id, handle, address=credentials.address)
        if from_here > self.login_max_failures:
            return True
        everywhere = await self.login_failures.count_recent(community_id, handle, all_addresses=True)
        return everywhere > self.login_max_failures * GLOBAL_FAILURE_FACTOR

    async def get_or_raise(self, community_id: ObjectId, member_id: ObjectId, *, field: str = "memberId") -> MemberRead:
        """The member, or NOT_FOUND naming `field` (memberId, authorId, expertId...)."""
        member = await self.store.get(community_id, member_id)
        if member is None:
            raise MemberNotFound(f"no member with id {member_id} in this community", field=field)
        return member

    async def get_by_handle_or_raise(self, community_id: ObjectId, handle: str) -> MemberRead:
        member = await self.store.get_by_handle(community_id, handle)
        if member is None:
            raise MemberNotFound(f"no member with handle {handle!r} in this community", field="handle")
        return member

    async def page(
        self, community_id: ObjectId, *, first: int, after: str | None, where: MemberFilter | None = None
    ) -> MemberPage:
        """The community's members (those `where` selects), newest joined first, `first` at a time after the cursor
        `after`; `totalCount` counts every member the filter selects."""
        limit, position = page_request(first, after)
        if where and where.joined_after and where.joined_before and where.joined_after >= where.joined_before:
            raise BadInputError("joinedAfter must be before joinedBefore", field="joinedAfter")
        match = directory_match(where) if where else {}
        found = await self.store.list_page(community_id, after=position, limit=limit, where=match)
        marks, has_next = page_cursors([(m.joined_at, m.id) for m in found], first)
        return MemberPage(
            edges=[MemberEdge(cursor=mark, node=m) for mark, m in zip(marks, found, strict=False)],
            has_next_page=has_next,
            end_cursor=marks[-1] if marks else None,
            total_count=await self.store.count(community_id, match),
        )

    async def public_profile(self, community_id: ObjectId, handle: str) -> PublicProfile:
        """What any member may see of another member of their community."""
        member = await self.get_by_handle_or_raise(community_id, handle)
        return PublicProfile(
            id=member.id,
            handle=member.handle,
            display_name=member.display_name,
            roles=member.roles,
            tier=member.tier,
            joined_at=member.joined_at,
        )

    async def lookup(
        self, community_id: ObjectId, member_ids: list[str], *, cached: bool = False
    ) -> list[MemberRead | None]:
        """Members in the order asked; `cached=True` (the caller behind a request) may describe them as they were up
        to MEMBER_READ_TTL_SECONDS ago; a change through this process applies at once."""
        found = await self.store.list_by_ids(
            community_id, [ObjectId(i) for i in dict.fromkeys(member_ids)], kept=cached
        )
        return [found.get(i) for i in member_ids]

    async def ids_joined_since(self, community_id: ObjectId, since: datetime) -> MemberIds:
        """Ids of the community's members who joined at or after `since` (for other services' batch jobs)."""
        return MemberIds(ids=await self.store.list_ids_joined_since(community_id, since))

    async def grant_role(self, community_id: ObjectId, change: RoleChange) -> MemberRead:
        return await self._change_role(community_id, change, grant=True)

    async def revoke_role(self, community_id: ObjectId, change: RoleChange) -> MemberRead:
        return await self._change_role(community_id, change, grant=False)

    async def _change_role(self, community_id: ObjectId, change: RoleChange, *, grant: bool) -> MemberRead:
        member = await self.get_by_handle_or_raise(community_id, change.handle)
        roles = with_role(member.roles, change.role) if grant else without_role(member.roles, change.role)
        updated = await self.store.set_roles(community_id, ObjectId(member.id), roles)
        if updated is None:
            raise MemberNotFound(f"no member with handle {change.handle!r} in this community", field="handle")
        return updated
