"""Inserts into several collections as one command: MongoDB 8.0's client-level `bulkWrite`, so that a write that
spans collections (events and their outbox entries, a decision and its impressions' entry) costs one round trip;
on an older server, or for more than a few documents, one `insert_many` per collection, in order, in the same
session."""

from __future__ import annotations

from collections.abc import Sequence

from pymongo import InsertOne
from pymongo.asynchronous.client_session import AsyncClientSession as Session
from pymongo.asynchronous.mongo_client import AsyncMongoClient
from pymongo.errors import ClientBulkWriteException, InvalidOperation, PyMongoError

from distribution_service.store.base import Doc

# Up to this many inserts go as one client-level bulk write; more go one `insert_many` per collection. SecantusDB
# runs a `bulkWrite`'s inserts one by one and an `insert_many` as one batch: in a transaction, 1 event and its outbox
# entry took 19-21 ms as one command against 24-25 ms as two; 5 events and their entry 45 ms against 38 ms; 20
# events 168 ms against 100 ms; 100 events 620-690 ms against 335-400 ms (a helper's scratch probe, loaded
# machine, wall time per transaction). So recordEvent and a feed's decision save a round trip; batches do not pay
# the slower command.
ONE_COMMAND_MAX_WRITES = 3


async def insert_all(
    client: AsyncMongoClient[Doc], writes: Sequence[InsertOne[Doc]], *, ordered: bool, session: Session
) -> None:
    """The inserts (each naming its collection): as one command when they are few (ONE_COMMAND_MAX_WRITES) and the
    server has the client-level bulk write (the driver refuses it before sending on a server before 8.0); else one
    insert per collection."""
    if len(writes) <= ONE_COMMAND_MAX_WRITES:
        try:
            await client.bulk_write(writes, ordered=ordered, session=session)
            return
        except InvalidOperation:
            pass
        except ClientBulkWriteException as exc:
            # The driver wraps a command's own failure (a connection closed, the server stepping down) in the bulk
            # write's exception: raised as itself, it is what the callers' retries and error mapping know (a
            # network error is UNAVAILABLE and retried, never INTERNAL); write errors stay in the exception.
            if not exc.write_errors and isinstance(exc.error, PyMongoError):
                raise exc.error from exc
            raise
    by_namespace: dict[str, list[Doc]] = {}
    for write in writes:
        by_namespace.setdefault(write._namespace or "", []).append(write._doc)  # noqa: SLF001
    for namespace, docs in by_namespace.items():
        database, _, collection = namespace.partition(".")
        await client[database][collection].insert_many(docs, ordered=ordered, session=session)
