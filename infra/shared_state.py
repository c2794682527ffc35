"""What replicas must share: budgets' counters and cache generations, in Redis when `REDIS_URL` is set.

Unset, each process keeps its own (the embedded default: one process per role, nothing to share). Keys carry the
`DB_PREFIX`, so deployments (and tests) sharing one Redis do not mix.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, cast

from limits import RateLimitItem, WindowStats
from limits.aio.storage import MemoryStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.errors import StorageError
from limits.storage import storage_from_string

from infra.logging import get_logger
from infra.settings import Settings

if TYPE_CHECKING:
    import redis.asyncio as aioredis

log = get_logger(__name__)


def redis_client(url: str) -> aioredis.Redis:
    """A client (with its own connection pool) of the Redis at `url`; close it with `aclose()`.

    redis is imported here, not at the top: a process without REDIS_URL never pays for the import."""
    import redis.asyncio as aioredis

    return aioredis.Redis.from_url(url, socket_timeout=2.0, socket_connect_timeout=2.0)


def key_prefix(settings: Settings) -> str:
    return f"{settings.db_prefix}:"


class SharedState:
    """One process's way to what replicas share: one Redis connection pool for every budget and generation."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._pool: aioredis.ConnectionPool | None = None
        if settings.redis_url:
            import redis.asyncio as aioredis

            self._pool = aioredis.ConnectionPool.from_url(
                settings.redis_url, socket_timeout=2.0, socket_connect_timeout=2.0
            )

    @property
    def shared(self) -> bool:
        return self._pool is not None

    def limits_storage(self) -> Storage:
        """The `limits` storage of moving windows: Redis's (one budget for every replica) or this process's memory."""
        if self._pool is None or not self.settings.redis_url:
            return MemoryStorage()
        options: dict[str, Any] = {"connection_pool": self._pool}  # one pool for every budget of the process
        storage = storage_from_string(
            f"async+{self.settings.redis_url}",
            implementation="redispy",
            key_prefix=f"{key_prefix(self.settings)}limits",
            wrap_exceptions=True,  # a Redis failure is one StorageError, which BudgetLimiter turns into "allowed"
            **options,
        )
        return cast(Storage, storage)

    def generation(self, name: str) -> CacheGeneration:
        client = None
        if self._pool is not None:
            import redis.asyncio as aioredis

            client = aioredis.Redis(connection_pool=self._pool)
        return CacheGeneration(f"{key_prefix(self.settings)}generation:{name}", client)

    async def aclose(self) -> None:
        if self._pool is not None:
            await self._pool.disconnect()


class CacheGeneration:
    """A number every replica reads before it trusts its cache; bumping it drops every replica's copy at once.

    One GET a read, no subscriber loop: a replica that missed nothing pays one round trip, one that restarted has
    nothing to drop. Without Redis the number lives in this process (the caches it guards are this process's).
    """

    def __init__(self, key: str, client: aioredis.Redis | None) -> None:
        self.key = key
        self._redis = client
        self._local = 0

    async def current(self) -> int | None:
        """The generation; None while Redis is unreachable (keep the cache: it still expires by its own TTL)."""
        if self._redis is None:
            return self._local
        from redis import RedisError  # imported already: this object holds a client

        try:
            value = await self._redis.get(self.key)
        except RedisError as exc:
            log.warning("shared_generation_unreachable", key=self.key, error=str(exc)[:200])
            return None
        return int(value or 0)

    async def bump(self) -> None:
        if self._redis is None:
            self._local += 1
            return
        from redis import RedisError

        try:
            await self._redis.incr(self.key)
        except RedisError as exc:
            log.warning("shared_generation_unreachable", key=self.key, error=str(exc)[:200])


class BudgetLimiter:
    """Moving-window budgets that fail open: while their Redis is unreachable a request is allowed (and logged), so
    an outage of the shared counters never takes the API down with it; the per-request cost maximum still holds."""

    def __init__(self, storage: Storage | None = None) -> None:
        self._limiter = MovingWindowRateLimiter(storage or MemoryStorage())

    async def hit(self, item: RateLimitItem, *identifiers: str, cost: int = 1) -> bool:
        try:
            return await self._limiter.hit(item, *identifiers, cost=cost)
        except StorageError as exc:
            _unreachable(exc)
            return True

    async def test(self, item: RateLimitItem, *identifiers: str, cost: int = 1) -> bool:
        try:
            return await self._limiter.test(item, *identifiers, cost=cost)
        except StorageError as exc:
            _unreachable(exc)
            return True

    async def get_window_stats(self, item: RateLimitItem, *identifiers: str) -> WindowStats:
        try:
            return await self._limiter.get_window_stats(item, *identifiers)
        except StorageError as exc:
            _unreachable(exc)
            return WindowStats(reset_time=time.time() + item.get_expiry(), remaining=item.amount)


def _unreachable(exc: StorageError) -> None:
    log.warning("shared_budgets_unreachable", error=str(exc.storage_error)[:200])
