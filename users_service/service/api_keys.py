"""Partner API keys: who may manage a community's keys, and what makes a presented secret valid."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bson import ObjectId

from infra.errors import BadInputError, ForbiddenError, NotFoundError, UnauthenticatedError
from users_service.domain.api_keys import SHOWN_CHARS, hash_secret, looks_like_key, new_secret
from users_service.schemas.api_keys import ApiKeyCreate, ApiKeyCreated, ApiKeyRead
from users_service.service.communities import CommunitiesService
from users_service.store.api_keys import ApiKeysStore

# lastUsedAt is written at most this often per key: the gateway caches keys, a partner may call many times a second.
TOUCH_EVERY = timedelta(minutes=1)


class ApiKeyNotFound(NotFoundError):
    """No key with this id in this community."""


class ApiKeysService:
    def __init__(self, store: ApiKeysStore, communities: CommunitiesService) -> None:
        self.store = store
        self.communities = communities

    async def _check_manager(self, community_id: ObjectId, acting_community_id: ObjectId) -> None:
        """An operator manages their own community's keys and those of its sub-communities, no other."""
        community = await self.communities.get_or_raise(community_id)
        if community_id == acting_community_id or community.parent_id == str(acting_community_id):
            return
        raise ForbiddenError(
            "an operator manages API keys of their own community and its sub-communities only", field="communityId"
        )

    async def create(self, community_id: ObjectId, key_in: ApiKeyCreate) -> ApiKeyCreated:
        await self._check_manager(community_id, ObjectId(key_in.acting_community_id))
        if key_in.expires_at is not None and key_in.expires_at <= datetime.now(UTC):
            raise BadInputError("expiresAt must be in the future", field="expiresAt")
        secret = new_secret()
        key = await self.store.create(
            community_id,
            name=key_in.name,
            scopes=sorted(set(key_in.scopes)),
            expires_at=key_in.expires_at,
            secret_hash=hash_secret(secret),
            prefix=secret[:SHOWN_CHARS],
            created_by=ObjectId(key_in.created_by) if key_in.created_by else None,
        )
        return ApiKeyCreated(api_key=key, secret=secret)

    async def list_(self, community_id: ObjectId, acting_community_id: ObjectId, *, limit: int) -> list[ApiKeyRead]:
        await self._check_manager(community_id, acting_community_id)
        return await self.store.list_for_community(community_id, limit=limit)

    async def revoke(self, community_id: ObjectId, key_id: ObjectId, acting_community_id: ObjectId) -> ApiKeyRead:
        await self._check_manager(community_id, acting_community_id)
        key = await self.store.revoke(community_id, key_id)
        if key is None:
            raise ApiKeyNotFound(f"no API key with id {key_id} in this community", field="id")
        return key

    async def authenticate(self, secret: str) -> ApiKeyRead:
        """The live key this secret belongs to, its use recorded; UNAUTHENTICATED for any other secret."""
        if not looks_like_key(secret):
            raise UnauthenticatedError("API key is invalid")
        key = await self.store.get_by_hash(hash_secret(secret))
        if key is None:
            raise UnauthenticatedError("API key is invalid")
        now = datetime.now(UTC)
        if key.revoked_at is not None:
            raise UnauthenticatedError("API key has been revoked")
        if key.expires_at is not None and key.expires_at <= now:
            raise UnauthenticatedError("API key has expired")
        if key.last_used_at is None or now - key.last_used_at >= TOUCH_EVERY:
            key = await self.store.touch(ObjectId(key.community_id), ObjectId(key.id), now) or key
        return key
