"""The caller behind each request is read by the `_id` index on the real server (SecantusDB's planner), whatever
the size of the community: a member not kept (MEMBER_READ_TTL_SECONDS) cost a scan of the collection when the
community was asked beside `_id`. Plans only, never timings (tests/query_plans.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from bson import ObjectId

from tests.query_plans import plan_probe
from users_service.store.members import MembersStore


async def test_members_by_id_use_the_id_index_and_keep_the_community(mongo_uri: str) -> None:
    async with plan_probe(mongo_uri) as probe:
        store = MembersStore(probe.db)
        await store.ensure_indexes()
        ours, theirs = ObjectId(), ObjectId()
        now = datetime.now(UTC)
        ids = [ObjectId() for _ in range(300)]
        docs = [
            {
                "_id": ids[n],
                "community_id": ours if n % 3 else theirs,
                "handle": f"m{n}",
                "handle_key": f"m{n}",
                "display_name": "M",
                "roles": [],
                "tier": "NEW",
                "joined_at": now,
            }
            for n in range(300)
        ]
        await store.members.insert_many(docs)
        probe.clear()
        found = await store.list_by_ids(ours, ids[:6])
        assert await probe.plans() == ["IXSCAN _id_"]
        assert sorted(found) == sorted(str(ids[n]) for n in range(6) if n % 3)
