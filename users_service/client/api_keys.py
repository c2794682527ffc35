"""Partner API key calls of `UsersClient` (mixed into it)."""

from __future__ import annotations

from infra.http import ServiceClient
from infra.paths import community_path, segment
from users_service.schemas.api_keys import (
    ApiKeyAuthenticate,
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyList,
    ApiKeyRead,
    ApiKeyRevoke,
)


def _keys(community_id: str) -> str:
    return f"{community_path(community_id)}/api-keys"


class ApiKeysClientMixin(ServiceClient):
    async def create_api_key(self, community_id: str, key_in: ApiKeyCreate) -> ApiKeyCreated:
        body = await self._call("POST", _keys(community_id), json=key_in.to_wire())
        return ApiKeyCreated.model_validate(body)

    async def list_api_keys(self, community_id: str, *, acting_community_id: str, limit: int = 100) -> list[ApiKeyRead]:
        params = {"actingCommunityId": acting_community_id, "limit": limit}
        return ApiKeyList.model_validate(await self._call("GET", _keys(community_id), params=params)).api_keys

    async def revoke_api_key(self, community_id: str, key_id: str, *, acting_community_id: str) -> ApiKeyRead:
        path = f"{_keys(community_id)}/{segment(key_id, field='id')}/revoke"
        body = ApiKeyRevoke(acting_community_id=acting_community_id).to_wire()
        return ApiKeyRead.model_validate(await self._call("POST", path, json=body))

    async def authenticate_api_key(self, secret: str) -> ApiKeyRead:
        """The live key of this secret; UNAUTHENTICATED when it is unknown, revoked or expired."""
        body = await self._call("POST", "/api-keys/authenticate", json=ApiKeyAuthenticate(secret=secret).to_wire())
        return ApiKeyRead.model_validate(body)
