"""A trained LightGBM model promoted in a benchmark's community: what a deployed community's feeds rank with.

Without one, the feed ranks with the heuristic fallback (service/ranker.py) and pays no `Booster.predict`. The model
is trained on the synthetic community of tests/unit/distribution_service/synthetic.py (the features the code computes
today), registered and promoted, forced with a reason, as benchmarks/slot_run.py does; serving picks a promotion up
on its next request (ranking/registry.py)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from bson import ObjectId
from pymongo import AsyncMongoClient

from benchmarks.gateway_calls import WARM_FEEDS
from benchmarks.gateway_harness import RunningGateway
from distribution_service.ranking.gate import Verdict
from distribution_service.ranking.registry import ModelRegistry
from distribution_service.ranking.training import TrainingData, TrainingResult, train_and_evaluate
from distribution_service.store import DistributionStore
from tests.unit.distribution_service.synthetic import DAY, START, community

VERSION_FEED = "{ feed(slot: MORNING, scene: BEFORE_DECISION, first: 10) { modelVersion } }"


def synthetic_model() -> TrainingResult:
    """A model trained on the synthetic community's first 61 days."""
    catalog, log = community()
    return train_and_evaluate(TrainingData("bench", catalog, log, since=START, until=START + 61 * DAY))


async def promote_trained(registry: ModelRegistry, community_id: ObjectId, trained: TrainingResult, *, by: str) -> None:
    """`trained` registered and made the community's active model, the gate forced with the benchmark's reason."""
    await registry.register(
        community_id,
        version=trained.model_version,
        model_text=trained.model_text,
        report=trained.report,
        params=trained.params,
    )
    await registry.promote(
        community_id,
        trained.model_version,
        verdict=Verdict(["not assessed"]),
        by=by,
        force=True,
        reason="serving benchmark on a synthetic community",
    )


async def _promote_in(uri: str, prefix: str, community_id: str, trained: TrainingResult) -> None:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(uri, directConnection=True)
    try:
        registry = ModelRegistry(DistributionStore(client[f"{prefix}_distribution"]))
        await promote_trained(registry, ObjectId(community_id), trained, by="benchmarks/served_model.py")
    finally:
        await client.close()


def promote_model(gateway: RunningGateway, *, limit_seconds: float = 120.0) -> str:
    """A model promoted in the running gateway's community, and served: the reader's feeds after it name its
    version (serving loads a promoted model off its path and swaps it in once loaded, so this asks until then),
    then WARM_FEEDS more. Its version."""
    trained = synthetic_model()
    asyncio.run(_promote_in(gateway.server.uri, gateway.prefix, gateway.world["community"], trained))
    deadline = time.monotonic() + limit_seconds
    served = ""
    while served != trained.model_version:
        if time.monotonic() > deadline:
            raise RuntimeError(f"the gateway serves {served!r}, not the promoted {trained.model_version!r}")
        served = gateway.platform.call(VERSION_FEED, token=gateway.token)["feed"]["modelVersion"]
        time.sleep(0.2)
    for _ in range(WARM_FEEDS):
        gateway.platform.call(VERSION_FEED, token=gateway.token)
    return trained.model_version
