"""The decisions' version indexes are partial (store/decisions.py): only decisions with an experiment or shadow
version are entered, the version reads still plan them and find exactly their decisions, and an older database's
full indexes of the same names are replaced."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from bson import ObjectId
from pymongo import ASCENDING

from distribution_service.store import DistributionStore
from distribution_service.store.decisions import PARTIAL_INDEXES
from tests.query_plans import PlanProbe, plan_probe

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)


@pytest.fixture
async def probe(mongo_uri: str) -> AsyncIterator[PlanProbe]:
    async with plan_probe(mongo_uri) as p:
        yield p


def decision(community: ObjectId, *, experiment: str | None = None, shadow: str | None = None) -> dict[str, object]:
    return {
        "_id": ObjectId(),
        "community_id": community,
        "member_id": ObjectId(),
        "at": NOW,
        "made_at": NOW,
        "model_version": "m1",
        "experiment_arm": "treatment" if experiment else None,
        "experiment_version": experiment,
        "shadow_version": shadow,
        "shadow_ranking": [],
        "shown": [{"content_id": ObjectId()}],
    }


async def test_only_versioned_decisions_are_in_the_version_indexes(probe: PlanProbe) -> None:
    store = DistributionStore(probe.db)
    await store.ensure_indexes()
    info = await store.decisions.decisions.index_information()
    assert info["community_experiment_at"]["partialFilterExpression"] == {"experiment_version": {"$gte": ""}}
    assert info["community_shadow_at"]["partialFilterExpression"] == {"shadow_version": {"$gte": ""}}
    community = ObjectId()
    plain = [decision(community) for _ in range(5)]
    tried = decision(community, experiment="m2")
    shadowed = decision(community, shadow="m3")
    await store.decisions.insert_decisions([*plain, tried, shadowed])

    probe.clear()
    found = await store.decisions.list_experiment_decisions(community, "m2", NOW - timedelta(hours=1))
    shadows = await store.decisions.list_shadow_decisions(community, "m3")
    assert [d["_id"] for d in found] == [tried["_id"]]
    assert [d["_id"] for d in shadows] == [shadowed["_id"]]
    assert await probe.plans() == ["IXSCAN community_experiment_at", "IXSCAN community_shadow_at"]
    # Each index holds its versioned decision only: a read of the community hinted to it sees one of the seven.
    for name in PARTIAL_INDEXES:
        entered = [d async for d in store.decisions.decisions.find({"community_id": community}, hint=name)]
        assert len(entered) == 1
    assert await store.decisions.decisions.count_documents({"community_id": community}) == 7


async def test_an_older_databases_full_indexes_are_replaced(probe: PlanProbe) -> None:
    decisions = probe.db["decisions"]
    for name, field in PARTIAL_INDEXES.items():
        await decisions.create_index([("community_id", ASCENDING), (field, ASCENDING), ("at", ASCENDING)], name=name)
    community = ObjectId()
    await decisions.insert_one(decision(community))
    assert [len([d async for d in decisions.find({"community_id": community}, hint=n)]) for n in PARTIAL_INDEXES] == [
        1,
        1,
    ]
    store = DistributionStore(probe.db)
    await store.ensure_indexes()
    await store.ensure_indexes()  # idempotent: the partial indexes stay
    info = await decisions.index_information()
    for name, field in PARTIAL_INDEXES.items():
        assert info[name]["partialFilterExpression"] == {field: {"$gte": ""}}
        # The unversioned decision is no longer entered.
        assert [d async for d in decisions.find({"community_id": community}, hint=name)] == []
