"""The content figures of the health indicators: each aggregation runs on an index (SecantusDB's planner) and
counts what it should. Plans only, never timings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bson import ObjectId

from content_service.store.moderation import ModerationStore
from content_service.store.pieces import PiecesStore
from tests.query_plans import plan_probe

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)


async def test_authors_complaints_and_hides_are_counted_on_time_indexes(mongo_uri: str) -> None:
    async with plan_probe(mongo_uri) as probe:
        pieces, moderation = PiecesStore(probe.db), ModerationStore(probe.db)
        await pieces.ensure_indexes()
        await moderation.ensure_indexes()
        community, other = ObjectId(), ObjectId()
        authors = [ObjectId() for _ in range(4)]
        await pieces.content.insert_many(
            [
                {
                    "community_id": community if n % 5 else other,
                    "author_id": authors[n % 4],
                    "kind": "UGC",
                    "status": "PUBLISHED" if n % 3 else "DRAFT",
                    "published_at": NOW - timedelta(days=n),
                }
                for n in range(60)
            ]
        )
        # 3 complaints at 10:xx, 1 at 11:xx, one in the other community; hides of 2 pieces (one hidden twice).
        minutes = [0, 10, 20, 60]
        await moderation.complaints.insert_many(
            [
                {"community_id": community, "created_at": NOW - timedelta(hours=2) + timedelta(minutes=m)}
                for m in minutes
            ]
            + [{"community_id": other, "created_at": NOW - timedelta(hours=1)}]
        )
        hidden = [ObjectId(), ObjectId()]
        await moderation.hides.insert_many(
            [
                {"community_id": community, "content_id": hidden[0], "hidden_at": NOW - timedelta(days=1)},
                {"community_id": community, "content_id": hidden[0], "hidden_at": NOW - timedelta(days=2)},
                {"community_id": community, "content_id": hidden[1], "hidden_at": NOW - timedelta(days=40)},
            ]
        )
        probe.clear()
        since = NOW - timedelta(days=30)
        # Published in the last 30 days, in this community: n in 1..29, n % 5 and n % 3 non-zero → all 4 authors.
        assert await pieces.count_authors_between(community, since, NOW) == 4
        assert sorted(await moderation.complaints_by_hour(community, since, NOW)) == [1, 3]
        assert await moderation.count_hidden_between(community, since, NOW) == 1
        assert await probe.plans() == [
            "IXSCAN community_published_at",
            "IXSCAN community_created",
            "IXSCAN community_hidden",
        ]
