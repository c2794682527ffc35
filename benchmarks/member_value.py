"""Member-value batch jobs on a generated 100,000-member community: `python -m benchmarks.member_value`.

Members are created in bulk through `UsersClient.import_members` (the batched import; in-process
users_service on an in-memory SecantusDB), with join dates spread over the last three years. Their
history (engagement, payments, content) is synthetic and served from memory by stand-ins for the
distribution, billing and content clients, answering "since T" exactly as those services do, so the figures
are users_service's own work: reading every member, scoring, writing what changed. The aggregation time of
the other services is not included (their own benchmarks measure it).

Baseline, measured in the same run: one full read of the community's member documents (the floor of any job
that looks at every member). Options: MEMBERS (default 100000).
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import numpy as np

from distribution_service.schemas import MemberActivity
from infra.embedded import EmbeddedServer
from infra.mongo import create_mongo_client
from infra.settings import Settings
from users_service.app import create_app
from users_service.client import UsersClient
from users_service.schemas import CommunityCreate, LtvTrain, MemberImport, MemberImportBatch

DAY = 86400.0


class History:
    """Synthetic per-member events, payments and posts, with ages in days before `now`."""

    def __init__(self, member_ids: list[str], now: datetime, seed: int = 6) -> None:
        rng = np.random.default_rng(seed)
        n = len(member_ids)
        self.ids = np.array(member_ids)
        self.now = now
        # Engagement: a long tail; 45% of members never act.
        rate = np.where(rng.random(n) < 0.45, 0.0, rng.lognormal(1.0, 1.2, n))
        counts = rng.poisson(rate * 3)
        self.event_member = np.repeat(np.arange(n), counts)
        # Active members keep acting: ages spread over 900 days, weighted towards recent.
        self.event_age = rng.exponential(200.0, self.event_member.size).clip(0, 899)
        # Payments: 8% subscribe monthly at 2900 from a random start, some stop.
        payer = np.flatnonzero(rng.random(n) < 0.08)
        start = rng.integers(30, 900, payer.size)
        stop = np.maximum(start - rng.integers(30, 900, payer.size), 0)
        months = (start - stop) // 30 + 1
        self.pay_member = np.repeat(payer, months)
        self.pay_age = np.concatenate([s - 30 * np.arange(m) for s, m in zip(start, months, strict=True)]).astype(float)
        # Content: authors are the most engaged members.
        author_weight = rate / rate.sum()
        self.post_member = rng.choice(n, size=n // 4, p=author_weight)
        self.post_age = rng.exponential(200.0, self.post_member.size).clip(0, 899)

    def _within(self, ages: np.ndarray, since: datetime | None) -> np.ndarray:
        if since is None:
            return np.ones(ages.size, dtype=bool)
        return ages < (self.now - since).total_seconds() / DAY

    async def activity_by_member(self, community_id: str, since: datetime | None = None) -> dict[str, MemberActivity]:
        keep = self._within(self.event_age, since)
        members, ages = self.event_member[keep], self.event_age[keep]
        counts = np.bincount(members, minlength=self.ids.size)
        youngest = np.full(self.ids.size, np.inf)
        np.minimum.at(youngest, members, ages)
        return {
            str(self.ids[i]): MemberActivity(
                events=int(counts[i]),
                engagement=float(counts[i]),
                last_at=self.now - timedelta(days=float(youngest[i])),
            )
            for i in np.flatnonzero(counts)
        }

    async def revenue_by_member(self, community_id: str, since: datetime | None = None) -> dict[str, int]:
        keep = self._within(self.pay_age, since)
        totals = np.bincount(self.pay_member[keep], minlength=self.ids.size) * 2900
        return {str(self.ids[i]): int(totals[i]) for i in np.flatnonzero(totals)}

    async def counts_by_author(self, community_id: str, since: datetime | None = None) -> dict[str, dict[str, int]]:
        keep = self._within(self.post_age, since)
        counts = np.bincount(self.post_member[keep], minlength=self.ids.size)
        return {str(self.ids[i]): {"UGC": int(counts[i])} for i in np.flatnonzero(counts)}


class LateUpstreams:
    """Stand-in clients whose history is filled in once the members exist."""

    history: History | None = None

    def __getattr__(self, name: str) -> Callable[..., Awaitable[Any]]:
        assert self.history is not None
        method: Callable[..., Awaitable[Any]] = getattr(self.history, name)
        return method


async def timed(call: Callable[[], Awaitable[Any]], *, repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        await call()
        samples.append(time.perf_counter() - started)
    return samples


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


async def run(n: int, uri: str) -> dict[str, Any]:
    settings = Settings(app_env="test", mongodb_uri=uri, db_prefix=f"bench{uuid.uuid4().hex[:8]}", seed_demo=False)
    stand_in = LateUpstreams()
    fake = cast(Any, stand_in)
    app = create_app(settings, distribution=fake, billing=fake, content=fake)
    users = UsersClient.in_process(app, timeout=3600)
    figures: dict[str, Any] = {"members": n}
    async with app.router.lifespan_context(app):
        community = await users.create_community(CommunityCreate(slug="bench", name="Bench"))
        started = time.perf_counter()
        ids: list[str] = []
        now = datetime.now(UTC)
        joined = np.random.default_rng(4).uniform(1, 1100, n)
        for first in range(0, n, 1000):
            batch = [
                MemberImport(
                    source_id=str(i),
                    handle=f"m{i}",
                    display_name=f"Member {i}",
                    joined_at=now - timedelta(days=float(joined[i])),
                )
                for i in range(first, min(first + 1000, n))
            ]
            result = await users.import_members(community.id, MemberImportBatch(source="bench", members=batch))
            ids.extend(item.id for item in result.items if item.id)
        figures["generate_s"] = round(time.perf_counter() - started, 1)
        print(f"imported {len(ids)} members through UsersClient in {figures['generate_s']} s", file=sys.stderr)
        stand_in.history = History(ids, datetime.now(UTC))

        mongo = create_mongo_client(uri, app_name="bench")
        members = mongo[settings.database_name("users")]["members"]
        from bson import ObjectId

        async def read_all() -> None:
            async for _ in members.find({"community_id": ObjectId(community.id)}, {"tier": 1}, batch_size=10_000):
                pass

        baseline = statistics.median(await timed(read_all, repeat=3))
        figures["baseline_read_all_ms"] = ms(baseline)
        print(f"baseline read of every member: {figures['baseline_read_all_ms']} ms", file=sys.stderr)

        started = time.perf_counter()
        first_run = await users.recompute_tiers(community.id)
        figures["tiers_first_run_ms"] = ms(time.perf_counter() - started)
        figures["tiers_first_run_changes"] = first_run.promotions + first_run.demotions
        print(f"first tier run: {figures['tiers_first_run_ms']} ms", file=sys.stderr)
        started = time.perf_counter()
        second = await users.recompute_tiers(community.id)
        figures["tiers_steady_run_ms"] = ms(time.perf_counter() - started)
        figures["tiers_steady_run_changes"] = second.promotions + second.demotions
        print(f"steady tier run: {figures['tiers_steady_run_ms']} ms", file=sys.stderr)
        figures["tier_distribution_ms"] = ms(
            statistics.median(await timed(lambda: users.tier_distribution(community.id), repeat=5))
        )
        figures["rfm_pyramid_ms"] = ms(
            statistics.median(await timed(lambda: users.rfm_pyramid(community.id), repeat=5))
        )
        started = time.perf_counter()
        model = await users.train_ltv(community.id, LtvTrain(horizon_days=365))
        figures["ltv_train_ms"] = ms(time.perf_counter() - started)
        print(f"LTV training: {figures['ltv_train_ms']} ms", file=sys.stderr)
        figures["ltv"] = {
            "train_members": model.train_members,
            "test_members": model.test_members,
            "mae": round(model.model.mae, 1),
            "naive_mae": round(model.naive.mae, 1),
            "mean_mae": round(model.mean.mae, 1),
            "rmse": round(model.model.rmse, 1),
            "naive_rmse": round(model.naive.rmse, 1),
            "total_ratio": round(model.total_ratio, 3) if model.total_ratio is not None else None,
        }
        print(f"LTV report: {json.dumps(figures['ltv'])}", file=sys.stderr)
        started = time.perf_counter()
        await users.community_stage(community.id)
        figures["community_stage_ms"] = ms(time.perf_counter() - started)
        distribution = await users.tier_distribution(community.id)
        pyramid = await users.rfm_pyramid(community.id)
        figures["tiers"] = {t.tier.value: t.share for t in distribution.tiers}
        figures["pyramid"] = {layer.layer.value: layer.share for layer in pyramid.layers}
        # The in-memory server goes away with the run: nothing to drop.
        await mongo.close()
    await users.aclose()
    for key in ("tiers_first_run_ms", "tiers_steady_run_ms", "ltv_train_ms"):
        figures[key.replace("_ms", "_x_baseline")] = round(figures[key] / figures["baseline_read_all_ms"], 1)
    return figures


def main() -> None:
    n = int(os.environ.get("MEMBERS", "100000"))
    given = os.environ.get("BENCH_MONGODB_URI")
    server = None if given else EmbeddedServer(":memory:")
    if server:
        server.start()
    try:
        figures = asyncio.run(run(n, given or (server.uri if server else "")))
    finally:
        if server:
            server.stop()
    print(f"members: {figures['members']}  (imported through UsersClient in {figures['generate_s']} s)")
    print(f"baseline, one read of every member document: {figures['baseline_read_all_ms']} ms")
    for key in ("tiers_first_run", "tiers_steady_run", "ltv_train"):
        print(f"{key}: {figures[key + '_ms']} ms = {figures[key + '_x_baseline']} x baseline")
    reads = (figures["tier_distribution_ms"], figures["rfm_pyramid_ms"])
    print(f"tierDistribution median {reads[0]} ms, rfmPyramid median {reads[1]} ms")
    print(json.dumps(figures, sort_keys=True))


if __name__ == "__main__":
    main()
