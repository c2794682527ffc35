"""`python -m composition.generate --community SLUG --members N --days D --seed S [--json]`.

Generates a synthetic community shaped by the playbook's figures and writes it through the services' clients
(in-process on the database of a running `make run`, or the services at *_SERVICE_URL). Deterministic for a seed:
the same command twice creates the community once (the second run skips everything).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import Any

from composition.generate.writer import GenerateOptions, Generator
from composition.importers.report import to_stderr
from composition.topology import Topology
from infra.runtime import resolved_settings
from infra.settings import Settings


def parse_args(argv: list[str] | None = None) -> tuple[GenerateOptions, bool]:
    parser = argparse.ArgumentParser(prog="python -m composition.generate", description=__doc__)
    parser.add_argument("--community", required=True, help="slug of the community (created if absent)")
    parser.add_argument("--members", type=int, required=True, help="number of members")
    parser.add_argument("--days", type=int, required=True, help="days of history, ending today")
    parser.add_argument("--seed", type=int, required=True, help="random seed: same seed, same community")
    parser.add_argument("--content", type=int, help="number of items (default: members / 10, at least 20)")
    parser.add_argument("--events", type=int, help="number of events (default: 10 per member)")
    parser.add_argument("--concurrency", type=int, default=2, help="batches in flight (default 2)")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON, last line of stdout")
    args = parser.parse_args(argv)
    if args.members < 1 or args.days < 1:
        parser.error("--members and --days must be at least 1")
    options = GenerateOptions(
        community=args.community,
        members=args.members,
        days=args.days,
        seed=args.seed,
        content=args.content,
        events=args.events,
        concurrency=max(1, args.concurrency),
    )
    return options, args.json


async def generate(settings: Settings, options: GenerateOptions) -> dict[str, Any]:
    async with Topology(settings).running() as services:
        return await Generator(services, options).run()


def main(argv: list[str] | None = None) -> int:
    options, as_json = parse_args(argv)
    summary = asyncio.run(generate(resolved_settings(), options))
    to_stderr(f"created: {summary['created']}; skipped: {summary['skipped']}; rejected: {summary['rejected']}")
    to_stderr(f"seconds per phase: {summary['phaseSeconds']}; per second: {summary['perSecond']}")
    if as_json:
        sys.stdout.write(json.dumps(summary) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
