"""`python -m composition.worker`: the periodic jobs (golden slots, billing cycle) in one process of their own.

For a deployment whose distribution and billing replicas run with their schedulers off (SLOT_SCHEDULER_ENABLED=false,
BILLING_SCHEDULER_INTERVAL_SECONDS=0): this process mounts those two services with their schedulers on and reaches
users and content over HTTP (their *_SERVICE_URL). Run exactly one without REDIS_URL; with it, any number (each job
runs in the one process holding its leader lease, infra/leader.py). It answers `/healthz` and `/readyz` on
GATEWAY_PORT (its container's own port) so that an orchestrator can watch it; it serves nothing else.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from composition.topology import Topology
from infra.runtime import resolved_settings, serve
from infra.settings import Settings

# At least this often the billing cycle runs when the environment turned the in-process cycle off.
DEFAULT_CYCLE_SECONDS = 300.0


def worker_settings(settings: Settings) -> Settings:
    """Distribution and billing mounted here with their schedulers on; no event ingest (the replicas derive)."""
    cycle = settings.billing_scheduler_interval_seconds or DEFAULT_CYCLE_SECONDS
    update: dict[str, Any] = {
        "distribution_service_url": None,
        "billing_service_url": None,
        "slot_scheduler_enabled": True,
        "billing_scheduler_interval_seconds": cycle,
        "ingest_interval_seconds": 0,
        "seed_demo": False,
    }
    return settings.model_copy(update=update)


def create_app(settings: Settings) -> Starlette:
    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with Topology(worker_settings(settings)).running() as topology:
            app.state.topology = topology
            app.state.ready = True
            yield

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> Response:
        ready = bool(getattr(request.app.state, "ready", False))
        return JSONResponse({"status": "ready" if ready else "starting"}, status_code=200 if ready else 503)

    return Starlette(routes=[Route("/healthz", healthz), Route("/readyz", readyz)], lifespan=lifespan)


def main() -> None:
    settings = resolved_settings()
    serve(create_app(settings), host=settings.bind_host, port=settings.gateway_port, name="worker")


if __name__ == "__main__":
    main()
