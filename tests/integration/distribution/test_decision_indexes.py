"""Decisions' experiment and shadow indexes are partial (only decisions with a version): an older database's whole
indexes are rebuilt partial at start-up under the same names (idempotently), and every finder that reads them still
plans on them and finds what it found, decisions without a version included in no such index."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING

from distribution_service.store.decisions import HAS_VERSION, DecisionsStore, interleaving_version
from tests.query_plans import plan_probe

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)
EXPERIMENT, SHADOW = "community_experiment_at", "community_shadow_at"


def decision(community: ObjectId, **versions: Any) -> dict[str, Any]:
    return {
        "_id": ObjectId(),
        "community_id": community,
        "member_id": ObjectId(),
        "at": NOW,
        "experiment_version": None,
        "shadow_version": None,
        "shown": [],
        **versions,
    }


async def test_start_up_rebuilds_the_version_indexes_partial_and_the_finders_still_use_them(mongo_uri: str) -> None:
    async with plan_probe(mongo_uri) as probe:
        store = DecisionsStore(probe.db)
        # What the previous version built: both indexes over every decision.
        for name, field in ((EXPERIMENT, "experiment_version"), (SHADOW, "shadow_version")):
            await store.decisions.create_index(
                [("community_id", ASCENDING), (field, ASCENDING), ("at", ASCENDING)], name=name
            )
        community, experiment = ObjectId(), ObjectId()
        docs = [
            decision(community),
            decision(community),
            decision(community, experiment_version="v2", experiment_arm="treatment"),
            decision(community, shadow_version="s1"),
            decision(community, experiment_version=interleaving_version(experiment), interleaving={"teams": {}}),
            decision(ObjectId(), experiment_version="v2", shadow_version="s1"),
        ]
        await store.decisions.insert_many(docs)

        await store.ensure_indexes()
        await store.ensure_indexes()  # idempotent: a second start finds them partial and leaves them

        indexes = await store.decisions.index_information()
        assert indexes[EXPERIMENT]["partialFilterExpression"] == {"experiment_version": HAS_VERSION}
        assert indexes[SHADOW]["partialFilterExpression"] == {"shadow_version": HAS_VERSION}
        # Only the decisions with a version are in each (a hinted count reads the index's entries alone).
        assert await store.decisions.count_documents({}, hint=EXPERIMENT) == 3
        assert await store.decisions.count_documents({}, hint=SHADOW) == 2

        probe.clear()
        ranked = await store.list_experiment_decisions(community, "v2", NOW - timedelta(days=1))
        shadowed = await store.list_shadow_decisions(community, "s1")
        interleaved = await store.list_interleaved_decisions(community, experiment)
        assert [d["_id"] for d in ranked] == [docs[2]["_id"]]
        assert [d["_id"] for d in shadowed] == [docs[3]["_id"]]
        assert [d["_id"] for d in interleaved] == [docs[4]["_id"]]
        assert await probe.plans() == [f"IXSCAN {EXPERIMENT}", f"IXSCAN {SHADOW}", f"IXSCAN {EXPERIMENT}"]
