"""`python -m distribution_service.slots run --community SLUG --slot MORNING`: one golden-slot run, for a cron.

A Kubernetes CronJob (or any cron) calls it at each slot's local time; `--partition I/N` (or `--partition I
--partitions N`) lets N workers share one run: members are split by id, disjointly, so none is delivered twice.
Re-running after a crash delivers nothing twice: (member, slot, local day) is unique in the database.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from composition.topology import Topology
from distribution_service.domain.honeycomb import Slot
from distribution_service.schemas import SlotRunRequest, SlotRunResult
from distribution_service.service.scheduled import run_in_chunks
from infra.errors import BadInputError, ServiceError
from infra.runtime import resolved_settings
from infra.settings import Settings


def partition_of(args: argparse.Namespace) -> tuple[int, int]:
    """(index, count) from `--partition I/N`, or from `--partition I --partitions N`."""
    text = str(args.partition)
    index_text, _, count_text = text.partition("/")
    try:
        index = int(index_text)
        count = int(count_text) if count_text else (args.partitions or 1)
    except ValueError:
        raise BadInputError(f"--partition must be I/N or I, not {text!r}", field="partition") from None
    if count_text and args.partitions is not None and args.partitions != count:
        raise BadInputError(f"--partition {text} and --partitions {args.partitions} disagree", field="partitions")
    if not 0 <= index < count:
        raise BadInputError(f"--partition must be in 0..{count - 1}", field="partition")
    return index, count


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m distribution_service.slots", description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="command", required=True)
    run_cmd = sub.add_parser("run", help="deliver one slot to the community's eligible members")
    run_cmd.add_argument("--community", required=True, help="the community's slug")
    run_cmd.add_argument("--slot", required=True, type=lambda s: Slot(s.upper()), choices=list(Slot))
    run_cmd.add_argument("--day", help="the community's local day (YYYY-MM-DD; default: today there)")
    run_cmd.add_argument(
        "--partition",
        default="0",
        help="this worker's share: I/N (worker I of N, from 0), or I with --partitions N",
    )
    run_cmd.add_argument("--partitions", type=int, default=None, help="how many workers share the run (default 1)")
    run_cmd.add_argument("--top-k", type=int, default=None, help="items per delivery (default: SLOT_TOP_K)")
    return p


async def run(args: argparse.Namespace, settings: Settings) -> dict[str, Any]:
    # A command never starts the services' periodic tasks: the in-process topology it builds runs no slot tick
    # and no billing cycle.
    settings = settings.model_copy(update={"slot_scheduler_enabled": False, "billing_scheduler_interval_seconds": 0})
    index, count = partition_of(args)
    async with Topology(settings).running() as topology:
        community = await topology.users.get_community_by_slug(args.community)
        day = args.day or datetime.now(UTC).astimezone(ZoneInfo(community.timezone)).date().isoformat()
        members = await topology.distribution.slot_members(community.id, partition=index, partitions=count)

        async def run_chunk(request: SlotRunRequest) -> SlotRunResult:
            return await topology.distribution.run_slot(community.id, request)

        totals = await run_in_chunks(
            members.member_ids, run_chunk, slot=args.slot, day=day, top_k=args.top_k or settings.slot_top_k
        )
        return {
            "community": args.community,
            "slot": args.slot.value,
            "day": day,
            "members": len(members.member_ids),
            **totals.model_dump(),
        }


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        out = asyncio.run(run(args, resolved_settings()))
    except ServiceError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 1
    sys.stdout.write(json.dumps(out) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
