"""CPU per feed-card lookup: the gateway's `ContentClient.lookup` of ten kept cards (what a `feed(first: 10)`'s
content asks), through the in-process hop to content_service (routing, paywall render, serialisation both ways),
beside the bare hop (`GET /healthz` through the same client) measured in the same run.

    python -m benchmarks.card_lookup [--calls 2000] [--rounds 5] [--body-chars 2000]

The whole platform in one process on an in-memory SecantusDB (benchmarks/content_harness.py), ten published pieces
whose bodies are `--body-chars` of HTML paragraphs, read as a member with CONTENT_CARD_TTL_SECONDS 60 (kept cards,
as feeds read them). Figures are process CPU µs a call (`time.process_time`), the median of --rounds rounds, the
two calls alternating. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

from benchmarks.common import print_summary
from benchmarks.content_harness import platform
from content_service.schemas.access import ViewerRef

CARDS = 10
PUBLISH = "mutation($i: PublishContentInput!) { publishContent(input: $i) { id } }"


def html_body(chars: int) -> str:
    paragraph = "<p>" + " ".join(f"word{i} and <b>more</b> text" for i in range(12)) + "</p>\n"
    return (paragraph * (chars // len(paragraph) + 1))[:chars]


async def cpu_us_per_call(call: Callable[[], Awaitable[Any]], calls: int) -> float:
    started = time.process_time()
    for _ in range(calls):
        await call()
    return (time.process_time() - started) / calls * 1e6


async def measure(calls: int, rounds: int, body_chars: int) -> dict[str, Any]:
    async with platform(content_card_ttl_seconds=60.0) as gql:
        community = await gql.community("cards")
        _, author_token = await gql.member("cards", "author")
        reader_id, _ = await gql.member("cards", "reader")
        body = html_body(body_chars)
        ids = []
        for n in range(CARDS):
            data = await gql(
                PUBLISH, {"i": {"title": f"Card {n}", "body": body, "kind": "UGC", "tags": ["t"]}}, token=author_token
            )
            ids.append(data["publishContent"]["id"])
        content = gql.app.state.services.content
        viewer = ViewerRef.member(reader_id)

        async def lookup() -> Any:
            found = await content.lookup(community, ids, viewer=viewer, cached=True)
            assert all(r is not None and r.body == body for r in found)
            return found

        async def bare() -> Any:
            return await content._call("GET", "/healthz")

        await lookup()
        await bare()
        lookups, bares = [], []
        for _ in range(rounds):
            lookups.append(await cpu_us_per_call(lookup, calls))
            bares.append(await cpu_us_per_call(bare, calls))
    lookup_us, bare_us = statistics.median(lookups), statistics.median(bares)
    return {
        "card_lookup_cpu_us": round(lookup_us, 1),
        "bare_hop_cpu_us": round(bare_us, 1),
        "card_lookup_vs_bare_hop": round(bare_us / lookup_us, 4),
        "cards": CARDS,
        "body_chars": body_chars,
        "calls": calls,
        "rounds": rounds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--body-chars", type=int, default=2000)
    args = parser.parse_args()
    print_summary(asyncio.run(measure(args.calls, args.rounds, args.body_chars)))


if __name__ == "__main__":
    main()
