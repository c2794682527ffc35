"""The gateway's GraphQL execution of the hot path's feed, apart from every service call: CPU per operation.

    python -m benchmarks.feed_execution [--repeat 3000] [--rounds 3]

The hot path's `feed(first: 10) { items { score content { id title } } }` runs on the gateway's own converted
schema (strawberry and graphql-core, no extensions) with stub services: the caller, the distribution page and the
content cards answer at once from memory, so what is measured is the execution itself (resolvers, DataLoader,
type construction, result completion), parsed once. The baseline, in the same run: `{ __typename }` on the same
schema. Process CPU per operation (median of `--rounds`), so the figures do not depend on the machine's load as
wall-clock rates do.

Prints one JSON line of its figures.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

from graphql import DocumentNode, ExecutionResult, execute, parse
from strawberry.dataloader import DataLoader

from benchmarks.common import print_summary
from benchmarks.hot_path import FEED
from content_service.schemas import ContentRead
from distribution_service.schemas import FeedItem, FeedPage
from gateway.schema import converted_schema

NOW = datetime(2026, 12, 6, tzinfo=UTC)
IDS = [f"65a1b2c3d4e5f60718293a{n:02x}" for n in range(12)]
COMMUNITY_ID, MEMBER_ID = IDS[10], IDS[11]
PAGE = FeedPage(
    items=[FeedItem(content_id=i, score=1.0 - n / 10, reasons={}, position=n) for n, i in enumerate(IDS[:10])],
    model_version="heuristic",
    decision_id=IDS[0],
)
CARDS = {
    i: ContentRead(
        id=i,
        community_id=COMMUNITY_ID,
        author_id=None,
        kind="PGC",
        status="PUBLISHED",
        title=f"Piece {n}",
        body="b",
        tags=[],
        created_at=NOW,
        published_at=NOW,
    )
    for n, i in enumerate(IDS[:10])
}


def stub_context() -> Any:
    """What the feed's resolvers read of a request's context, answering from memory (a fresh loader each time,
    as each request has its own)."""
    member = SimpleNamespace(id=MEMBER_ID, community_id=COMMUNITY_ID)

    async def require_member() -> Any:
        return member

    async def feed(community_id: str, request: Any) -> FeedPage:
        return PAGE

    async def lookup(keys: list[tuple[str, str]]) -> list[ContentRead | None]:
        return [CARDS.get(content_id) for _, content_id in keys]

    return SimpleNamespace(
        require_member=require_member,
        services=SimpleNamespace(distribution=SimpleNamespace(feed=feed)),
        loaders=SimpleNamespace(feed_content_by_id=DataLoader(load_fn=lookup)),
    )


async def cpu_per_operation(document: DocumentNode, repeat: int) -> float:
    """Process CPU µs per execution of `document` (its result checked once)."""
    schema = converted_schema(False)._schema
    started = time.process_time()
    result: Any = None
    for _ in range(repeat):
        result = execute(schema, document, context_value=stub_context())
        if not isinstance(result, ExecutionResult):
            result = await result
    elapsed = time.process_time() - started
    assert not result.errors, result.errors
    return elapsed / repeat * 1e6


async def run(repeat: int, rounds: int) -> dict[str, Any]:
    feed, typename = parse(FEED), parse("{ __typename }")
    await cpu_per_operation(feed, 200)  # warm: imports, the schema's conversion
    feeds, typenames = [], []
    for _ in range(rounds):
        feeds.append(await cpu_per_operation(feed, repeat))
        typenames.append(await cpu_per_operation(typename, repeat))
    f, t = statistics.median(feeds), statistics.median(typenames)
    return {
        "feed_execution_us": round(f, 1),
        "typename_execution_us": round(t, 1),
        "feed_over_typename": round(f / t, 2),
        "feed_execution_us_rounds": [round(x, 1) for x in feeds],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--repeat", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print_summary(asyncio.run(run(args.repeat, args.rounds)))


if __name__ == "__main__":
    main()
