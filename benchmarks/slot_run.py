"""A golden-slot run against bare LightGBM predict, whole and in two partitions: `python -m benchmarks.slot_run`.

    python -m benchmarks.slot_run [--members 100000] [--delivery-history-days N] [--partition-processes]
        [--mongodb-uri URI]

A community of --members active members and 500 items (benchmarks/ranking.py builds it), a trained model promoted.
Measured in one run: bare `Booster.predict` (one thread) at its fastest, a chunk of the run's own members' candidate
matrices (CHUNK, 200) stacked into one call, as members per second (`bare_predict_members_per_s`, every
`*_vs_bare_predict` ratio's baseline; before the sixteenth session it was one member's matrix a call, still printed as
`bare_predict_one_member_per_call_members_per_s`: slower, a call's fixed cost paid by each member); the slot run of
every member, members per second; the same slot (another day) run as two partitions side by side (`--partition 0/2`
and `1/2`) in this process, or with `--partition-processes` each in its own worker process as a cron runs them
(benchmarks/slot_partition_worker.py: started and warmed before the clock starts, each reading the reach itself),
members per second, with each member's deliveries counted: every member delivered exactly once; and the run until its
impressions are counted by the ingest worker (`slot_run_impressions_stored_*`: "until counted", the name kept). The
whole run's CPU per member, split: this process (`slot_run_platform_cpu_ms_per_member`: ranking, the reads' and
writes' client side, the ingest worker counting its impressions meanwhile) and, when the server is started here, the
database server's (`slot_run_database_cpu_ms_per_member`): on the one core they share, both are the run's cost; the
same two for the partitioned run (`slot_run_2_partitions_platform_cpu_ms_per_member`: with worker processes, theirs
and this one's; `..._database_...`); and the decision log's codecs on 200 of the run's decisions, CPU to pack one and
its bytes (`decision_log_<codec>_*`, benchmarks/decision_log_codec.py); and this process's database clients'
heartbeats over the whole benchmark, how many failed (a timeout makes the client drop its connections) and why, and
the latest answer (`slot_database_heartbeats_failed`, `..._heartbeat_failure_reasons`, `..._heartbeat_latest_answer_s`,
benchmarks/heartbeats.py).
benchmarks/hot_path.py runs this pinned to the platform's core. `--delivery-history-days N` first gives every
member three deliveries a day for the N days before the last one (none inside the daily cap's 24 hours, so nobody
is capped): a community that has run slots for a while, whose members' earlier deliveries a run must not read.
The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import lightgbm as lgb
import numpy as np
from bson import ObjectId
from pymongo import monitoring
from pymongo.errors import AutoReconnect

from benchmarks.common import print_summary
from benchmarks.decision_log_codec import codec_figures
from benchmarks.heartbeats import HeartbeatWatch
from benchmarks.ranking import build_community, median_seconds
from benchmarks.served_model import promote_trained, synthetic_model
from benchmarks.slot_partition_worker import partitions_in_processes
from composition.topology import Topology
from distribution_service.domain import decision_log
from distribution_service.domain.honeycomb import Scene, Slot
from distribution_service.schemas import FeedRequest
from distribution_service.service import DistributionService
from distribution_service.service.scheduled import CHUNK, run_slot_for_community
from infra.embedded import EmbeddedServer
from infra.settings import Settings


async def outbox_drained(service: DistributionService, limit_seconds: float = 600.0) -> bool:
    """Wait until the ingest worker has taken every outbox entry (counted their events); False when
    `limit_seconds` passed first."""
    deadline = time.perf_counter() + limit_seconds
    while await service.store.events.outbox.entries.estimated_document_count():
        if time.perf_counter() > deadline:
            return False
        await asyncio.sleep(0.05)
    return True


def process_cpu_seconds(pid: int | None) -> float | None:
    """A process's CPU seconds (user and system) from /proc; None without a pid or on a system without it."""
    if pid is None:
        return None
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rpartition(")")[2].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def per_member_ms(before: float | None, after: float | None, members: int) -> float | None:
    return round((after - before) / members * 1000, 2) if before is not None and after is not None else None


