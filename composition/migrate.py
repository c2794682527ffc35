"""`python -m composition.migrate`: every service's index builds and data backfills, then exit; run before a roll-out.

Each service also ensures its indexes when it starts, so this changes no result: it moves the slow part (an index
build or a backfill over a large collection) out of the replicas' start-up, where several replicas would run it at
once and miss their readiness deadline. Idempotent: a second run finds everything done.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections.abc import Sequence
from typing import Any

from composition.topology import START_ORDER, Topology
from infra.runtime import resolved_settings
from infra.settings import SERVICE_NAMES, Settings


def migration_settings(settings: Settings) -> Settings:
    """Every service mounted in this process (their start-up is the migration), with no periodic task."""
    update: dict[str, Any] = {f"{service}_service_url": None for service in SERVICE_NAMES}
    update |= {
        "slot_scheduler_enabled": False,
        "billing_scheduler_interval_seconds": 0,
        "outbox_relay_enabled": False,
        "ingest_interval_seconds": 0,
        "seed_demo": False,
    }
    return settings.model_copy(update=update)


async def migrate(settings: Settings) -> dict[str, Any]:
    started = time.perf_counter()
    async with Topology(migration_settings(settings)).running():
        pass
    return {"services": list(START_ORDER), "seconds": round(time.perf_counter() - started, 3)}


def parser() -> argparse.ArgumentParser:
    return argparse.ArgumentParser(prog="python -m composition.migrate", description=__doc__.split("\n")[0])


def main(argv: Sequence[str] | None = None) -> int:
    parser().parse_args(argv)
    sys.stdout.write(json.dumps(asyncio.run(migrate(resolved_settings()))) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
