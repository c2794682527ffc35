"""A partner key's secret to the principal it stands for, through users_service, cached briefly.

The cache saves a users call per partner request; it holds keys for `ttl` seconds. A revocation through any gateway
replica bumps a shared generation (Redis, with REDIS_URL): every replica drops its cache on its next partner request,
so a revoked key stops working everywhere at once. Without Redis, other replicas notice within `ttl`.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from infra.errors import UnauthenticatedError
from infra.shared_state import CacheGeneration
from users_service.client import UsersClient

MAX_CACHED = 10_000


@dataclass(frozen=True, slots=True)
class KeyPrincipal:
    """A partner key: acts in one community, within its scopes, in the name of the operator who created it."""

    key_id: str
    community_id: str
    scopes: frozenset[str]
    created_by: str | None


class ApiKeyResolver:
    def __init__(self, users: UsersClient, *, ttl_seconds: float, generation: CacheGeneration | None = None) -> None:
        self.users = users
        self.ttl = ttl_seconds
        # sha256(secret) -> (monotonic expiry, principal or refusal message): no secret is held in memory.
        self._cache: dict[str, tuple[float, KeyPrincipal | str]] = {}
        self.generation = generation
        self._seen_generation = 0

    async def principal(self, secret: str) -> KeyPrincipal:
        """The key's principal; UNAUTHENTICATED (cached too) for an unknown, revoked or expired key."""
        digest = hashlib.sha256(secret.encode()).hexdigest()
        if self.generation is not None:
            current = await self.generation.current()
            if current is not None and current != self._seen_generation:
                self._cache.clear()  # a key was revoked somewhere: read every key afresh
                self._seen_generation = current
        now = time.monotonic()
        cached = self._cache.get(digest)
        if cached is None or cached[0] <= now:
            found, seconds = await self._lookup(secret)
            if len(self._cache) >= MAX_CACHED:
                self._cache.clear()
            cached = self._cache[digest] = (now + seconds, found)
        if isinstance(cached[1], str):
            raise UnauthenticatedError(cached[1])
        return cached[1]

    async def _lookup(self, secret: str) -> tuple[KeyPrincipal | str, float]:
        """What to cache and for how long: never past the key's own expiry."""
        try:
            key = await self.users.authenticate_api_key(secret)
        except UnauthenticatedError as exc:
            return exc.message, self.ttl
        seconds = self.ttl
        if key.expires_at is not None:
            seconds = min(seconds, key.expires_at.timestamp() - time.time())
        scopes = frozenset(scope.value for scope in key.scopes)
        return KeyPrincipal(key.id, key.community_id, scopes, key.created_by), seconds

    async def forget(self, key_id: str) -> None:
        """Drop a revoked key from this replica's cache, and from every other replica's (the shared generation)."""
        self._cache = {d: v for d, v in self._cache.items() if isinstance(v[1], str) or v[1].key_id != key_id}
        if self.generation is not None:
            await self.generation.bump()  # this replica too clears its whole cache at its next partner request
