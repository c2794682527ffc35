"""Group commit: concurrent writers share journal barriers, and none returns on a barrier older than its call."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from pymongo import AsyncMongoClient

from infra import mongo
from infra.mongo import BARRIER_COLLECTION, JournalBarrier


async def barrier_writes(db: Any) -> int:
    doc = await db[BARRIER_COLLECTION].find_one({"_id": "barrier"})
    return 0 if doc is None else int(doc["n"])


async def test_concurrent_writers_share_barriers_and_each_waits_for_one_started_after_its_call(
    mongo_uri: str, monkeypatch: Any
) -> None:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(mongo_uri)
    db = client[f"barrier{uuid.uuid4().hex[:8]}"]
    started: list[int] = []
    finished: list[int] = []
    real = mongo.journal_barrier

    async def counted(database: Any) -> None:
        number = len(started)
        started.append(number)
        await real(database)
        finished.append(number)

    monkeypatch.setattr(mongo, "journal_barrier", counted)
    barrier = JournalBarrier(db)

    async def writer() -> bool:
        before = len(started)  # barriers started before this call cannot cover its commit
        await barrier.wait()
        return any(number >= before for number in finished)

    try:
        covered = await asyncio.gather(*(writer() for _ in range(40)))
        # then: 40 writers, a handful of barrier writes; each returned after a barrier that began after its call
        assert 1 <= len(started) <= 3
        assert all(covered)
        assert await barrier_writes(db) == len(started)
        # when idle again: a barrier of its own
        await barrier.wait()
        assert await barrier_writes(db) == len(started) == len(finished)
    finally:
        await client.drop_database(db.name)
        await client.close()
