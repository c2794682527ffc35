"""Each experiments store finder runs on an index on the real server (SecantusDB's planner); plans only."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from bson import ObjectId

from distribution_service.store import DistributionStore
from tests.query_plans import PlanProbe, plan_probe

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)


@pytest.fixture
async def world(mongo_uri: str) -> AsyncIterator[tuple[PlanProbe, DistributionStore, ObjectId, ObjectId]]:
    async with plan_probe(mongo_uri) as probe:
        store = DistributionStore(probe.db)
        await store.ensure_indexes()
        community, experiment = ObjectId(), ObjectId()
        for n, status in enumerate(["RUNNING", "DRAFT", "FINISHED"]):
            doc = {"_id": experiment if n == 0 else ObjectId(), "community_id": community, "status": status}
            await store.experiments.insert_experiment({**doc, "created_at": NOW})
        await store.experiments.log_exposures(
            [
                {"community_id": community, "experiment_id": experiment, "member_id": ObjectId(), "arm": "a", "at": NOW}
                for _ in range(20)
            ]
        )
        await store.experiments.insert_result(
            {"community_id": community, "experiment_id": experiment, "finished_at": NOW}
        )
        probe.clear()
        yield probe, store, community, experiment


async def test_experiment_reads_use_their_indexes(
    world: tuple[PlanProbe, DistributionStore, ObjectId, ObjectId],
) -> None:
    probe, store, community, experiment = world
    assert len(await store.experiments.list_running(community)) == 1
    assert await store.experiments.list_running_communities() == [community]
    assert len(await store.experiments.list_exposures(community, experiment)) == 20
    await store.experiments.get_result(community, experiment)
    await store.experiments.list_results(community)
    await store.decisions.list_interleaved_decisions(community, experiment)
    assert await probe.plans() == [
        "IXSCAN community_status",
        "IXSCAN status_community",
        "IXSCAN community_experiment_member_unique",
        "IXSCAN community_experiment_unique",
        "IXSCAN community_experiment_unique",
        "IXSCAN community_experiment_at",
    ]
