"""`python -m distribution_service.ranking`: train, evaluate and manage a community's ranking models.

train --community SLUG [--since ISO] [--until ISO] [--report PATH] [--seed N] [--min-groups N] [--json]
      [--no-progress]     (a bar on stderr over the phases when it is a terminal)
rank --community SLUG --model VERSION|active --input IN.jsonl --output OUT.jsonl [--ids source]
evaluate --community SLUG --model VERSION|active --input IN.jsonl [--ids source]
list --community SLUG
promote VERSION --community SLUG [--min-groups N] [--by WHO] [--force --reason WHY]
rollback --community SLUG [--by WHO] [--reason WHY]
history --community SLUG             (promotions and rollbacks: who, when, from, to)
shadow VERSION --community SLUG      (shadow none: stop shadowing)
shadow report --community SLUG [--horizon-hours H]
experiment VERSION|stop|report --community SLUG [--traffic SHARE]
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import sys
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from bson import ObjectId

from composition.topology import Topology
from distribution_service.app import heuristic_weights
from distribution_service.ranking.gate import MIN_PROMOTION_GROUPS, assess
from distribution_service.ranking.heuristic import HeuristicWeights
from distribution_service.ranking.judge import JudgmentContext, judge, metrics_table
from distribution_service.ranking.loader import load_training_data
from distribution_service.ranking.registry import ModelRegistry
from distribution_service.ranking.training import MIN_GROUPS, TrainingResult, train_and_evaluate, write_plots
from distribution_service.service.experiments import SHADOW_HORIZON_HOURS, ExperimentsService
from distribution_service.store import DistributionStore
from infra.errors import ServiceError
from infra.moments import as_utc
from infra.mongo import create_mongo_client
from infra.progress import ProgressBar, add_flag, wanted
from infra.runtime import resolved_settings
from infra.settings import Settings, get_settings


def _moment(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    return as_utc(value)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m distribution_service.ranking", description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="command", required=True)
    train = sub.add_parser("train", help="build the dataset, train, evaluate against baselines, register")
    train.add_argument("--community", required=True, help="the community's slug")
    train.add_argument("--since", type=_moment, help="start of the data window (ISO 8601; default: first event)")
    train.add_argument("--until", type=_moment, help="end of the data window (default: now)")
    train.add_argument("--report", type=Path, help="write the JSON report here (PNG plots beside it)")
    train.add_argument("--seed", type=int, default=7)
    train.add_argument("--dask-scheduler", metavar="ADDRESS", help="train on this Dask cluster (lightgbm.dask)")
    train.add_argument(
        "--min-groups", type=int, default=MIN_GROUPS, help="refuse (exit 1, nothing registered) below this many"
    )
    train.add_argument("--json", action="store_true", help="last stdout line: one JSON object (version, groups)")
    add_flag(train)
    for name, help_text in (
        ("rank", "rank a judgment list's groups with a model, one output line per group"),
        ("evaluate", "NDCG@5/@10, MAP@10 of a model, the active one and every baseline on a judgment list"),
    ):
        cmd = sub.add_parser(name, help=help_text)
        cmd.add_argument("--community", required=True)
        cmd.add_argument("--model", required=True, help="a registered version, or `active`")
        cmd.add_argument("--input", type=Path, required=True, help="JSON lines: id, member, at, candidates[, ratings]")
        if name == "rank":
            cmd.add_argument("--output", type=Path, required=True)
        cmd.add_argument("--ids", choices=("platform", "source"), default="platform", help="how lines name things")
    for name, help_text in (
        ("list", "the registry's versions"),
        ("history", "promotions and rollbacks, newest first: who, when, from, to, forced and why"),
    ):
        sub.add_parser(name, help=help_text).add_argument("--community", required=True)
    promote = sub.add_parser("promote", help="make VERSION the active model, through the gate")
    promote.add_argument("version")
    promote.add_argument("--community", required=True)
    promote.add_argument(
        "--min-groups", type=int, default=MIN_PROMOTION_GROUPS, help="refuse a model trained on fewer groups"
    )
    promote.add_argument("--force", action="store_true", help="promote although the gate refuses (needs --reason)")
    rollback = sub.add_parser("rollback", help="back to the previous active model")
    rollback.add_argument("--community", required=True)
    for cmd in (promote, rollback):
        cmd.add_argument("--by", default=_operator(), help="who does it, for the history (default: this login)")
        cmd.add_argument("--reason", help="why, for the history (required with --force)")
    shadow = sub.add_parser("shadow", help="score VERSION in shadow (`none`: stop; `report`: score the log)")
    shadow.add_argument("version")
    shadow.add_argument("--community", required=True)
    shadow.add_argument(
        "--horizon-hours", type=float, default=SHADOW_HORIZON_HOURS, help="engagement this long after a decision"
    )
    experiment = sub.add_parser("experiment", help="gray release: rank --traffic of members with VERSION")
    experiment.add_argument("version", help="a registered version, or `stop`, or `report`")
    experiment.add_argument("--community", required=True)
    experiment.add_argument("--traffic", type=float, default=0.1, help="share of members in the new arm (0-1]")
    return p


def _operator() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def cli_settings(settings: Settings) -> Settings:
    """A command-line run starts no scheduler: no golden-slot pushes, no billing runs, no outbox relay; the
    in-process services are there to answer the tool's calls, nothing else."""
    return settings.model_copy(
        update={
            "slot_scheduler_enabled": False,
            "billing_scheduler_interval_seconds": 0.0,
            "outbox_relay_enabled": False,
        }
    )


# The lines `train` says as it passes its phases: loading, the counts, training groups, test groups, LightGBM, ALS,
# scoring, registering.
TRAIN_PHASES = 8


