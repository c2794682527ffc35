"""What the gateway costs on top of ranking: `feed` through GraphQL versus the bare distribution call.

    python -m benchmarks.feed_latency [--items 300] [--repeat 40]

Baselines measured in the same run, on the same data: the distribution service's own `feed` through its client
(candidates, stats and ranking, no GraphQL, no author/content resolution) and one indexed `find` of the page's
content ids in content's database. Prints medians and the ratios gateway/bare and bare/find.
"""

from __future__ import annotations

import argparse
import asyncio

import httpx
from bson import ObjectId

from benchmarks.common import community_with_experts, gateway_app, median_ms, print_summary, timed
from content_service.schemas import ContentCreate
from distribution_service.schemas import FeedRequest
from users_service.schemas import MemberCreate

FEED = (
    "{ feed(slot: MORNING, scene: BEFORE_DECISION, first: 20) "
    "{ items { score content { id title author { handle } } } } }"
)


async def run(items: int, repeat: int) -> dict[str, float]:
    async with gateway_app() as (settings, app):
        services = app.state.services
        community, authors = await community_with_experts(services, [f"a{i}" for i in range(20)])
        for n in range(items):
            kind = "PGC" if n % 3 else "UGC"
            await services.content.publish(
                community.id,
                ContentCreate(author_id=authors[n % 20].id, title=f"Item {n}", body="b", kind=kind, tags=["t"]),
            )
        reader = await services.users.register_member(community.id, MemberCreate(handle="reader", display_name="R"))
        token = app.state.issuer.issue(member_id=reader.id, community_id=community.id)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:

            async def through_gateway() -> None:
                response = await http.post(
                    "/graphql", json={"query": FEED}, headers={"Authorization": f"Bearer {token}"}
                )
                assert "errors" not in response.json()

            request = FeedRequest(member_id=reader.id, slot="MORNING", scene="BEFORE_DECISION", first=20)
            page = await services.distribution.feed(community.id, request)
            ids = [item.content_id for item in page.items]

            async def bare_feed() -> None:
                await services.distribution.feed(community.id, request)

            content_db = services.apps["content"].state.mongo[settings.database_name("content")]
            object_ids = [ObjectId(i) for i in ids]

            async def bare_find() -> None:
                await content_db["content"].find({"_id": {"$in": object_ids}}).to_list()

            gateway = median_ms(await timed(through_gateway, repeat=repeat))
            bare = median_ms(await timed(bare_feed, repeat=repeat))
            find = median_ms(await timed(bare_find, repeat=repeat))
    return {
        "items": items,
        "gateway_feed_median_ms": gateway,
        "distribution_feed_median_ms": bare,
        "content_find_median_ms": find,
        "gateway_over_distribution": round(gateway / bare, 2),
        "distribution_over_find": round(bare / find, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args()
    figures = asyncio.run(run(args.items, args.repeat))
    print(
        f"feed of 20 from {figures['items']} items: gateway {figures['gateway_feed_median_ms']} ms, "
        f"distribution alone {figures['distribution_feed_median_ms']} ms "
        f"({figures['gateway_over_distribution']}x), one indexed find {figures['content_find_median_ms']} ms "
        f"(distribution = {figures['distribution_over_find']}x find)"
    )
    print_summary(figures)


if __name__ == "__main__":
    main()
