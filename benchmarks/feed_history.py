"""A member's feed latency against the length of their history: `python -m benchmarks.feed_history`.

    python -m benchmarks.feed_history [--items 300] [--repeat 30] [--cold]

Three members of one community with 0, 1,000 and 10,000 engagement events (stored directly in distribution's
`events`, spread over the last 60 days, on the community's items, and their member_recent document built as the
ingest worker leaves it); `feed(first: 10)` through the gateway, in-process, medians over --repeat after warm-up,
the three members' feeds taken in turn. Goal: the 10,000-event member within 1.2x of the one with none (a feed reads
the member's last RANKING_HISTORY_LIMIT engagements, whatever their history). Rate limits are raised
(benchmarks.common), and the newest items are cached as in production (RANKING_POOL_TTL_SECONDS=5).

A member's repeated feeds reuse their state while their member_recent document is unchanged (the document decoded
once per content, their engagements, profile and text cosines with the pool kept). `--cold` forgets all of it before
every feed: each feed then pays what a member's first feed after an engagement pays (their document, engagements and
text cosines made afresh; the items' facts, the pool and the server's caches stay warm).
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from bson import ObjectId

from benchmarks.common import median_ms, print_summary, scratch_settings
from content_service.schemas import ContentCreate
from gateway.app import create_app
from infra.settings import Settings
from users_service.schemas import CommunityCreate, MemberCreate

FEED = "{ feed(slot: MORNING, scene: BEFORE_DECISION, first: 10) { items { score content { id } } } }"
HISTORIES = (0, 1_000, 10_000)
WARMUP = 3
BATCH = 2_000


async def community_with_histories(app: Any, settings: Settings, items: int, sizes: Sequence[int]) -> list[str]:
    """A community of `items` items by 20 authors and one member per size in `sizes` with that many engagement
    events (stored directly in distribution's `events`, spread over the last 60 days, on the community's items, and
    their member_recent document built as the ingest worker leaves it): the members' tokens, in `sizes` order."""
    services = app.state.services
    community = await services.users.create_community(CommunityCreate(slug="bench", name="Bench"))
    authors = [
        await services.users.register_member(community.id, MemberCreate(handle=f"a{i}", display_name="A"))
        for i in range(20)
    ]
    content_ids = [
        (
            await services.content.publish(
                community.id,
                ContentCreate(
                    author_id=authors[n % 20].id, title=f"Item {n}", body="b", kind="UGC", tags=[f"t{n % 7}"]
                ),
            )
        ).id
        for n in range(items)
    ]
    store = services.apps["distribution"].state.service.store
    events = services.apps["distribution"].state.mongo[settings.database_name("distribution")]["events"]
    now = datetime.now(UTC)
    readers = []
    for size in sizes:
        reader = await services.users.register_member(community.id, MemberCreate(handle=f"r{size}", display_name="R"))
        docs = [
            {
                "community_id": ObjectId(community.id),
                "member_id": ObjectId(reader.id),
                "content_id": ObjectId(content_ids[k % len(content_ids)]),
                "type": "OPEN",
                "engaged": True,
                "occurred_at": now - timedelta(days=60) * (k / max(size, 1)),
                "tags": [f"t{k % 7}"],
                "author_id": authors[k % 20].id,
                "kind": "UGC",
            }
            for k in range(size)
        ]
        for lo in range(0, len(docs), BATCH):
            await events.insert_many(docs[lo : lo + BATCH], ordered=False)
        # The member's last engagements, as the ingest worker (or the backfill) leaves them.
        await store.events.seed_member_recent(ObjectId(community.id), [ObjectId(reader.id)])
        readers.append(app.state.issuer.issue(member_id=reader.id, community_id=community.id))
    return list(readers)


def forget_member_state(app: Any) -> None:
    """What the process kept of every member between feeds, forgotten (`--cold`)."""
    service = app.state.services.apps["distribution"].state.service
    service.store.events.recent.decoded.clear()
    service.ranker.reader.inputs.forget_members()
    service.ranker.profiles.clear()
    service.ranker.texts.clear()


async def run(items: int, repeat: int, cold: bool = False) -> dict[str, Any]:
    with scratch_settings(ranking_pool_ttl_seconds=5.0) as settings:
        app = create_app(settings)
        async with app.router.lifespan_context(app):
            readers = await community_with_histories(app, settings, items, HISTORIES)
            samples: dict[int, list[float]] = {size: [] for size in HISTORIES}
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as http:

                async def feed(token: str) -> None:
                    if cold:
                        forget_member_state(app)
                    response = await http.post(
                        "/graphql", json={"query": FEED}, headers={"Authorization": f"Bearer {token}"}
                    )
                    assert "errors" not in response.json(), response.text

                for token in readers:
                    for _ in range(WARMUP):
                        await feed(token)
                # The members' feeds taken in turn, so that whatever else the machine does meanwhile weighs on the
                # three alike (measured one member after the other, a drift of the machine's load showed as a ratio).
                for _ in range(repeat):
                    for size, token in zip(HISTORIES, readers, strict=True):
                        started = time.perf_counter()
                        await feed(token)
                        samples[size].append(time.perf_counter() - started)
            medians = {size: median_ms(taken) for size, taken in samples.items()}
    return {
        "items": items,
        "cold": cold,
        "feed_0_events_median_ms": medians[0],
        "feed_1000_events_median_ms": medians[1_000],
        "feed_10000_events_median_ms": medians[10_000],
        "ratio_10000_vs_0": round(medians[10_000] / medians[0], 3),
        "goal_ratio": 1.2,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--cold", action="store_true", help="forget every member's kept state before each feed")
    args = parser.parse_args()
    figures = asyncio.run(run(args.items, args.repeat, args.cold))
    print(
        f"feed(first: 10) over {figures['items']} items: 0 events {figures['feed_0_events_median_ms']} ms, "
        f"1,000 {figures['feed_1000_events_median_ms']} ms, 10,000 {figures['feed_10000_events_median_ms']} ms "
        f"(10,000 vs 0: {figures['ratio_10000_vs_0']}x, goal within {figures['goal_ratio']}x)"
    )
    print_summary(figures)


if __name__ == "__main__":
    main()
