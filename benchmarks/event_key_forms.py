"""What a request's client event ids cost the database in each form they could be kept in.

    python -m benchmarks.event_key_forms [--keys 100] [--rounds 4] [--requests 60]

On a fresh embedded SecantusDB (in memory), each "request" writes the keys of --keys events in a transaction of
its own, the forms alternating round by round:

- `per_key`: a document per key, `_id` "<community>:<client id>" naming its event (store/event_keys.py, as stored);
- `one_document`: one document per request, the keys in an array (`keys`, with the events' ids beside) under a
  unique index, so a key already in any document refuses the insert (`one_document_refuses_a_taken_key` checks
  SecantusDB does);
- `one_document_sparse`: the same, the unique index sparse (documents of the other form have no `keys`);
- `empty_transaction`: one small document, the transaction's own share.

The server's CPU milliseconds per request (from /proc), medians of --rounds. One JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
from collections.abc import Awaitable, Callable
from typing import Any

from bson import ObjectId
from pymongo import AsyncMongoClient
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.errors import DuplicateKeyError

from benchmarks.common import print_summary
from benchmarks.gateway_harness import cpu_seconds
from distribution_service.store.base import Doc
from infra.embedded import EmbeddedServer

WARM_REQUESTS = 50


async def run(keys: int, rounds: int, requests: int) -> dict[str, Any]:
    server = EmbeddedServer(":memory:")
    server.start()
    try:
        assert server.process is not None
        pid = server.process.pid
        client: AsyncMongoClient[Doc] = AsyncMongoClient(server.uri, tz_aware=True)
        db = client["bench_key_forms"]
        await db["one_document"].create_index("keys", unique=True)
        await db["one_document_sparse"].create_index("keys", unique=True, sparse=True)
        community = ObjectId()
        made = 0

        def fresh() -> list[str]:
            nonlocal made
            made += 1
            return [f"{community}:run-{made}-{k}" for k in range(keys)]

        async def in_transaction(write: Callable[[AsyncClientSession], Awaitable[Any]]) -> None:
            async with client.start_session() as session:
                await session.with_transaction(write)

        async def per_key() -> None:
            docs = [{"_id": key, "event_id": ObjectId()} for key in fresh()]
            await in_transaction(lambda s: db["per_key"].insert_many(docs, session=s))

        def one_document(name: str) -> Callable[[], Awaitable[None]]:
            async def write() -> None:
                taken = fresh()
                doc = {"keys": taken, "events": [ObjectId() for _ in taken]}
                await in_transaction(lambda s: db[name].insert_one(doc, session=s))

            return write

        async def empty_transaction() -> None:
            await in_transaction(lambda s: db["empty"].insert_one({"n": 1}, session=s))

        forms: dict[str, Callable[[], Awaitable[None]]] = {
            "per_key": per_key,
            "one_document": one_document("one_document"),
            "one_document_sparse": one_document("one_document_sparse"),
            "empty_transaction": empty_transaction,
        }
        for write in forms.values():
            for _ in range(WARM_REQUESTS):
                await write()
        spent: dict[str, list[float]] = {name: [] for name in forms}
        for _ in range(rounds):
            for name, write in forms.items():
                started = cpu_seconds(pid)
                for _ in range(requests):
                    await write()
                spent[name].append(1000 * (cpu_seconds(pid) - started) / requests)
        taken = await db["one_document"].find_one({})
        assert taken is not None
        try:
            await db["one_document"].insert_one({"keys": ["another", taken["keys"][5]], "events": [1, 2]})
            refused = False
        except DuplicateKeyError:
            refused = True
        await client.close()
        figures: dict[str, Any] = {"keys": keys, "rounds": rounds, "requests": requests}
        figures["server_cpu_ms_per_request"] = {name: round(statistics.median(v), 3) for name, v in spent.items()}
        figures["one_document_refuses_a_taken_key"] = refused
        return figures
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=100, help="client event ids a request")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--requests", type=int, default=60, help="requests a form a round")
    args = parser.parse_args()
    print_summary(asyncio.run(run(args.keys, args.rounds, args.requests)))


if __name__ == "__main__":
    main()
