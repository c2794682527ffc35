"""The gateway process's CPU per `recordEvent` with its in-process service calls made directly (infra/asgi_call.py)
vs through httpx's client (the path before, and still the path when tracing is on), A/B in one process.

    python -m benchmarks.record_event_cpu [--requests 400] [--rounds 5]

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
from typing import Any

import httpx

from benchmarks.common import community_with_experts, gateway_app, print_summary
from content_service.schemas import ContentCreate
from infra.http import ServiceClient
from users_service.schemas import MemberCreate

RECORD = "mutation($i: RecordEventInput!) { recordEvent(input: $i) { eventId duplicate } }"


def in_process_clients() -> list[tuple[ServiceClient, Any]]:
    """Every in-process client in this process with its app (gateway's and services' own)."""
    return [(o, o._app) for o in gc.get_objects() if isinstance(o, ServiceClient) and o._app is not None]  # noqa: SLF001


async def run(requests: int, rounds: int) -> dict[str, Any]:
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

            async def cpu_ms(direct: bool) -> float:
                for client, mounted in clients:
                    client._app = mounted if direct else None  # noqa: SLF001
                started = time.process_time()
                for _ in range(requests):
                    await record_one()
                return (time.process_time() - started) / requests * 1000

            await cpu_ms(True)  # warm-up, both modes
            await cpu_ms(False)
            samples: dict[str, list[float]] = {"direct": [], "httpx": []}
            for _ in range(rounds):
                samples["direct"].append(await cpu_ms(True))
                samples["httpx"].append(await cpu_ms(False))
            for client, mounted in clients:
                client._app = mounted  # noqa: SLF001
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
    args = parser.parse_args()
    print_summary(asyncio.run(run(args.requests, args.rounds)))


if __name__ == "__main__":
    main()
