"""The Stack Exchange import of one shared dump: `python -m benchmarks.import_dump [--dump cardano] [--repeats 1]`.

Imports the dump through the product (composition.importers.stackexchange, the services in process) into a fresh
community on an in-memory SecantusDB started for the run (or BENCH_MONGODB_URI), and prints its phases as the
import reports them: members (Users.xml), content (questions and answers), events (Comments.xml: member events),
signals (Votes.xml: per-post votes, most without a member) and tiers (the closing tier run). Then the same import
again (every record already there: the re-run path).

Baseline, in the same run on the same server: a bare `insert_many(ordered=False)` of the very documents the
import stored (read back, `_id` dropped), in batches of the import's size, into collections without indexes: the
floor of writing the same data. `ratio_to_bare` = the import's seconds (members to signals, without the tier run
and the first look at Posts.xml) / the bare seconds. Medians over --repeats rounds, each round a new community.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from pathlib import Path
from typing import Any

from benchmarks.common import print_summary, scratch_settings
from composition.importers.stackexchange.pipeline import ImportOptions, import_dump
from composition.topology import Topology
from infra.bulk import MAX_IMPORT_BATCH
from infra.mongo import create_mongo_client
from infra.settings import ServiceName, Settings

# Phase -> the report's file labels it sums.
PHASES = {
    "members": ("Users.xml",),
    "content": ("Posts.xml (questions)", "Posts.xml (answers)"),
    "events": ("Comments.xml",),
    "signals": ("Votes.xml",),
}
# (service, collection) the import writes, for the bare baseline.
STORED: tuple[tuple[ServiceName, str], ...] = (
    ("users", "members"),
    ("content", "content"),
    ("distribution", "events"),
    ("distribution", "item_signals"),
)


def phases(summary: dict[str, Any], total: float) -> dict[str, float]:
    files = summary["files"]
    found = {name: sum(files.get(label, {}).get("seconds", 0.0) for label in labels) for name, labels in PHASES.items()}
    found["tiers"] = round(total - sum(found.values()) - files.get("Posts.xml (experts)", {}).get("seconds", 0.0), 2)
    return found


async def bare(settings: Settings, community_id: str, tag: str) -> tuple[float, int]:
    """Seconds to insert_many the documents the import stored, in batches, into collections without indexes."""
    from bson import ObjectId

    client = create_mongo_client(settings.mongodb_uri or "", app_name="bench-import-bare")
    try:
        batches: list[tuple[Any, list[dict[str, Any]]]] = []
        for service, name in STORED:
            db = client[settings.database_name(service)]
            docs = [
                {k: v for k, v in doc.items() if k != "_id"}
                async for doc in db[name].find({"community_id": ObjectId(community_id)})
            ]
            target = db[f"bare_{name}_{tag}"]
            batches += [(target, docs[lo : lo + MAX_IMPORT_BATCH]) for lo in range(0, len(docs), MAX_IMPORT_BATCH)]
        started = time.perf_counter()
        for target, docs in batches:
            await target.insert_many(docs, ordered=False)
        return time.perf_counter() - started, sum(len(d) for _, d in batches)
    finally:
        await client.close()


async def run(folder: Path, repeats: int) -> dict[str, Any]:
    rows: list[dict[str, float]] = []
    with scratch_settings(service_timeout_seconds=3600, outbox_relay_enabled=False) as settings:
        async with Topology(settings).running() as services:
            for round_no in range(repeats):
                slug = f"{folder.name.replace('.', '-')}-{round_no}"
                started = time.perf_counter()
                report = await import_dump(services, folder, slug, ImportOptions(), progress=lambda line: None)
                total = time.perf_counter() - started
                summary = report.summary()
                started = time.perf_counter()
                again = (
                    await import_dump(services, folder, slug, ImportOptions(), progress=lambda line: None)
                ).summary()
                reimport = time.perf_counter() - started
                assert sum(again["created"].values()) == 0, again["created"]
                community = await services.users.get_community_by_slug(slug)
                bare_seconds, documents = await bare(settings, community.id, str(round_no))
                row = phases(summary, total)
                written = sum(row[p] for p in PHASES)
                row |= {"total": total, "reimport": reimport, "bare": bare_seconds, "documents": float(documents)}
                row["ratio_to_bare"] = written / bare_seconds
                rows.append(row)
                print(
                    f"round {round_no}: " + " ".join(f"{k}={v:.2f}" for k, v in row.items()),
                    f"created={summary['created']}",
                    flush=True,
                )
    med = {k: round(statistics.median(r[k] for r in rows), 2) for k in rows[0]}
    figures: dict[str, Any] = {"dump": folder.name, "repeats": repeats}
    figures |= {f"{k}_seconds": v for k, v in med.items() if k not in ("documents", "ratio_to_bare")}
    figures["documents"] = int(med["documents"])
    figures["ratio_to_bare"] = med["ratio_to_bare"]
    figures["documents_per_second"] = round(med["documents"] / med["total"], 1)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.import_dump", description=__doc__)
    parser.add_argument("--dump", default="cardano", help="folder under the shared dumps (default cardano)")
    parser.add_argument("--data", type=Path, help="the dumps' folder (default: the stackexchange_data_dir setting)")
    parser.add_argument("--repeats", type=int, default=1, help="rounds, each a new community (default 1)")
    args = parser.parse_args()
    folder = (args.data or Settings().stackexchange_data_dir) / args.dump
    if not folder.is_dir():
        parser.error(f"no dump at {folder}")
    print_summary(asyncio.run(run(folder, args.repeats)))


if __name__ == "__main__":
    main()
