"""Ranking cost: a feed of 500 candidates end to end, and a golden-slot run, against bare LightGBM.

    python -m benchmarks.ranking [--members 2000] [--repeats 30] [--storage-path DIR]

1. One member's feed over 500 candidates, end to end (content candidates, counters, member history, features,
   model, diversity, decision log, impressions), against `Booster.predict` on the same 500-row matrix, and
   the lleaves-compiled model that serving uses on that matrix.
2. A slot run's members per second on a generated community of --members active members (the issue's
   100,000 is `--members 100000`; it is linear in members), against bare predict's throughput (members/s if
   ranking a member cost only one 500-row predict).

Everything runs in this process, on an in-memory SecantusDB by default. `--storage-path DIR` keeps the server's
data on disk in DIR instead, and a later run with the same DIR and --members reuses the community it built
(building 100,000 members takes longer than the slot run itself; the report says whether it was reused).
The last line is one JSON object of the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import lightgbm as lgb
import numpy as np
from bson import BSON, ObjectId

from composition.topology import Topology
from content_service.schemas import ContentImport, ContentImportBatch
from distribution_service.domain import decision_log
from distribution_service.domain.honeycomb import Scene, Slot
from distribution_service.ranking.features import FEATURES
from distribution_service.ranking.gate import Verdict
from distribution_service.ranking.model import RankingModel
from distribution_service.ranking.training import TrainingData, train_and_evaluate
from distribution_service.schemas import EventImport, EventImportBatch, FeedRequest
from distribution_service.service import DistributionService
from distribution_service.service.scheduled import run_slot_for_community
from infra.embedded import EmbeddedServer
from infra.errors import NotFoundError
from infra.settings import Settings
from tests.unit.distribution_service.synthetic import DAY, START, community
from users_service.schemas import CommunityCreate, MemberImport, MemberImportBatch

BATCH = 1000
TAGS = ("python", "rust", "golang", "sql", "ml")


def median_seconds(fn: Callable[[], Any], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


async def median_seconds_async(fn: Callable[[], Any], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        await fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


async def build_community(services: Topology, members: int) -> tuple[str, list[str]]:
    created = await services.users.create_community(CommunityCreate(slug="bench", name="Bench", timezone="UTC"))
    cid = created.id
    now = datetime.now(UTC)
    ids: list[str] = []
    for lo in range(0, members, BATCH):
        batch = MemberImportBatch(
            source="bench",
            members=[
                MemberImport(
                    source_id=str(i), handle=f"m{i}", display_name=f"M {i}", joined_at=now - timedelta(days=60)
                )
                for i in range(lo, min(members, lo + BATCH))
            ],
        )
        ids += [item.id for item in (await services.users.import_members(cid, batch)).items if item.id]
    items = [
        ContentImport(
            source_id=str(i),
            author_id=ids[i % 40],
            kind="UGC",
            title=f"Piece {i}",
            body="b",
            tags=[TAGS[i % len(TAGS)]],
            created_at=now - timedelta(hours=i),
        )
        for i in range(500)
    ]
    result = await services.content.import_content(cid, ContentImportBatch(source="bench", items=items))
    content_ids = [item.id for item in result.items if item.id]
    rng = np.random.default_rng(5)
    events = [
        EventImport(
            source_id=f"e{i}",
            member_id=member,
            content_id=content_ids[int(rng.integers(0, 500))],
            type="OPEN",
            occurred_at=now - timedelta(days=1),
        )
        for i, member in enumerate(ids)
    ]
    for lo in range(0, len(events), BATCH):
        await services.distribution.import_events(cid, EventImportBatch(source="bench", events=events[lo : lo + BATCH]))
    return cid, ids


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    storage = args.storage_path or ":memory:"
    server = EmbeddedServer(storage)
    server.start()
    # On disk, one database prefix per community size, so that a later run finds the community built before.
    prefix = f"bench_ranking_{args.members}" if args.storage_path else f"b{uuid.uuid4().hex[:10]}"
    try:
        settings = Settings(app_env="test", mongodb_uri=server.uri, db_prefix=prefix, seed_demo=False)
        async with Topology(settings).running() as services:
            return await measure(services, args)
    finally:
        server.stop()


async def existing_community(services: Topology, service: DistributionService) -> tuple[str, list[str], bool]:
    """The community a run with the same --storage-path and --members built, with its active members."""
    try:
        found = await services.users.get_community_by_slug("bench")
    except NotFoundError:
        return "", [], False
    members = await service.slots.slot_members(ObjectId(found.id), partition_index=0, partitions=1)
    return found.id, members.member_ids, True


async def measure(services: Topology, args: argparse.Namespace) -> dict[str, Any]:
    service: DistributionService = services.apps["distribution"].state.service
    catalog, log = community()
    trained = train_and_evaluate(TrainingData("bench", catalog, log, since=START, until=START + 61 * DAY))
    cid, members, reused = await existing_community(services, service)
    if not reused:
        sys.stderr.write(f"building a community of {args.members} members and 500 items\n")
        cid, members = await build_community(services, args.members)
    await service.registry.register(
        ObjectId(cid),
        version=trained.model_version,
        model_text=trained.model_text,
        report=trained.report,
        params=trained.params,
    )
    # The benchmark measures serving speed, not the model: past the promotion gate, with the reason on record.
    await service.registry.promote(
        ObjectId(cid),
        trained.model_version,
        verdict=Verdict(["not assessed"]),
        by="benchmarks/ranking.py",
        force=True,
        reason="serving benchmark on a synthetic community",
    )

    request = FeedRequest(member_id=members[0], slot=Slot.MORNING, scene=Scene.BEFORE_DECISION, first=20)
    page = await services.distribution.feed(cid, request)
    assert page.model_version == trained.model_version
    feed_s = await median_seconds_async(lambda: services.distribution.feed(cid, request), args.repeats)
    decision = await service.store.decisions.get_decision(ObjectId(cid), ObjectId(page.decision_id))
    assert decision is not None
    x = decision_log.features(decision)
    booster = lgb.Booster(model_str=trained.model_text)
    compiled = RankingModel(trained.model_version, trained.model_text, FEATURES, compiled=True)
    predict_s = median_seconds(lambda: booster.predict(x, num_threads=1), args.repeats * 10)
    compiled_s = median_seconds(lambda: compiled.score(x), args.repeats * 10)

    sys.stderr.write(f"slot run over {len(members)} members\n")
    # A reused community's earlier runs would count against today's delivery cap: start from none.
    await service.store.deliveries.deliveries.delete_many({"community_id": ObjectId(cid)})
    start = time.perf_counter()
    result = await run_slot_for_community(service.slots, ObjectId(cid), Slot.EVENING, day="2030-01-01", top_k=5)
    slot_s = time.perf_counter() - start
    decisions = await service.store.decisions.decisions.aggregate(
        [{"$match": {"community_id": ObjectId(cid), "source": "slot"}}, {"$sample": {"size": 200}}]
    )
    sizes = [len(BSON.encode(d)) async for d in decisions]
    figures = {
        "candidates": int(len(x)),
        "feed_end_to_end_ms": round(feed_s * 1000, 3),
        "bare_predict_ms": round(predict_s * 1000, 3),
        "compiled_predict_ms": round(compiled_s * 1000, 3),
        "feed_over_bare_predict": round(feed_s / predict_s, 1),
        "bare_over_compiled_predict": round(predict_s / compiled_s, 1),
        "community_reused": reused,
        "slot_members": len(members),
        "slot_delivered": result.delivered,
        "slot_seconds": round(slot_s, 1),
        "slot_members_per_second": round(len(members) / slot_s, 1),
        "decision_log_bytes_median": int(statistics.median(sizes)) if sizes else 0,
        "bare_predict_members_per_second": round(1 / predict_s, 1),
        "bare_predict_over_slot_run": round((1 / predict_s) / (len(members) / slot_s), 1),
    }
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--storage-path", help="keep the database on disk here, and reuse a community built before")
    args = parser.parse_args()
    if args.storage_path:
        Path(args.storage_path).mkdir(parents=True, exist_ok=True)
    figures = asyncio.run(main_async(args))
    print(f"feed of {figures['candidates']} candidates end to end: {figures['feed_end_to_end_ms']} ms (median)")
    print(f"bare Booster.predict, same matrix:   {figures['bare_predict_ms']} ms")
    print(f"lleaves-compiled predict:            {figures['compiled_predict_ms']} ms")
    print(f"end to end / bare predict:           {figures['feed_over_bare_predict']}x")
    print(f"bare predict / compiled:             {figures['bare_over_compiled_predict']}x")
    print(f"slot run: {figures['slot_members_per_second']} members/s over {figures['slot_members']} members")
    print(f"decision log, median stored size:    {figures['decision_log_bytes_median']} bytes")
    print(f"bare predict throughput:             {figures['bare_predict_members_per_second']} members/s")
    print(f"bare predict / slot run:             {figures['bare_predict_over_slot_run']}x")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
