"""Member, sign-in, role and import calls of `UsersClient` (mixed into it)."""

from __future__ import annotations

from datetime import datetime

from infra.bulk import ImportResult, SourceIdLookup, SourceIdMap
from infra.http import ServiceClient
from infra.paths import community_path, segment
from users_service.schemas.members import (
    Credentials,
    MemberCreate,
    MemberIds,
    MemberImportBatch,
    MemberLookupResult,
    MemberPage,
    MemberRead,
    RoleChange,
)


def _members(community_id: str) -> str:
    return f"{community_path(community_id)}/members"


class MembersClientMixin(ServiceClient):
    async def register_member(self, community_id: str, member_in: MemberCreate) -> MemberRead:
        body = await self._call("POST", _members(community_id), json=member_in.to_wire())
        return MemberRead.model_validate(body)

    async def authenticate(self, community_id: str, credentials: Credentials) -> MemberRead:
        body = await self._call("POST", f"{community_path(community_id)}/sessions", json=credentials.to_wire())
        return MemberRead.model_validate(body)

    async def get_member(self, community_id: str, member_id: str) -> MemberRead:
        body = await self._call("GET", f"{_members(community_id)}/{segment(member_id, field='memberId')}")
        return MemberRead.model_validate(body)

    async def get_member_by_handle(self, community_id: str, handle: str) -> MemberRead:
        path = f"{_members(community_id)}/by-handle/{segment(handle, field='handle')}"
        return MemberRead.model_validate(await self._call("GET", path))

    async def lookup_members(
        self, community_id: str, member_ids: list[str], *, cached: bool = False
    ) -> list[MemberRead | None]:
        """Members in the order asked; None where an id is not a member of this community. `cached=True` (the
        caller behind a request) may describe them as they were up to MEMBER_READ_TTL_SECONDS ago."""
        wire: dict[str, object] = {"ids": member_ids}
        if cached:
            wire["cached"] = True
        path = f"{_members(community_id)}/lookup"
        return (await self._call_model(MemberLookupResult, "POST", path, json=wire)).members

    async def member_page(self, community_id: str, *, first: int, after: str | None = None) -> MemberPage:
        """A keyset page of the community's members, newest joined first; `after` is an earlier page's cursor."""
        params: dict[str, str | int] = {"first": first}
        if after is not None:
            params["after"] = after
        return MemberPage.model_validate(await self._call("GET", f"{_members(community_id)}/page", params=params))

    async def member_ids_joined_since(self, community_id: str, since: datetime) -> list[str]:
        """Ids (sorted) of the community's members who joined at or after `since`."""
        body = await self._call("GET", f"{_members(community_id)}/joined", params={"since": since.isoformat()})
        return MemberIds.model_validate(body).ids

    async def grant_role(self, community_id: str, change: RoleChange) -> MemberRead:
        body = await self._call("POST", f"{community_path(community_id)}/roles/grant", json=change.to_wire())
        return MemberRead.model_validate(body)

    async def revoke_role(self, community_id: str, change: RoleChange) -> MemberRead:
        body = await self._call("POST", f"{community_path(community_id)}/roles/revoke", json=change.to_wire())
        return MemberRead.model_validate(body)

    async def import_members(self, community_id: str, batch: MemberImportBatch) -> ImportResult:
        """Create members from another platform; items in the order sent, each CREATED, SKIPPED or REJECTED."""
        body = await self._call("POST", f"{_members(community_id)}/import", json=batch.to_wire())
        return ImportResult.model_validate(body)

    async def member_ids_by_source(self, community_id: str, source: str, source_ids: list[str]) -> dict[str, str]:
        """Source id -> member id for the members an import of `source` created (at most 1000 ids a call)."""
        lookup = SourceIdLookup(source=source, source_ids=source_ids)
        body = await self._call("POST", f"{_members(community_id)}/by-source", json=lookup.to_wire())
        return SourceIdMap.model_validate(body).ids
