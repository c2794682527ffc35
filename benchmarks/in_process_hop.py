"""CPU per in-process service call: a `ServiceClient` calling a mounted service app directly (infra/asgi_call.py)
vs through httpx's client and `ASGITransport` (the path before, and still the path when tracing is on), each beside
the bare ASGI call of the same request measured in the same run.

    python -m benchmarks.in_process_hop [--calls 3000] [--rounds 5]

The app is a service app (`create_service_app`: the request-context middleware, internal token, error handlers)
with one route that reads a JSON body and answers JSON, as `recordEvent`'s hop does. Figures are process CPU µs a
call (`time.process_time`), the median of --rounds rounds, the three paths alternating. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import statistics
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from benchmarks.common import print_summary
from infra.asgi_call import call_app
from infra.http import ServiceClient
from infra.service_app import create_service_app

TOKEN = "bench-internal-token-0123456789abcdef"
EVENT = {"memberId": "a" * 24, "contentId": "b" * 24, "type": "OPEN", "clientEventId": "bench-1"}


async def record(request: Request) -> Response:
    await request.json()
    return JSONResponse({"id": "c" * 24, "duplicate": False}, status_code=201)


@contextlib.asynccontextmanager
async def no_lifespan(app: Starlette) -> AsyncIterator[None]:
    yield


class HopClient(ServiceClient):
    service_name = "hop"

    async def record(self) -> Any:
        return await self._call("POST", "/communities/abc/events", json=EVENT)


async def cpu_us_per_call(call: Callable[[], Awaitable[Any]], calls: int) -> float:
    started = time.process_time()
    for _ in range(calls):
        await call()
    return (time.process_time() - started) / calls * 1e6


async def measure(calls: int, rounds: int) -> dict[str, Any]:
    app = create_service_app(
        name="hop",
        routes=[Route("/communities/{cid}/events", record, methods=["POST"])],
        lifespan=no_lifespan,
        internal_token=TOKEN,
    )
    direct = HopClient.in_process(app, internal_token=TOKEN)
    via_httpx = HopClient.in_process(app, internal_token=TOKEN)
    via_httpx._app = None  # noqa: SLF001 — the httpx path, as before
    body = json.dumps(EVENT).encode()
    headers = [(b"x-internal-token", TOKEN.encode()), (b"content-type", b"application/json")]

    async def bare() -> Any:
        return await call_app(
            app, "POST", "hop", "/communities/abc/events", "/communities/abc/events", b"", headers, body
        )

    paths: dict[str, Callable[[], Awaitable[Any]]] = {"bare": bare, "direct": direct.record, "httpx": via_httpx.record}
    samples: dict[str, list[float]] = {name: [] for name in paths}
    for call in paths.values():
        await cpu_us_per_call(call, calls // 10)  # warm-up
    for _ in range(rounds):
        for name, call in paths.items():
            samples[name].append(await cpu_us_per_call(call, calls))
    await direct.aclose()
    await via_httpx.aclose()
    medians = {name: round(statistics.median(values), 1) for name, values in samples.items()}
    return {
        "calls_per_round": calls,
        "rounds": rounds,
        "bare_app_call_us": medians["bare"],
        "direct_call_us": medians["direct"],
        "httpx_call_us": medians["httpx"],
        "direct_vs_bare": round(medians["direct"] / medians["bare"], 2),
        "httpx_vs_bare": round(medians["httpx"] / medians["bare"], 2),
        "saved_per_call_us": round(medians["httpx"] - medians["direct"], 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print_summary(asyncio.run(measure(args.calls, args.rounds)))


if __name__ == "__main__":
    main()
