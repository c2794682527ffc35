"""Where the platform's MongoDB is, and the one way to open a client to it."""

from __future__ import annotations

import asyncio
import atexit
import time
import weakref
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from pymongo import AsyncMongoClient, WriteConcern
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import ConnectionFailure

from infra import embedded
from infra.errors import UnavailableError
from infra.metrics import DatabaseErrorListener
from infra.settings import Settings

MongoDocument = dict[str, Any]
T = TypeVar("T")

# A request that needs the database while it is down fails in about this long (UNAVAILABLE), not in 30 s.
SERVER_SELECTION_TIMEOUT_MS = 1500
# A new connection's handshake and every heartbeat (PyMongo's monitor reads with this timeout) for a URI that names
# none: a deployment's MongoDB answers a heartbeat at once however busy it is. The embedded server's address names a
# longer one (infra/embedded.py, CLIENT_CONNECT_TIMEOUT_MS): one Python process can answer late while it works hard.
CONNECT_TIMEOUT_MS = 2000
# How long a transaction is retried on conflicts (a dead process's transaction not yet reaped, contention) before
# the caller hears UNAVAILABLE: the driver alone retries for 120 s. Well above the server's transaction lifetime
# (10 s, see infra/database_server.py), so a dead writer's transaction is outlived. Not a per-operation timeout:
# a busy pool or a slow statement does not count against it, only starting the transaction again.
TRANSACTION_RETRY_SECONDS = 20.0
JOURNALED = WriteConcern(w=1, j=True)
BARRIER_COLLECTION = "journal_barrier"
# buildInfo's field by which the embedded server's wrapper says a `j: true` commit is synced when it returns
# (infra/database_server.py, JOURNALED_COMMITS_FIELD; that file runs by path and is not imported here).
JOURNALED_COMMITS_FIELD = "journaledCommits"
# Each client's server's answer to `commits_journaled`, with the server process that gave it (hello's
# `topologyVersion.processId`, new at every start; None: MongoDB's answer, the same for any process of it). A SecantusDB
# started again on the same address (infra/embedded.py keeps the port), maybe with SECANTUS_JOURNALED_COMMITS=off, is
# asked again. Clients to the same hosts compare equal (PyMongo), so they share an entry.
_commits_journaled: weakref.WeakKeyDictionary[AsyncMongoClient[Any], tuple[tuple[str, ...] | None, bool]] = (
    weakref.WeakKeyDictionary()
)


def resolve_mongodb_uri(settings: Settings) -> str:
    """`MONGODB_URI` if set; else the embedded server named in `var/` if it answers; else start it.

    A server this call starts is stopped when the process exits.
    """
    if settings.mongodb_uri:
        return settings.mongodb_uri
    uri, server = embedded.acquire(settings.var_dir)
    if server is not None:
        atexit.register(embedded.release, settings.var_dir, server)
    return uri


def retry_writes(uri: str) -> bool:
    """Retryable writes are off unless the URI asks for them (`retryWrites=true`).

    Why off: SecantusDB keeps a record per retryable write, and its writes slow ~10x once it holds ~10,000 of them
    (until a restart), so every writer of the platform would age with the database. Why that is safe here: no
    platform write needs the server to de-duplicate a driver retry. Events and imports are keyed by a unique
    client id (and events by an `_id` chosen before the insert, which the event store retries itself); deliveries,
    follows and counters' upserts are keyed by their natural key; multi-document writes run in transactions,
    whose commit the driver retries under the transactions spec whatever this option says. Without the option a
    network error on a write is raised instead of retried: a caller may see an error, never a write applied twice.
    """
    return "retrywrites=true" in uri.lower().replace(" ", "")


def timeouts(uri: str) -> dict[str, Any]:
    """The platform's short server-selection and connect timeouts, unless the URI sets its own.

    Short so that an outage reaches clients as UNAVAILABLE within a request's budget; a URI option wins, so a
    deployment (or a loaded test machine) can wait longer without a code change. The embedded server's address
    (infra/embedded.py, `uri_for`) names its own connect timeout: a heartbeat it answers late while busy must not
    make its clients drop their connections and the operations in flight on them.
    """
    given = uri.lower()
    defaults = {"serverSelectionTimeoutMS": SERVER_SELECTION_TIMEOUT_MS, "connectTimeoutMS": CONNECT_TIMEOUT_MS}
    return {name: value for name, value in defaults.items() if f"{name.lower()}=" not in given}


# An application name ending in this marks a client as background: the platform's embedded server serves its
# connections at a lower priority (infra/database_server.py, SECANTUS_BACKGROUND_NICE); MongoDB only shows the name.
BACKGROUND_APP_SUFFIX = "/background"


def create_mongo_client(uri: str, *, app_name: str, background: bool = False) -> AsyncMongoClient[MongoDocument]:
    """The platform's client; `background`: its work may wait behind interactive work (DATABASE_BACKGROUND)."""
    return AsyncMongoClient(
        uri,
        appname=app_name + BACKGROUND_APP_SUFFIX if background else app_name,
        tz_aware=True,
        retryWrites=retry_writes(uri),
        event_listeners=[DatabaseErrorListener()],
        **timeouts(uri),
    )


