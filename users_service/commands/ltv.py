"""`python -m users_service.ltv train --community SLUG [--horizon-days 365]`: train a new LTV version.

Reaches the services the way the gateway does (`composition.topology`): over HTTP where *_SERVICE_URL is set,
else mounted in this process on the configured database. Runs as a background job of users_service (the one
`startLtvTraining` starts), with a progress bar on stderr when that is a terminal (`--no-progress`: none).
Prints the evaluation report as JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys

from composition.topology import Topology
from infra.errors import ServiceError
from infra.progress import ProgressBar, add_flag, wanted
from infra.runtime import resolved_settings
from users_service.commands.jobs import JobFailed, follow
from users_service.schemas.ltv import LtvModelRead, LtvTrain


async def _train(slug: str, train_in: LtvTrain, *, show_progress: bool) -> int:
    settings = resolved_settings()
    # The HTTP timeout of an ordinary call is far too short for training on a large community.
    settings = settings.model_copy(update={"service_timeout_seconds": max(settings.service_timeout_seconds, 3600)})
    async with Topology(settings).running() as services:
        try:
            community = await services.users.get_community_by_slug(slug)
            with ProgressBar("LTV training", 100, enabled=show_progress, unit="%") as bar:
                started = await services.users.start_ltv_training(community.id, train_in)
                job = await follow(services.users, community.id, started, bar)
            report = LtvModelRead.model_validate(job.result)
        except JobFailed as exc:
            sys.stderr.write(json.dumps({"error": exc.code, "detail": exc.message}) + "\n")
            return 1
        except ServiceError as exc:
            sys.stderr.write(json.dumps({"error": exc.code, "detail": exc.message}) + "\n")
            return 1
    sys.stdout.write(json.dumps(report.to_wire(), indent=2) + "\n")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m users_service.ltv")
    commands = parser.add_subparsers(dest="command", required=True)
    train = commands.add_parser("train", help="train a new LTV model version for one community")
    train.add_argument("--community", required=True, help="the community's slug")
    train.add_argument("--horizon-days", type=int, default=365)
    train.add_argument("--min-members", type=int, default=10)
    add_flag(train)
    args = parser.parse_args(argv)
    train_in = LtvTrain(horizon_days=args.horizon_days, min_members=args.min_members)
    return asyncio.run(_train(args.community, train_in, show_progress=wanted(args.no_progress)))


if __name__ == "__main__":
    sys.exit(main())
