"""The running experiments a feed assigns from are kept a few seconds per process, and dropped when this process
creates or changes an experiment."""

from __future__ import annotations

from datetime import UTC, datetime

from bson import ObjectId

from distribution_service.service.experiments_cache import RunningExperiments
from distribution_service.store import DistributionStore, Doc


def ids(docs: list[Doc]) -> list[ObjectId]:
    return [d["_id"] for d in docs]


def experiment(community: ObjectId, experiment_id: ObjectId) -> Doc:
    return {"_id": experiment_id, "community_id": community, "status": "RUNNING", "created_at": datetime.now(UTC)}


async def test_a_new_experiment_is_seen_at_once_and_a_stopped_one_is_gone(store: DistributionStore) -> None:
    community, other = ObjectId(), ObjectId()
    running = RunningExperiments(store, ttl_seconds=3600)
    assert await running.running(community) == []
    # given: written behind the store's back, the kept (empty) list still answers: the read is cached
    hidden, created = ObjectId(), ObjectId()
    await store.experiments.experiments.insert_one(experiment(community, hidden))
    assert await running.running(community) == []
    # when: an experiment is created through the store
    await store.experiments.insert_experiment(experiment(community, created))
    # then: the next read goes to the database
    assert sorted(ids(await running.running(community))) == sorted([hidden, created])
    # counting an arm's uses changes nothing assignment reads: still kept
    await store.experiments.count_uses(community, created, "a", 1, 0)
    await store.experiments.update_experiment(other, ObjectId(), {"status": "STOPPED"})
    assert len(await running.running(community)) == 2
    # stopping one drops it
    await store.experiments.update_experiment(community, created, {"status": "STOPPED"})
    assert ids(await running.running(community)) == [hidden]


async def test_a_zero_lifetime_reads_every_time(store: DistributionStore) -> None:
    community = ObjectId()
    running = RunningExperiments(store, ttl_seconds=0)
    assert await running.running(community) == []
    doc = ObjectId()
    await store.experiments.experiments.insert_one(experiment(community, doc))
    assert ids(await running.running(community)) == [doc]
