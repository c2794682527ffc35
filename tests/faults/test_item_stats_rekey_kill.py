"""The item_stats re-keying (store/item_stats_rekey.py) killed with `kill -9` inside a batch's transaction: the batches
committed before stay re-keyed, the killed one is rolled back whole (the server reaps its transaction), and the next
start re-keys the rest, each document exactly once, its counters and its listing intact."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from bson import ObjectId

from distribution_service.store import DistributionStore
from distribution_service.store.community_items import item_key
from distribution_service.store.item_stats_rekey import REKEY_BATCH
from tests.integration.distribution.test_item_stats_rekey import all_stats, older_versions_counters
from tests.query_plans import plan_probe

REPO = Path(__file__).resolve().parents[2]
# Documents an older version left: three batches, the second killed midway.
DOCUMENTS = 2 * REKEY_BATCH + 200

# Re-keys like a starting process, and stops for good inside its second batch's transaction: after that batch's
# delete, insert and listing, before its commit.
REKEY_UNTIL_KILLED = """
import asyncio, sys, time
from pymongo import AsyncMongoClient
from distribution_service.store import DistributionStore

async def main() -> None:
    client = AsyncMongoClient(sys.argv[1])
    store = DistributionStore(client[sys.argv[2]])
    listed = store.events.counters.listed
    real = listed.add
    batches = 0

    async def add(community_id, content_ids, session=None):
        nonlocal batches
        await real(community_id, content_ids, session)
        batches += 1
        if batches == 2:
            print("inside the second batch", flush=True)
            time.sleep(600)

    listed.add = add
    await store.events.migrate.rekey_item_stats()

asyncio.run(main())
"""


def rekey_killed_in_second_batch(uri: str, database: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-c", REKEY_UNTIL_KILLED, uri, database]
    with subprocess.Popen(command, stdout=subprocess.PIPE, env=env, cwd=REPO) as rekeying:
        assert rekeying.stdout is not None
        assert rekeying.stdout.readline().strip() == b"inside the second batch"
        os.kill(rekeying.pid, signal.SIGKILL)


async def test_a_rekeying_killed_mid_batch_and_started_again_rekeys_each_document_once(mongo_uri: str) -> None:
    async with plan_probe(mongo_uri) as probe:
        store = DistributionStore(probe.db)
        await store.ensure_indexes()
        community, items = ObjectId(), [ObjectId() for _ in range(DOCUMENTS)]
        await older_versions_counters(store, community, items)
        stats = store.events.counters.item_stats
        # when: the first start is killed inside its second batch
        rekey_killed_in_second_batch(mongo_uri, probe.db.name)
        # then: the first batch is re-keyed, the killed one not (not yet reaped: its documents still read as before)
        assert await stats.count_documents({"_id": {"$type": "string"}}) == REKEY_BATCH
        assert await store.events.migrate.done.find_one({"_id": "item_stats_ids", "done": True}) is None
        # when: the next start (its transactions wait out the dead one's, which the server reaps)
        await store.events.migrate.rekey_item_stats()
        # then: every document once, under its key, its counters as they were; every item listed once
        docs = await all_stats(store)
        assert [d["_id"] for d in docs] == [item_key(community, i) for i in items]
        assert [d["counts"] for d in docs] == [{"CLICK": n + 1} for n in range(DOCUMENTS)]
        listed = [d async for d in store.events.counters.listed.docs.find({"community_id": community})]
        assert sorted(d["content_id"] for d in listed) == sorted(items)
        assert await store.events.migrate.done.find_one({"_id": "item_stats_ids", "done": True}) is not None
        assert "community_content_unique" not in await stats.index_information()
