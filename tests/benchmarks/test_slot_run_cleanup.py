"""benchmarks/slot_run.py's cleanup between its runs: what the query matches goes, in `_id` ranges, nothing else."""

from __future__ import annotations

import uuid

from benchmarks.slot_run import delete_in_batches
from infra.mongo import create_mongo_client


async def test_delete_in_batches_deletes_only_the_matches(mongo_uri: str) -> None:
    client = create_mongo_client(mongo_uri, app_name="cleanup-test")
    database = f"cleanup{uuid.uuid4().hex[:8]}"
    things = client[database]["deliveries"]
    try:
        await things.insert_many([{"day": "run" if n % 3 else "keep", "n": n} for n in range(2_500)])
        deleted = await delete_in_batches(things, {"day": "run"}, batch=400)
        left = {doc["day"] async for doc in things.find({}, {"day": 1})}
        kept = await things.count_documents({})
    finally:
        await client.drop_database(database)
        await client.close()
    assert deleted == 1_666
    assert left == {"keep"}
    assert kept == 2_500 - 1_666