async def seed_delivery_history(service: DistributionService, cid: ObjectId, members: list[str], days: int) -> int:
    """Three deliveries a day for each member over `days` days ending a day ago (outside the cap's 24 hours)."""
    now = datetime.now(UTC)
    docs: list[dict[str, Any]] = [
        {
            "community_id": cid,
            "member_id": ObjectId(m),
            "slot": slot.value,
            "day": f"history-{d}",
            "items": [],
            "created_at": now - timedelta(days=d + 1, hours=hours),
            "opened_at": None,
            "shared_at": None,
        }
        for d in range(days)
        for slot, hours in ((Slot.MORNING, 13), (Slot.NOON, 8), (Slot.EVENING, 1))
        for m in members
    ]
    for lo in range(0, len(docs), 5000):
        await service.store.deliveries.deliveries.insert_many(docs[lo : lo + 5000], ordered=False)
    return len(docs)


async def ranked_community(services: Topology, members_wanted: int) -> tuple[str, list[str], str]:
    """The benchmark's community (benchmarks/ranking.py) with a trained model promoted: its id, members, model."""
    service: DistributionService = services.apps["distribution"].state.service
    trained = synthetic_model()
    cid, members = await build_community(services, members_wanted)
    await promote_trained(service.registry, ObjectId(cid), trained, by="benchmarks/slot_run.py")
    return cid, members, trained.model_text


DELETE_RETRIES = 20


async def delete_in_batches(collection: Any, query: dict[str, Any], batch: int = 1_000) -> int:
    """Delete what `query` matches up to `batch` documents a command, each an `_id` range of the ids read once (one
    delete of a 100,000-member run's deliveries, five indexes each, kept the server from answering its client's
    heartbeat for seconds; an `$in` of the ids is matched against every document, slower still; finding each range's
    end with `skip` made SecantusDB fetch and sort every remaining document per command: 62% of the server's samples
    in the seventeenth session's first 100,000-member run); how many."""
    ids = [doc["_id"] async for doc in collection.find(query, {"_id": 1}).sort("_id", 1)]
    deleted = 0
    for lo in range(0, len(ids), batch):
        bounds = {"_id": {"$gte": ids[lo], "$lte": ids[min(lo + batch, len(ids)) - 1]}}
        for attempt in range(DELETE_RETRIES + 1):
            try:
                deleted += (await collection.delete_many({**query, **bounds})).deleted_count
                break
            except AutoReconnect:
                # The server busy past the client's patience: ask again (the range deletes nothing twice).
                if attempt == DELETE_RETRIES:
                    raise
                await asyncio.sleep(2.0)
    return deleted


def bare_predict_stacked(booster: lgb.Booster, matrices: list[np.ndarray], repeats: int = 20) -> float:
    """Bare predict's members per second at its fastest: the run's own members' matrices (a chunk's worth, CHUNK)
    stacked into one `Booster.predict` call, as the run itself scores a chunk (ranker `_stacked_scores`); a call's
    fixed cost is shared by the chunk's members, so this baseline is faster, and the ratio stricter, than one member
    a call."""
    stacked = np.ascontiguousarray(np.vstack(matrices))
    return len(matrices) / median_seconds(lambda: booster.predict(stacked, num_threads=1), repeats)