def _say(text: str) -> None:
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


async def run(args: argparse.Namespace, settings: Settings) -> dict[str, Any]:
    settings = cli_settings(settings)
    topology = Topology(settings)
    mongo = create_mongo_client(settings.mongodb_uri or "", app_name="distribution_ranking")
    try:
        async with topology.running():
            community = await topology.users.get_community_by_slug(args.community)
            store = DistributionStore(mongo[settings.database_name("distribution")])
            await store.ensure_indexes()
            registry = ModelRegistry(store)
            cid = ObjectId(community.id)
            if args.command == "train":
                fallback = heuristic_weights(settings)
                return await _train(args, store, registry, topology, community.id, community.timezone, fallback)
            if args.command in ("rank", "evaluate"):
                context = JudgmentContext(
                    store,
                    registry,
                    topology.users,
                    topology.content,
                    community.id,
                    community.timezone,
                    heuristic=heuristic_weights(settings),
                )
                return await judge(args, context)
            if args.command == "list":
                return {"versions": await registry.list_versions(cid)}
            if args.command == "history":
                return {"history": await registry.history(cid)}
            if args.command == "experiment":
                if args.version == "report":
                    return await ExperimentsService(store).model_experiment_report(cid)
                if args.version == "stop":
                    pointer = await registry.stop_experiment(cid)
                else:
                    pointer = await registry.start_experiment(cid, args.version, args.traffic)
                return {"active": pointer.get("active"), "experiment": pointer.get("experiment")}
            if args.command == "shadow" and args.version == "report":
                return await ExperimentsService(store).shadow_report(cid, horizon=timedelta(hours=args.horizon_hours))
            if args.command == "promote":
                candidate = await registry.get_or_raise(cid, args.version)
                verdict = await assess(
                    store,
                    topology.content,
                    community_id=community.id,
                    slug=args.community,
                    timezone=community.timezone,
                    candidate=candidate,
                    active=await registry.active_document(cid),
                    min_groups=args.min_groups,
                )
                pointer = await registry.promote(
                    cid, args.version, verdict=verdict, by=args.by, force=args.force, reason=args.reason
                )
                return {"active": pointer.get("active"), "shadow": pointer.get("shadow"), "gate": verdict.figures}
            if args.command == "rollback":
                pointer = await registry.rollback(cid, by=args.by, reason=args.reason)
            else:
                pointer = await registry.shadow(cid, None if args.version == "none" else args.version)
            return {"active": pointer.get("active"), "shadow": pointer.get("shadow")}
    finally:
        await mongo.close()


async def _train(
    args: argparse.Namespace,
    store: DistributionStore,
    registry: ModelRegistry,
    topology: Topology,
    community_id: str,
    timezone: str,
    heuristic: HeuristicWeights,
) -> dict[str, Any]:
    enabled = wanted(getattr(args, "no_progress", False))
    with ProgressBar(f"train {args.community}", TRAIN_PHASES, enabled=enabled) as bar:
        result, registered = await _train_phases(
            args, store, registry, topology, community_id, timezone, heuristic, bar
        )
        bar.to(TRAIN_PHASES)
    return result.report | {"registered": registered}


async def _train_phases(
    args: argparse.Namespace,
    store: DistributionStore,
    registry: ModelRegistry,
    topology: Topology,
    community_id: str,
    timezone: str,
    heuristic: HeuristicWeights,
    bar: ProgressBar,
) -> tuple[TrainingResult, bool]:
    """Load, train, register and report; each phase's line moves the bar one step (details show beside it)."""
    bar.phase(f"loading events of {args.community}")
    data = await load_training_data(
        store,
        topology.content,
        community_id=community_id,
        slug=args.community,
        timezone=timezone,
        since=args.since,
        until=args.until,
    )
    bar.phase(
        f"{len(data.log)} events, {len(data.catalog)} items, {len(data.logged_groups)} logged decisions with a positive"
    )
    result = await asyncio.to_thread(
        train_and_evaluate,
        data,
        seed=args.seed,
        progress=lambda line: bar.detail(line) if line.startswith(" ") else bar.phase(line),
        dask_scheduler=args.dask_scheduler,
        min_groups=args.min_groups,
        heuristic=heuristic,
    )
    registered = await registry.register(
        ObjectId(community_id),
        version=result.model_version,
        model_text=result.model_text,
        report=result.report,
        params=result.params,
        extra={
            "importance": result.importance,
            "als_params": result.als_params,
            "cold_start_test_groups": result.cold_start_test_groups,
        },
    )
    bar.phase(f"model {result.model_version} {'registered' if registered else 'was already registered'}")
    if args.report:
        args.report.parent.mkdir(parents=True, exist_ok=True)
        args.report.write_text(json.dumps(result.report, indent=2) + "\n")
        for path in write_plots(result, str(args.report.with_suffix(""))):
            bar.say(f"wrote {path}")
    return result, registered


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command in ("rank", "evaluate"):
        try:
            args.lines = args.input.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            _say(f"error: cannot read {args.input}: {exc}")
            return 2
    settings = resolved_settings(cli_settings(get_settings()))
    try:
        out = asyncio.run(run(args, settings))
    except (ServiceError, ValueError) as exc:
        _say(f"error: {exc}")
        return 1
    if args.command == "evaluate":
        sys.stdout.write(metrics_table(out))
    if args.command in ("rank", "evaluate") or getattr(args, "json", False):
        # One line, always last: what scripts read.
        sys.stdout.write(json.dumps(out, default=str, separators=(",", ":")) + "\n")
    else:
        sys.stdout.write(json.dumps(out, indent=2, default=str) + "\n")
    return 0
