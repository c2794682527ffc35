"""`python -m billing_service.scheduler`: one billing cycle against the configured database, for a cron.

A process entry like `__main__.py`: the cycle's rules are billing_service/service/cycle.py; the service also runs
them every BILLING_SCHEDULER_INTERVAL_SECONDS (billing_service/app.py).
"""

from __future__ import annotations

import asyncio

from billing_service.app import build_service
from billing_service.schemas import CycleResult
from infra.mongo import create_mongo_client
from infra.runtime import resolved_settings


async def run_once() -> CycleResult:
    settings = resolved_settings()
    assert settings.mongodb_uri
    client = create_mongo_client(settings.mongodb_uri, app_name="billing_scheduler")
    try:
        service, provider = await build_service(settings, client, client[settings.database_name("billing")])
        result = await service.cycle.run()
        await provider.drain()
        return result
    finally:
        await client.close()


if __name__ == "__main__":
    print(asyncio.run(run_once()).model_dump_json())  # noqa: T201 - a command's output