async def measure(
    services: Topology,
    members_wanted: int,
    server_pid: int | None = None,
    history_days: int = 0,
    *,
    uri: str,
    db_prefix: str,
    partition_processes: bool = False,
) -> dict[str, Any]:
    service: DistributionService = services.apps["distribution"].state.service
    cid, members, model_text = await ranked_community(services, members_wanted)
    oid = ObjectId(cid)
    request = FeedRequest(member_id=members[0], slot=Slot.MORNING, scene=Scene.BEFORE_DECISION, first=5)
    page = await services.distribution.feed(cid, request)
    decision = await service.store.decisions.get_decision(oid, ObjectId(page.decision_id))
    assert decision is not None
    x = decision_log.features(decision)
    booster = lgb.Booster(model_str=model_text)
    # One member's matrix a call: the baseline of the sessions before the sixteenth, kept beside the stacked one.
    one_per_call = 1 / median_seconds(lambda: booster.predict(x, num_threads=1), 200)

    history = await seed_delivery_history(service, oid, members, history_days) if history_days else 0
    await outbox_drained(service)
    cpu_before, db_before = time.process_time(), process_cpu_seconds(server_pid)
    started = time.perf_counter()
    whole = await run_slot_for_community(service.slots, oid, Slot.EVENING, day="2030-01-01", top_k=5)
    whole_rate = len(members) / (time.perf_counter() - started)
    cpu_after, db_after = time.process_time(), process_cpu_seconds(server_pid)
    # The run's impressions travel in outbox entries that the ingest worker counts (item counters; the decisions
    # are their record, nothing is stored in `events`): the rate until they are all counted too. The key keeps its
    # name, `slot_run_impressions_stored_*`: "stored" there means "counted" since they are no longer stored.
    stored = await outbox_drained(service)
    stored_rate = len(members) / (time.perf_counter() - started) if stored else None
    # The decision log's codecs on 200 of the run's decisions (benchmarks/decision_log_codec.py), outside the clock.
    logged = service.store.decisions.decisions.find({"community_id": oid, "codec": {"$exists": True}}).limit(CHUNK)
    logged_docs = [doc async for doc in logged]
    codecs = codec_figures(logged_docs)
    bare = bare_predict_stacked(booster, [decision_log.features(doc) for doc in logged_docs])
    # The cap counts the last 24 hours' deliveries: the partitioned run starts from none (the history stays).
    await delete_in_batches(service.store.deliveries.deliveries, {"community_id": oid, "day": "2030-01-01"})
    # The partitions read the reach themselves (once for both, service/slots.py), not the whole run's kept read.
    service.slots.forget_reach(oid)
    workers = (
        await partitions_in_processes(uri, db_prefix, cid, members[0], day="2030-01-02", partitions=2)
        if partition_processes
        else None
    )
    parted_cpu_before, parted_db_before = time.process_time(), process_cpu_seconds(server_pid)
    started = time.perf_counter()
    if workers is not None:
        parts = await workers.run()
    else:
        parts = [
            {"delivered": r.delivered, "cpu_seconds": 0.0}
            for r in await asyncio.gather(
                *(
                    run_slot_for_community(
                        service.slots, oid, Slot.EVENING, day="2030-01-02", top_k=5, partition_index=i, partitions=2
                    )
                    for i in range(2)
                )
            )
        ]
    parted_rate = len(members) / (time.perf_counter() - started)
    parted_cpu_after, parted_db_after = time.process_time(), process_cpu_seconds(server_pid)
    # Platform CPU of the partitioned run: this process's and, in worker processes, theirs.
    workers_cpu = sum(p["cpu_seconds"] for p in parts)
    per_member = Counter(
        [
            str(m)
            async for m in (
                await service.store.deliveries.deliveries.aggregate(
                    [
                        {"$match": {"community_id": oid, "day": "2030-01-02", "slot": Slot.EVENING.value}},
                        {"$project": {"member_id": 1}},
                    ]
                )
            )
        ]
    )
    return {
        "slot_members": len(members),
        "slot_candidates": int(len(x)),
        "slot_delivery_history": history,
        "bare_predict_members_per_s": round(bare, 1),
        "bare_predict_one_member_per_call_members_per_s": round(one_per_call, 1),
        "slot_run_members_per_s": round(whole_rate, 1),
        "slot_run_vs_bare_predict": round(whole_rate / bare, 4),
        "slot_run_delivered": whole.delivered,
        "slot_run_platform_cpu_ms_per_member": per_member_ms(cpu_before, cpu_after, len(members)),
        "slot_run_database_cpu_ms_per_member": per_member_ms(db_before, db_after, len(members)),
        "slot_run_impressions_stored_members_per_s": round(stored_rate, 1) if stored_rate else None,
        "slot_run_impressions_stored_vs_bare_predict": round(stored_rate / bare, 4) if stored_rate else None,
        "slot_run_2_partitions_members_per_s": round(parted_rate, 1),
        "slot_run_2_partitions_vs_bare_predict": round(parted_rate / bare, 4),
        "slot_run_2_partitions_delivered": sum(p["delivered"] for p in parts),
        "slot_run_2_partitions_platform_cpu_ms_per_member": per_member_ms(
            parted_cpu_before, parted_cpu_after + workers_cpu, len(members)
        ),
        "slot_run_2_partitions_database_cpu_ms_per_member": per_member_ms(
            parted_db_before, parted_db_after, len(members)
        ),
        "slot_run_2_partitions_each_member_once": len(per_member) == len(members) and set(per_member.values()) == {1},
        "slot_run_2_partitions_in_processes": partition_processes,
        **codecs,
    }


