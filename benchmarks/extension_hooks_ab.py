"""The gateway process's CPU per request with its extension hooks found once per class (gateway/extension_hooks.py)
vs strawberry's own runner (each request asks every extension for every phase's hook), A/B in one process, for
`{ __typename }`, the reader's `feed(first: 10)` and `recordEvent`.

    python -m benchmarks.extension_hooks_ab [--rounds 8] [--typenames 2000] [--feeds 200] [--events 400]

Every service mounted in one gateway app (as `make run` serves it) on a scratch SecantusDB, 50 items and a reader;
requests reach the app through httpx's ASGITransport, one at a time, each `recordEvent` a fresh event (a new
`clientEventId`). Only the schema's extension runner changes between the modes (`kept` / `strawberry`); each round
measures every kind in both modes, in ABBA order across rounds (drift weighs on both alike). Each figure is the
median over rounds of the process CPU ms a request (`time.process_time`: gateway, services and their drivers, the
ingest worker deriving the events; the database server is another process, untouched by the change), with the
median of the rounds' paired differences (`kept_minus_strawberry_us`). Prints a table, then one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
import types
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import strawberry
from starlette.applications import Starlette

from benchmarks.common import community_with_experts, gateway_app, print_summary
from benchmarks.gateway_calls import FEED, RECORD
from benchmarks.gateway_harness import TYPENAME
from content_service.schemas import ContentCreate
from users_service.schemas import MemberCreate

ITEMS = 50
MODES = ("kept", "strawberry")


def runner_switch(app: Starlette) -> Callable[[str], None]:
    """Sets the gateway schema's extension runner: "kept" (gateway/schema.py's) or "strawberry" (strawberry's own)."""
    graphql = next(r.endpoint for r in app.routes if getattr(r, "path", None) == "/graphql")  # type: ignore[attr-defined]
    schema = graphql.schema

    def switch(mode: str) -> None:
        if mode == "kept":
            vars(schema).pop("create_extensions_runner", None)
        else:
            schema.create_extensions_runner = types.MethodType(strawberry.Schema.create_extensions_runner, schema)

    return switch


async def run(rounds: int, counts: dict[str, int]) -> dict[str, Any]:
    async with gateway_app() as (_, app):
        services = app.state.services
        community, (author,) = await community_with_experts(services, ["au"])
        items = [
            await services.content.publish(
                community.id, ContentCreate(author_id=author.id, title=f"Item {n}", body="b", kind="UGC", tags=["t"])
            )
            for n in range(ITEMS)
        ]
        reader = await services.users.register_member(community.id, MemberCreate(handle="rd", display_name="R"))
        token = app.state.issuer.issue(member_id=reader.id, community_id=community.id)
        headers = {"Authorization": f"Bearer {token}"}
        switch = runner_switch(app)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as http:

            async def post(body: dict[str, Any]) -> dict[str, Any]:
                answer: dict[str, Any] = (await http.post("/graphql", json=body, headers=headers)).json()
                if answer.get("errors"):
                    raise RuntimeError(answer["errors"])
                return answer

            def record() -> Awaitable[dict[str, Any]]:
                event = {"contentId": items[0].id, "type": "OPEN", "clientEventId": uuid.uuid4().hex}
                return post({"query": RECORD, "variables": {"i": event}})

            requests: dict[str, Callable[[], Awaitable[dict[str, Any]]]] = {
                "typename": lambda: post({"query": TYPENAME}),
                "feed": lambda: post({"query": FEED}),
                "record_event": record,
            }

            async def cpu_ms(mode: str, kind: str) -> float:
                switch(mode)
                started = time.process_time()
                for _ in range(counts[kind]):
                    await requests[kind]()
                return (time.process_time() - started) / counts[kind] * 1000

            for mode in MODES:  # warm-up: both modes, every kind
                for kind in requests:
                    await cpu_ms(mode, kind)
            samples: dict[tuple[str, str], list[float]] = {(m, k): [] for m in MODES for k in requests}
            for r in range(rounds):
                for mode in MODES if r % 2 == 0 else MODES[::-1]:
                    for kind in requests:
                        samples[mode, kind].append(await cpu_ms(mode, kind))
            switch("kept")
    figures: dict[str, Any] = {"rounds": rounds, "requests_per_round": counts}
    for kind in requests:
        kept, own = samples["kept", kind], samples["strawberry", kind]
        figures[f"{kind}_kept_cpu_ms"] = round(statistics.median(kept), 4)
        figures[f"{kind}_strawberry_cpu_ms"] = round(statistics.median(own), 4)
        figures[f"{kind}_kept_minus_strawberry_us"] = round(
            statistics.median(1000 * (a - b) for a, b in zip(kept, own, strict=True)), 1
        )
        figures[f"{kind}_rounds_ms"] = {"kept": [round(s, 4) for s in kept], "strawberry": [round(s, 4) for s in own]}
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--typenames", type=int, default=2000)
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--events", type=int, default=400)
    args = parser.parse_args()
    counts = {"typename": args.typenames, "feed": args.feeds, "record_event": args.events}
    print_summary(asyncio.run(run(args.rounds, counts)))


if __name__ == "__main__":
    main()
