"""`python -m composition.importers.stackexchange PATH --community SLUG [--json]`.

Imports a Stack Exchange dump folder through the services' clients: in-process services on the database of a
running `make run` (var/mongodb.uri) or one this command starts, or the services at *_SERVICE_URL when set.
Progress goes to stderr: a bar over the import's steps when stderr is a terminal (`--no-progress`: none) above the
per-file lines; with `--json` the last line on stdout is the summary as one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

from composition.importers.report import ImportReport
from composition.importers.stackexchange.mapping import ExpertRule
from composition.importers.stackexchange.pipeline import STEPS, ImportOptions, import_dump
from composition.topology import Topology
from infra.progress import ProgressBar, add_flag, wanted
from infra.runtime import resolved_settings
from infra.settings import Settings


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m composition.importers.stackexchange", description=__doc__)
    parser.add_argument("path", type=Path, help="dump folder with Users.xml, Posts.xml, Comments.xml, Votes.xml...")
    parser.add_argument("--community", required=True, help="slug of the community (created if absent)")
    parser.add_argument("--name", help="community name when it is created (default: from the folder)")
    parser.add_argument("--timezone", default="UTC", help="community timezone when it is created (default UTC)")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON, last line of stdout")
    parser.add_argument("--batch-size", type=int, default=1000, help="records per call (1-1000, default 1000)")
    parser.add_argument("--expert-top", type=int, default=50, help="at most this many experts (default 50)")
    parser.add_argument(
        "--expert-min-accepted", type=int, default=3, help="accepted answers needed to be an expert (default 3)"
    )
    add_flag(parser)
    args = parser.parse_args(argv)
    if not args.path.is_dir():
        parser.error(f"{args.path} is not a folder")
    if not 1 <= args.batch_size <= 1000:
        parser.error("--batch-size must be between 1 and 1000")
    return args


async def run(settings: Settings, args: argparse.Namespace) -> ImportReport:
    options = ImportOptions(
        name=args.name,
        timezone=args.timezone,
        batch_size=args.batch_size,
        experts=ExpertRule(top=args.expert_top, min_accepted=args.expert_min_accepted),
    )
    # The closing tier run reads the whole community: an ordinary call's HTTP timeout is too short for it.
    settings = settings.model_copy(update={"service_timeout_seconds": max(settings.service_timeout_seconds, 3600)})
    enabled = wanted(getattr(args, "no_progress", False))
    async with Topology(settings).running() as services:
        with ProgressBar(f"import {args.community}", STEPS, enabled=enabled) as bar:
            return await import_dump(services, args.path, args.community, options, progress=bar.say, step=bar.advance)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    report = asyncio.run(run(resolved_settings(), args))
    report.describe()
    if args.json:
        sys.stdout.write(json.dumps(report.summary()) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
