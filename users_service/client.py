"""`UsersClient`: the only way other services and the gateway reach users_service."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote

from infra.bulk import ImportResult
from infra.http import ServiceClient
from users_service.acquisition.client import AcquisitionClientMixin
from users_service.governance.client import GovernanceClientMixin
from users_service.ltv.client import LtvClientMixin
from users_service.schemas import (
    CommunityCreate,
    CommunityRead,
    Credentials,
    MemberCreate,
    MemberIds,
    MemberImportBatch,
    MemberLookupResult,
    MemberRead,
    RoleChange,
    SpendCreate,
    SpendRead,
    SpendTotal,
)
from users_service.stage.client import StageClientMixin
from users_service.value.client import ValueClientMixin
from users_service.voice.client import VoiceClientMixin


def _base(community_id: str) -> str:
    return f"/communities/{quote(community_id, safe='')}"


class UsersClient(
    ValueClientMixin,
    LtvClientMixin,
    VoiceClientMixin,
    GovernanceClientMixin,
    StageClientMixin,
    AcquisitionClientMixin,
    ServiceClient,
):
    service_name = "users"

    async def create_community(self, community_in: CommunityCreate) -> CommunityRead:
        body = await self._call("POST", "/communities", json=community_in.to_wire())
        return CommunityRead.model_validate(body)

    async def get_community(self, community_id: str) -> CommunityRead:
        return CommunityRead.model_validate(await self._call("GET", f"{_base(community_id)}"))

    async def get_community_by_slug(self, slug: str) -> CommunityRead:
        body = await self._call("GET", f"/communities/by-slug/{quote(slug, safe='')}")
        return CommunityRead.model_validate(body)

    async def register_member(self, community_id: str, member_in: MemberCreate) -> MemberRead:
        body = await self._call("POST", f"{_base(community_id)}/members", json=member_in.to_wire())
        return MemberRead.model_validate(body)

    async def authenticate(self, community_id: str, credentials: Credentials) -> MemberRead:
        body = await self._call("POST", f"{_base(community_id)}/sessions", json=credentials.to_wire())
        return MemberRead.model_validate(body)

    async def get_member(self, community_id: str, member_id: str) -> MemberRead:
        body = await self._call("GET", f"{_base(community_id)}/members/{quote(member_id, safe='')}")
        return MemberRead.model_validate(body)

    async def get_member_by_handle(self, community_id: str, handle: str) -> MemberRead:
        path = f"{_base(community_id)}/members/by-handle/{quote(handle, safe='')}"
        return MemberRead.model_validate(await self._call("GET", path))

    async def lookup_members(self, community_id: str, member_ids: list[str]) -> list[MemberRead | None]:
        """Members in the order asked; None where an id is not a member of this community."""
        body = await self._call("POST", f"{_base(community_id)}/members/lookup", json={"ids": member_ids})
        return MemberLookupResult.model_validate(body).members

    async def member_ids_joined_since(self, community_id: str, since: datetime) -> list[str]:
        """Ids (sorted) of the community's members who joined at or after `since`."""
        body = await self._call("GET", f"{_base(community_id)}/members/joined", params={"since": since.isoformat()})
        return MemberIds.model_validate(body).ids

    async def grant_role(self, community_id: str, change: RoleChange) -> MemberRead:
        body = await self._call("POST", f"{_base(community_id)}/roles/grant", json=change.to_wire())
        return MemberRead.model_validate(body)

    async def revoke_role(self, community_id: str, change: RoleChange) -> MemberRead:
        body = await self._call("POST", f"{_base(community_id)}/roles/revoke", json=change.to_wire())
        return MemberRead.model_validate(body)

    async def record_spend(self, community_id: str, spend_in: SpendCreate) -> SpendRead:
        body = await self._call("POST", f"{_base(community_id)}/acquisition/spend", json=spend_in.to_wire())
        return SpendRead.model_validate(body)

    async def acquisition_spend(
        self, community_id: str, start: datetime | None = None, end: datetime | None = None
    ) -> SpendTotal:
        """Acquisition spend in [start, end): the C of CAC."""
        params = {k: v.isoformat() for k, v in (("start", start), ("end", end)) if v is not None}
        body = await self._call("GET", f"{_base(community_id)}/acquisition/spend", params=params or None)
        return SpendTotal.model_validate(body)

    # Issue 4

    async def import_members(self, community_id: str, batch: MemberImportBatch) -> ImportResult:
        """Create members from another platform; items in the order sent, each CREATED, SKIPPED or REJECTED."""
        body = await self._call("POST", f"{_base(community_id)}/members/import", json=batch.to_wire())
        return ImportResult.model_validate(body)
