"""`python -m users_service.value recompute --community SLUG [--as-of ISO|last-activity]`: the tier batch job.

Run it from a scheduler (nightly, say) or by hand. It reaches the services as the gateway does
(`composition.topology`): over HTTP where *_SERVICE_URL is set, else mounted in this process. The run is a
background job of users_service (the one `startTierRun` starts), followed here with a progress bar on stderr when
that is a terminal (`--no-progress`: none). Prints the run, the tier distribution and the RFM pyramid beside their
targets as one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from datetime import datetime

from composition.topology import Topology
from infra.errors import ServiceError
from infra.moments import as_utc
from infra.progress import ProgressBar, add_flag, wanted
from infra.runtime import resolved_settings
from users_service.commands.jobs import JobFailed, follow
from users_service.schemas.value import TierRunRead


async def _recompute(slug: str, as_of: str | None, *, show_progress: bool) -> int:
    settings = resolved_settings()
    settings = settings.model_copy(update={"service_timeout_seconds": max(settings.service_timeout_seconds, 3600)})
    async with Topology(settings).running() as services:
        users = services.users
        try:
            community = await users.get_community_by_slug(slug)
            moment: datetime | None = None
            if as_of == "last-activity":
                moment = await users.last_activity_at(community.id)
            elif as_of:
                moment = datetime.fromisoformat(as_of)
                moment = as_utc(moment)
            with ProgressBar("tier run", 100, enabled=show_progress, unit="%") as bar:
                job = await follow(users, community.id, await users.start_tier_run(community.id, moment), bar)
            run = TierRunRead.model_validate(job.result)
            distribution = await users.tier_distribution(community.id)
            pyramid = await users.rfm_pyramid(community.id)
        except JobFailed as exc:
            sys.stderr.write(json.dumps({"error": exc.code, "detail": exc.message}) + "\n")
            return 1
        except ServiceError as exc:
            sys.stderr.write(json.dumps({"error": exc.code, "detail": exc.message}) + "\n")
            return 1
    summary = {
        "community": slug,
        "asOf": moment.isoformat() if moment else None,
        "run": run.to_wire(),
        "tiers": [t.to_wire() for t in distribution.tiers],
        "pyramid": [{k: v for k, v in layer.to_wire().items() if k != "treatment"} for layer in pyramid.layers],
    }
    sys.stdout.write(json.dumps(summary) + "\n")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m users_service.value")
    commands = parser.add_subparsers(dest="command", required=True)
    recompute = commands.add_parser("recompute", help="score RFM and move members between tiers")
    recompute.add_argument("--community", required=True, help="the community's slug")
    recompute.add_argument("--as-of", help="ISO date-time, or 'last-activity' for an imported history")
    add_flag(recompute)
    args = parser.parse_args(argv)
    return asyncio.run(_recompute(args.community, args.as_of, show_progress=wanted(args.no_progress)))


if __name__ == "__main__":
    sys.exit(main())