def bench_settings(uri: str, db_prefix: str) -> Settings:
    return Settings(app_env="test", mongodb_uri=uri, db_prefix=db_prefix, seed_demo=False)


async def run(
    uri: str, members: int, server_pid: int | None = None, history_days: int = 0, partition_processes: bool = False
) -> dict[str, Any]:
    db_prefix = f"slot{uuid.uuid4().hex[:8]}"
    async with Topology(bench_settings(uri, db_prefix)).running() as services:
        return await measure(
            services,
            members,
            server_pid,
            history_days,
            uri=uri,
            db_prefix=db_prefix,
            partition_processes=partition_processes,
        )


# SecantusDB's in-memory engine keeps everything in its 1 GB cache (secantus/storage.py): a run's decision logs (each
# member's candidate matrix, packed) fill it at some tens of thousands of members and writes then fail.
MEMORY_MEMBERS_MAX = 20_000


def scratch_parent() -> Path:
    parent = Path("var") / "benchmarks"
    parent.mkdir(parents=True, exist_ok=True)
    return parent


def storage_path(choice: str, members: int, scratch: str) -> str:
    """The embedded server's --storage-path: ":memory:", or the scratch directory (disk)."""
    disk = choice == "disk" or (choice == "auto" and members > MEMORY_MEMBERS_MAX)
    return scratch if disk else ":memory:"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument(
        "--delivery-history-days", type=int, default=0, help="earlier deliveries per member: 3 a day for N days"
    )
    parser.add_argument("--mongodb-uri", help="a running server (default: one started here, see --storage)")
    parser.add_argument(
        "--partition-processes",
        action="store_true",
        help="run the two partitions as two worker processes (a cron's workers), not side by side in this one",
    )
    parser.add_argument(
        "--storage",
        choices=("auto", "memory", "disk"),
        default="auto",
        help="the server started here: in memory, or on disk in a scratch directory under var/benchmarks (auto: disk "
        f"above {MEMORY_MEMBERS_MAX:,} members, whose decision logs outgrow the in-memory engine's 1 GB cache)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="slot_run-", dir=scratch_parent()) as scratch:
        storage = storage_path(args.storage, args.members, scratch)
        log = scratch_parent() / "slot_run-server.log"
        server = None if args.mongodb_uri else EmbeddedServer(storage, log_path=log)
        if server:
            server.start()
        # After the start (whose probes meet a server not yet listening), before the run's clients: they report here.
        heartbeats = HeartbeatWatch()
        monitoring.register(heartbeats)
        try:
            pid = server.process.pid if server and server.process else None
            uri = args.mongodb_uri or (server.uri if server else "")
            figures = asyncio.run(run(uri, args.members, pid, args.delivery_history_days, args.partition_processes))
        finally:
            if server:
                server.stop()
    figures["slot_database_storage"] = (
        "given by --mongodb-uri" if args.mongodb_uri else "memory" if storage == ":memory:" else "disk"
    )
    figures.update(heartbeats.figures("slot_database"))
    for key, value in figures.items():
        print(f"{key:40} {value}")
    print_summary(figures)


if __name__ == "__main__":
    main()