def open_database(
    client: AsyncMongoClient[MongoDocument], name: str, *, journaled: bool
) -> AsyncDatabase[MongoDocument]:
    """A service's database; `journaled`: every write on it is acknowledged once it is in the server's journal."""
    return client.get_database(name, write_concern=JOURNALED if journaled else None)


async def run_transaction(
    db: AsyncDatabase[MongoDocument], callback: Callable[[AsyncClientSession], Awaitable[T]]
) -> T:
    """Run `callback` in one transaction, retried whole on conflicts for at most TRANSACTION_RETRY_SECONDS.

    The database unreachable is UNAVAILABLE at once: the driver would retry the whole transaction for two minutes.
    On a journaled database the caller hears of the commit only once it is on disk: at once where a `j: true` commit
    is synced when it returns (MongoDB, the platform's embedded server: `commits_journaled`), else after a journal
    barrier (SecantusDB as released commits a transaction without syncing its log whatever the write concern says).
    """
    give_up_at = time.monotonic() + TRANSACTION_RETRY_SECONDS

    async def attempt(session: AsyncClientSession) -> T:
        if time.monotonic() > give_up_at:
            raise UnavailableError("the database stayed busy (conflicting writes); retry")
        try:
            return await callback(session)
        except ConnectionFailure as exc:  # not a PyMongoError any more: with_transaction does not retry it
            raise UnavailableError("the database is unavailable; retry") from exc

    async with db.client.start_session() as session:
        result: T = await session.with_transaction(attempt, write_concern=db.write_concern)
    if db.write_concern.document.get("j") and not await commits_journaled(db):
        await journal_barrier(db)
    return result


async def commits_journaled(db: AsyncDatabase[MongoDocument]) -> bool:
    """Whether a transaction committed with `j: true` is in the synced journal when its commit returns, so no
    barrier need follow it. MongoDB's is. SecantusDB's is not (it commits without syncing its log whatever the
    write concern says) unless the platform's wrapper started it, whose buildInfo says so (JOURNALED_COMMITS_FIELD).
    Asked once per client and SecantusDB process (`server_processes`); SecantusDB is told by buildInfo's
    `secantusVersion`."""
    client = db.client
    cached = _commits_journaled.get(client)
    if cached is not None and (cached[0] is None or cached[0] == server_processes(client)):
        return cached[1]
    before = server_processes(client)
    info = await client.admin.command("buildInfo")
    secantus = "secantusVersion" in info
    known = not secantus or bool(info.get(JOURNALED_COMMITS_FIELD))
    if not secantus:
        _commits_journaled[client] = (None, known)
    elif before is not None and server_processes(client) == before:
        # not kept when the server was unknown or started again while it was asked: asked again next time
        _commits_journaled[client] = (before, known)
    return known


def server_processes(client: AsyncMongoClient[Any]) -> tuple[str, ...] | None:
    """The processes of the servers `client` knows (hello's `topologyVersion.processId`, new when a server starts
    again), or None while one is unknown or says none. The driver learns of a restart from its monitor (at once
    after a failed operation, else within heartbeatFrequencyMS)."""
    processes: list[str] = []
    for description in client.topology_description.server_descriptions().values():
        process = (description.topology_version or {}).get("processId")
        if process is None:
            return None
        processes.append(str(process))
    return tuple(sorted(processes))


async def journal_barrier(db: AsyncDatabase[MongoDocument]) -> None:
    """One j:true write: the server syncs its log up to it, and so every commit before it (the log is in order)."""
    await (
        db[BARRIER_COLLECTION]
        .with_options(write_concern=JOURNALED)
        .update_one({"_id": "barrier"}, {"$inc": {"n": 1}}, upsert=True)
    )


class JournalBarrier:
    """Group commit for `journal_barrier`: concurrent writers that committed share one barrier write.

    A barrier syncs the log up to itself, so it covers every commit made before it started. A writer that commits
    while a barrier is in flight cannot rely on it (it may have started first) and rides the next one, which starts
    as soon as the current one ends: N concurrent writers cost about two barrier writes, not N.
    """

    def __init__(self, db: AsyncDatabase[MongoDocument]) -> None:
        self.db = db
        self._running: asyncio.Future[None] | None = None
        self._next: asyncio.Future[None] | None = None

    async def after_commit(self) -> None:
        """Return once this caller's own journaled commits are in the journal: at once where a journaled commit is
        synced when it returns (`commits_journaled`), else through a barrier (`wait`)."""
        if not await commits_journaled(self.db):
            await self.wait()

    async def wait(self) -> None:
        """Return once every commit this caller made before calling is in the journal: always a barrier write, for
        commits this caller only saw (MongoDB makes a commit visible before its journal write)."""
        if self._running is None or self._running.done():
            self._running = asyncio.ensure_future(journal_barrier(self.db))
            await asyncio.shield(self._running)
            return
        if self._next is None:
            self._next = asyncio.get_running_loop().create_future()
            asyncio.ensure_future(self._chain(self._running, self._next))
        await asyncio.shield(self._next)

    async def _chain(self, current: asyncio.Future[None], riders: asyncio.Future[None]) -> None:
        await asyncio.wait([current])  # its outcome belongs to its own waiters
        self._next = None
        self._running = asyncio.ensure_future(journal_barrier(self.db))
        try:
            await self._running
        except BaseException as exc:  # noqa: BLE001 - handed to every rider, who re-raises it
            riders.set_exception(exc)
            return
        riders.set_result(None)
