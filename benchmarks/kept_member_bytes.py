"""Memory a process keeps per member between their feeds: `python -m benchmarks.kept_member_bytes`.

    python -m benchmarks.kept_member_bytes [--members 800] [--events 20] [--items 300]

benchmarks/feed_stages.py's `--distinct` community (members with `--events` opens each, their member_recent documents
as the ingest worker leaves them), in-process. Every member's feed served once with the process's kept member state
forgotten first (fewer members than the 1,000 it keeps: all kept), then each kind of kept state forgotten in turn,
with tracemalloc's count of the bytes each released: the decoded documents (store/decoded_docs.py: raw bytes and
the document), the columns and engagements (service/feature_inputs.py: with the decoded event entries they hold),
the profiles and the text cosines with the pool (service/member_state.py). Bytes per member: what a bigger kept set
would cost. Ends with one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import tracemalloc
from collections.abc import Callable
from typing import Any

import httpx

from benchmarks.common import print_summary, scratch_settings
from benchmarks.feed_history import FEED, forget_member_state
from benchmarks.feed_stages import distinct_members
from gateway.app import create_app
from infra.embedded import EmbeddedServer


def released(forget: Callable[[], None]) -> int:
    """Bytes tracemalloc counts fewer once `forget` ran and the collector passed."""
    gc.collect()
    before = tracemalloc.get_traced_memory()[0]
    forget()
    gc.collect()
    return before - tracemalloc.get_traced_memory()[0]


async def run(members: int, events: int, items: int) -> dict[str, Any]:
    server = EmbeddedServer(":memory:")
    server.start()
    os.environ["BENCH_MONGODB_URI"] = server.uri
    figures: dict[str, Any] = {"members": members, "events": events, "items": items}
    try:
        # One pool for the whole run (its TTL past the run): the pools are shared, not per member.
        with scratch_settings(
            ranking_pool_ttl_seconds=600.0, content_card_ttl_seconds=5.0, member_read_ttl_seconds=2.0
        ) as settings:
            app = create_app(settings)
            async with app.router.lifespan_context(app):
                tokens = await distinct_members(app, settings, items, members, events)
                service = app.state.services.apps["distribution"].state.service
                async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as http:

                    async def feed(token: str) -> None:
                        response = await http.post(
                            "/graphql", json={"query": FEED}, headers={"Authorization": f"Bearer {token}"}
                        )
                        assert "errors" not in response.json(), response.text

                    for token in tokens[:20]:  # warm: the pools, the items' facts, the models' pointer
                        await feed(token)
                    forget_member_state(app)
                    tracemalloc.start()
                    try:
                        for token in tokens:
                            await feed(token)
                        figures["kept"] = {
                            "decoded_docs": len(service.store.events.recent.decoded),
                            "columns": len(service.ranker.reader.inputs._members),  # noqa: SLF001
                        }
                        parts = {
                            "decoded_docs": released(service.store.events.recent.decoded.clear),
                            "columns_and_engagements": released(service.ranker.reader.inputs.forget_members),
                            "profiles": released(service.ranker.profiles.clear),
                            "text_cosines": released(service.ranker.texts.clear),
                        }
                    finally:
                        tracemalloc.stop()
    finally:
        server.stop()
        os.environ.pop("BENCH_MONGODB_URI", None)
    for part, freed in parts.items():
        figures[f"{part}_bytes_per_member"] = round(freed / members)
    figures["kept_bytes_per_member"] = round(sum(parts.values()) / members)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=800, help="at most the 1,000 a process keeps")
    parser.add_argument("--events", type=int, default=20)
    parser.add_argument("--items", type=int, default=300)
    args = parser.parse_args()
    print_summary(asyncio.run(run(args.members, args.events, args.items)))


if __name__ == "__main__":
    main()
