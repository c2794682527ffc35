"""What each way of making an acknowledged write survive `kill -9` of the database costs, and whether it does.

`python -m benchmarks.durability [--n 200] [--kills 50]`. Two on-disk SecantusDB servers, one plain and one
started with `--sync-on-commit`. Sequential rates (the baseline is a plain `insert_one`, w:1):
- `insert_j`: `insert_one` with write concern j:true (the server syncs its log before answering);
- `txn`: a two-document transaction, committed with the default write concern;
- `txn_barrier`: the same transaction followed by one j:true write (infra.mongo.journal_barrier): SecantusDB as
  released ignores the write concern of `commitTransaction`, so the barrier is what syncs the log the commit is in;
- `txn_j`: the same transaction committed with j:true and no barrier, as the platform writes now: the platform's
  wrapper syncs such a commit before answering it (infra/database_server.py, `SECANTUS_JOURNALED_COMMITS`; `off`
  shows SecantusDB as released);
- `sync_insert`, `sync_txn`: the plain insert and the transaction on the `--sync-on-commit` server.
Then, per kind, `kills` acknowledged writes followed at once by `kill -9` of the server and a restart on the same
data: how many of them are still there. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import tempfile
import time
from collections.abc import Awaitable, Callable
from typing import Any

from pymongo import AsyncMongoClient, WriteConcern

from infra.embedded import EmbeddedServer
from infra.mongo import journal_barrier

Client = AsyncMongoClient[dict[str, Any]]
Write = Callable[[Client, int], Awaitable[None]]


async def insert(client: Client, i: int) -> None:
    await client.bench.docs.insert_one({"_id": i, "v": i})


async def insert_j(client: Client, i: int) -> None:
    await client.bench.docs.with_options(write_concern=WriteConcern(j=True)).insert_one({"_id": i, "v": i})


async def txn(client: Client, i: int, write_concern: WriteConcern | None = None) -> None:
    async def work(session: Any) -> None:
        await client.bench.docs.insert_one({"_id": i, "v": i}, session=session)
        await client.bench.counters.update_one({"_id": "c"}, {"$inc": {"n": 1}}, upsert=True, session=session)

    async with client.start_session() as session:
        await session.with_transaction(work, write_concern=write_concern)


async def txn_j(client: Client, i: int) -> None:
    await txn(client, i, WriteConcern(w=1, j=True))


async def txn_barrier(client: Client, i: int) -> None:
    await txn(client, i)
    await journal_barrier(client.bench)


KINDS: dict[str, tuple[bool, Write]] = {
    "insert": (False, insert),
    "insert_j": (False, insert_j),
    "txn": (False, txn),
    "txn_barrier": (False, txn_barrier),
    "txn_j": (False, txn_j),
    "sync_insert": (True, insert),
    "sync_txn": (True, txn),
}


async def rate(uri: str, write: Write, n: int) -> float:
    client: Client = AsyncMongoClient(uri)
    try:
        await client.drop_database("bench")
        await write(client, -1)  # warm the connection and the collections
        started = time.perf_counter()
        for i in range(n):
            await write(client, i)
        return n / (time.perf_counter() - started)
    finally:
        await client.close()


def survivors(folder: str, sync: bool, write: Write, kills: int) -> int:
    """`kills` rounds of: one acknowledged write, kill -9 at once, restart on the same data, is it there?"""
    kept = 0
    server = EmbeddedServer(folder, sync_on_commit=sync)
    for i in range(kills):
        server.start()

        async def one(i: int = i) -> None:
            client: Client = AsyncMongoClient(server.uri)
            try:
                await write(client, i)
            finally:
                await client.close()

        asyncio.run(one())
        assert server.process is not None
        os.kill(server.process.pid, signal.SIGKILL)
        server.process.wait()
        server.start()
        client: Any = __import__("pymongo").MongoClient(server.uri)
        try:
            kept += client.bench.docs.count_documents({"_id": i}) == 1
        finally:
            client.close()
        server.stop()
        server._stopping.clear()
    return kept


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--kills", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as root:
        servers = {
            False: EmbeddedServer(os.path.join(root, "plain")),
            True: EmbeddedServer(os.path.join(root, "sync"), sync_on_commit=True),
        }
        for server in servers.values():
            server.start()
        try:
            rates = {
                name: round(asyncio.run(rate(servers[sync].uri, w, args.n)), 1) for name, (sync, w) in KINDS.items()
            }
        finally:
            for server in servers.values():
                server.stop()
        kept = {
            name: survivors(os.path.join(root, f"kill-{name}"), sync, write, args.kills)
            for name, (sync, write) in KINDS.items()
        }
    base = rates["insert"]
    for name, value in rates.items():
        print(f"{name:>12}: {value:>8.1f}/s ({value / base:.3f} x insert)  survived kill -9: {kept[name]}/{args.kills}")
    result = {
        "n": args.n,
        "kills": args.kills,
        "per_second": rates,
        "vs_insert": {name: round(value / base, 4) for name, value in rates.items()},
        "survived": kept,
    }
    print(json.dumps(result, sort_keys=True))


if __name__ == "__main__":
    main()
