"""The gateway process's CPU per `recordEvent` with its in-process service calls made directly (infra/asgi_call.py)
vs through httpx's client (the path before, and still the path when tracing is on), A/B in one process; or
(`--gateway-cuts`) with the gateway's per-request cuts vs without them: loaders built on first use
(gateway/dataloaders.py), costs kept per document (gateway/query_cost.py KnownCosts); "without" builds all eleven
loaders for each request and computes every cost afresh, as before the cuts. (A third cut, extension hooks found once
per class, was removed in the seventeenth session: docs/performance.md, "The extension hooks, alone".)

    python -m benchmarks.record_event_cpu [--requests 400] [--rounds 5] [--gateway-cuts]

Every service mounted in one gateway app (as `make run` serves it) on a scratch SecantusDB; requests reach the app
through httpx's ASGITransport in both modes (the same outer cost), one at a time, each a fresh event (a new
`clientEventId`). The two modes alternate --rounds times; each figure is the median over rounds of the process CPU
ms a request (`time.process_time`: gateway, services and their drivers; the database server is another process,
untouched by the change). Prints one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import time
import uuid
from collections.abc import Callable
from functools import cached_property
from typing import Any

import httpx

import gateway.context
from benchmarks.common import community_with_experts, gateway_app, print_summary
from content_service.schemas import ContentCreate
from gateway.dataloaders import Loaders
from gateway.query_cost import KnownCosts, operation_cost
from infra.http import ServiceClient
from users_service.schemas import MemberCreate

RECORD = "mutation($i: RecordEventInput!) { recordEvent(input: $i) { eventId duplicate } }"


def in_process_clients() -> list[tuple[ServiceClient, Any]]:
    """Every in-process client in this process with its app (gateway's and services' own)."""
    return [(o, o._app) for o in gc.get_objects() if isinstance(o, ServiceClient) and o._app is not None]  # noqa: SLF001


class EagerLoaders(Loaders):
    """Every loader built with the request, as before they were built on first use."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        for name, value in vars(Loaders).items():
            if isinstance(value, cached_property):
                getattr(self, name)


def _priced_afresh(self: KnownCosts, schema: Any, document: Any, **kwargs: Any) -> Any:
    return operation_cost(schema, document, model=self.model, **kwargs)


def gateway_cuts() -> Callable[[bool], None]:
    """Turns the gateway's per-request cuts on (True) or off (False) in this process."""
    kept_cost = KnownCosts.cost

    def switch(on: bool) -> None:
        chosen: type[Loaders] = Loaders if on else EagerLoaders
        gateway.context.Loaders = chosen  # type: ignore[misc]
        KnownCosts.cost = kept_cost if on else _priced_afresh  # type: ignore[method-assign]

    return switch


async def run(requests: int, rounds: int, cuts: bool = False) -> dict[str, Any]:
    async with gateway_app() as (_, app):
        services = app.state.services
        community, (author,) = await community_with_experts(services, ["au"])
        item = await services.content.publish(
            community.id, ContentCreate(author_id=author.id, title="Item", body="b", kind="UGC", tags=["t"])
        )
        reader = await services.users.register_member(community.id, MemberCreate(handle="rd", display_name="R"))
        token = app.state.issuer.issue(member_id=reader.id, community_id=community.id)
        clients = in_process_clients()
        headers = {"Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as http:

            async def record_one() -> None:
                event = {"contentId": item.id, "type": "OPEN", "clientEventId": uuid.uuid4().hex}
                response = await http.post(
                    "/graphql", json={"query": RECORD, "variables": {"i": event}}, headers=headers
                )
                assert response.json()["data"]["recordEvent"]["duplicate"] is False

            switch = gateway_cuts()

            async def cpu_ms(direct: bool, on: bool = True) -> float:
                for client, mounted in clients:
                    client._app = mounted if direct else None  # noqa: SLF001
                switch(on)
                started = time.process_time()
                for _ in range(requests):
                    await record_one()
                return (time.process_time() - started) / requests * 1000

            modes: dict[str, Callable[[], Any]] = (
                {"with_cuts": lambda: cpu_ms(True, True), "without_cuts": lambda: cpu_ms(True, False)}
                if cuts
                else {"direct": lambda: cpu_ms(True), "httpx": lambda: cpu_ms(False)}
            )
            for measure in modes.values():  # warm-up, both modes
                await measure()
            samples: dict[str, list[float]] = {mode: [] for mode in modes}
            for _ in range(rounds):
                for mode, measure in modes.items():
                    samples[mode].append(await measure())
            for client, mounted in clients:
                client._app = mounted  # noqa: SLF001
            switch(True)
    if cuts:
        with_cuts = statistics.median(samples["with_cuts"])
        without = statistics.median(samples["without_cuts"])
        return {
            "requests_per_round": requests,
            "rounds": rounds,
            "with_cuts_cpu_ms": round(with_cuts, 3),
            "without_cuts_cpu_ms": round(without, 3),
            "with_vs_without": round(with_cuts / without, 3),
            "with_cuts_rounds_ms": [round(s, 3) for s in samples["with_cuts"]],
            "without_cuts_rounds_ms": [round(s, 3) for s in samples["without_cuts"]],
        }
    direct = statistics.median(samples["direct"])
    through_httpx = statistics.median(samples["httpx"])
    return {
        "requests_per_round": requests,
        "rounds": rounds,
        "in_process_clients": len(clients),
        "direct_cpu_ms": round(direct, 3),
        "httpx_cpu_ms": round(through_httpx, 3),
        "direct_vs_httpx": round(direct / through_httpx, 3),
        "direct_rounds_ms": [round(s, 3) for s in samples["direct"]],
        "httpx_rounds_ms": [round(s, 3) for s in samples["httpx"]],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--gateway-cuts", action="store_true", help="A/B the gateway's per-request cuts instead")
    args = parser.parse_args()
    print_summary(asyncio.run(run(args.requests, args.rounds, args.gateway_cuts)))


if __name__ == "__main__":
    main()
