"""`python infra/database_server.py [secantusd-py flags]`: SecantusDB with a short transaction lifetime, no oplog,
its index options read once per insert chunk (`install_chunk_index_options`; `SECANTUS_INDEX_OPTIONS_PER_CHUNK=off`
runs SecantusDB's own code).

Why: a process killed inside a transaction leaves it open on the server, and every write to the documents it
touched (a community's invoice counter, say) waits until the server reaps it. `secantusd-py` fixes that lifetime at
60 s and offers no flag or `setParameter` for it (mongod's `transactionLifetimeLimitSeconds`), so the platform
starts the same command line through this wrapper, which hands the server a lifetime of
`SECANTUS_TRANSACTION_LIFETIME_SECONDS` (default 10). The platform's transactions are short and never wait on
another process; SecantusDB counts the lifetime from the start of a transaction's last statement, and under
sustained concurrent writes on one shared core a statement could wait 3 s (the tenth session's default): the
server reaped live transactions, which the driver ran again whole, tripling a 100-event request's server CPU in 2
of 4 `--events-only` runs and in none of 4 at 10 s (docs/performance.md, "Events in: the transaction lifetime").

SecantusDB reaps expired transactions only when another transaction command arrives; a plain write waiting on a
dead transaction's document would wait for ever on a quiet server. A thread here reaps every second.

No oplog (unless `SECANTUS_OPLOG=on`): SecantusDB advertises a replica set (transactions need one) and so writes an
oplog entry for every inserted, updated or deleted document at each commit, and prunes as many once its cap (100,000
entries) is reached, yet nothing of the platform reads it (no change stream; the driver's cluster times are minted apart
from it). That was 11% of the server's busy samples under sustained `recordEvents` of 100 (py-spy, docs/performance.md
"Events in: the oplog"). SecantusDB's own flag for it (`Storage(enable_oplog=...)`, toggled at runtime: its oplog tables
stay) is tied to `--standalone`, where drivers refuse transactions. Production runs MongoDB, whose oplog is its
replication: this is the development and test server's setting only.

Priority (`SECANTUS_NICE`, default 0: as started; `SECANTUS_BACKGROUND_NICE`, default 10): the development server
shares the cores with the platform's processes. infra/embedded.py starts it in the starting process's session, so with
the kernel's autogroups (each session's tasks scheduled as one group, a thread's niceness weighing only within its
group) the server and the platform are one group: against the rest of the machine they weigh as one session, and
within it a thread's niceness weighs against the platform's own threads. Every thread of the server inherits
`SECANTUS_NICE`, which the wrapper sets on itself before the server starts. A connection whose client names itself
background in its handshake (an application name ending in BACKGROUND_APP_SUFFIX: the heavy lane's child,
gateway/heavy_lane.py, through `DATABASE_BACKGROUND`) is served by a thread at `SECANTUS_BACKGROUND_NICE`
(`install_background_connections`; SecantusDB serves each connection on a thread of its own): what the database does
for a maximum-cost query gives the core to the gateway's event loop, and takes it whenever the loop has nothing to
run, while the cheap requests' reads and writes keep the gateway's priority (docs/performance.md, "The heavy lane's
database work in the background"). This holds where the platform started the server: one another command started
(found through `var/mongodb.uri`) is in that command's group, and one that leads a session of its own (started by hand
under `setsid`) is a group of its own, where a niceness weighs only among the server's own threads. Production points
`MONGODB_URI` at MongoDB, which this does not reach.

WiredTiger cache (`SECANTUS_CACHE_SIZE`, default 4G; SecantusDB's own default is 1G): a ceiling, not an allocation
(an idle server holds ~50 MB at any size). WiredTiger keeps a store's modified bytes under 5% of the cache and the bytes
of its update chains under 2.5%, and past them its eviction threads rewrite pages. In memory (the tests' and
benchmarks' servers) that rewriting frees nothing for long under sustained writes: at 1G a benchmark's inserts met it
after ~25 MB of updates, its eviction walked millions of pages and rewrote pages 0.4-1.6 million times in three
minutes on the server's core, and inserts slept in `__wt_page_in_func` on pages it held: after a benchmark's feed runs
the server's CPU per 100 stored events doubled (at 4G it did not), and bare inserts ran at half the rate in two runs
of three (docs/performance.md, "The embedded server's cache (eighteenth session)"). `--cache-size` among the
wrapper's own arguments wins.

TTL sweep release (`SECANTUS_TTL_SWEEP_RELEASE`, on by default; `off` runs SecantusDB as released): what made that
eviction free nothing was SecantusDB's TTL sweeper, whose thread sweeps every 60 s and then waits holding a WiredTiger
snapshot that pins the oldest transaction ID until its next sweep; no write after it could be settled, and the 4G
cache only postponed the rewriting (`install_ttl_sweep_release`; docs/performance.md "The embedded server's cache:
the TTL sweeper's snapshot (nineteenth session)").

Journaled commits (`SECANTUS_JOURNALED_COMMITS`, on by default; `off` runs SecantusDB as released): SecantusDB commits a
transaction without syncing its log whatever the `commitTransaction`'s write concern says, so the platform followed
each journaled transaction with a barrier write (`infra/mongo.journal_barrier`), one more command a commit. Here a
`commitTransaction` asking `j: true` commits its WiredTiger transaction with `sync=on`, as SecantusDB's own plain
writes already do for `j: true` and as MongoDB does, and `buildInfo` says so (JOURNALED_COMMITS_FIELD), so the
platform's clients skip the barrier (`infra/mongo.commits_journaled`; `install_journaled_commits`). The fix belongs
upstream, in `_commit_transaction`.

Update catalog per command (`SECANTUS_UPDATE_CATALOG_PER_COMMAND`, on by default; `off` runs SecantusDB as released):
each op of a bulk `update` command re-reads its collection's catalog (whether it exists, its options, its index
definitions three times or more), though in a user transaction, where the ingest worker sends its two bulk updates a
take, the snapshot keeps all of that fixed but for the transaction's own writes. There it is read once per collection
and command, and forgotten when an op writes it (`install_update_catalog_per_command`; docs/performance.md "Events in:
the update catalog once per command"). The fix belongs upstream.

Standalone on purpose (standard library and SecantusDB only): it runs by path, from any working directory.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

LIFETIME_ENV = "SECANTUS_TRANSACTION_LIFETIME_SECONDS"
DEFAULT_LIFETIME_SECONDS = 10.0
OPLOG_ENV = "SECANTUS_OPLOG"
INDEX_OPTIONS_ENV = "SECANTUS_INDEX_OPTIONS_PER_CHUNK"
REAP_INTERVAL_SECONDS = 1.0
NICE_ENV = "SECANTUS_NICE"
DEFAULT_NICE = 0
BACKGROUND_NICE_ENV = "SECANTUS_BACKGROUND_NICE"
DEFAULT_BACKGROUND_NICE = 10
# A client's application name ending in this names its connections background (infra/mongo.py says it the same way).
BACKGROUND_APP_SUFFIX = "/background"
CACHE_SIZE_ENV = "SECANTUS_CACHE_SIZE"
DEFAULT_CACHE_SIZE = "4G"
CACHE_SIZE_FLAG = "--cache-size"
TTL_SWEEP_RELEASE_ENV = "SECANTUS_TTL_SWEEP_RELEASE"
JOURNALED_COMMITS_ENV = "SECANTUS_JOURNALED_COMMITS"
UPDATE_CATALOG_ENV = "SECANTUS_UPDATE_CATALOG_PER_COMMAND"
# buildInfo's field saying a `j: true` commit is on disk when it returns (read by infra/mongo.commits_journaled).
JOURNALED_COMMITS_FIELD = "journaledCommits"


def reap(server: Any) -> None:
    while True:
        time.sleep(REAP_INTERVAL_SECONDS)
        with contextlib.suppress(Exception):  # a server shutting down; the daemon thread ends with the process
            server.transactions.prune_expired()


def prune_idle_transactions(registry: Any) -> int:
    """SecantusDB's `TransactionRegistry._prune_locked` without its wait: it is called under the registry's lock at the
    start of every transaction statement, commit and abort (and by the reaper), and it took every open transaction's
    mutex in turn, blocking on one whose statement was running. One slow statement then held every other transaction
    command of the server behind it; caught in `--events-only` runs (docs/performance.md "Events in: the recordEvents
    stall"), a group's insert slept inside WiredTiger while the ingest worker's next statement waited here, holding the
    registry's lock. A transaction whose mutex is taken is running a statement or its commit: in use, not idle, so it is
    skipped, not waited for. Same result otherwise: expired idle transactions are rolled back and marked aborted; the
    caller holds the registry's lock."""
    from secantus.transactions import TxnState

    cutoff = registry._time() - registry._lifetime
    reaped = 0
    for txn in list(registry._txns.values()):
        if not txn.mutex.acquire(blocking=False):
            continue
        try:
            if txn.state is TxnState.IN_PROGRESS and txn.last_use < cutoff:
                registry._rollback_quietly(txn)
                txn.state = TxnState.ABORTED
                reaped += 1
        finally:
            txn.mutex.release()
    return reaped


def install_idle_pruning() -> None:
    """Every TransactionRegistry of this process prunes with `prune_idle_transactions`."""
    from secantus.transactions import TransactionRegistry

    TransactionRegistry._prune_locked = prune_idle_transactions


# The index-options maps of the insert chunk running on this thread (`install_chunk_index_options`).
_chunk_maps = threading.local()


def install_chunk_index_options() -> None:
    """SecantusDB's `Storage._index_options_map` built once per collection and insert chunk instead of once per
    inserted document and call. `_insert_chunk` calls it three times for every document (`_unique_conflict`,
    `_validate_geo_indexes`, `_write_index_entries`), and each call walks the collection's index catalog (a cursor
    and a BSON decode of every index definition) and copies every index's options: about half of what a stored
    event's two indexes cost the server (docs/performance.md "Events in: the index options, once per chunk";
    `benchmarks/index_options.py`). The chunk already reads its index list, partial filters and multikey names once,
    at its start, under its collection's lock; the map is read with them, so a document sees the same catalog as
    before. Within a chunk the catalog changes only by a document marking an index multikey, a flag no reader of
    the map on the insert path looks at (they read geo bits, collation, `prepareUnique`). Elsewhere (updates,
    deletes, the planner) the map is built as before. SecantusDB's docstring of the method already says "cached per
    call": the fix belongs upstream."""
    from secantus.storage import Storage

    build = Storage._index_options_map
    insert_chunk = Storage._insert_chunk

    def options_map(self: Any, db: str, coll: str) -> dict[str, dict[str, Any]]:
        maps: dict[tuple[str, str], dict[str, dict[str, Any]]] | None = getattr(_chunk_maps, "maps", None)
        if maps is None:
            return build(self, db, coll)
        if (db, coll) not in maps:
            maps[(db, coll)] = build(self, db, coll)
        return maps[(db, coll)]

    def chunk_with_one_map(self: Any, *args: Any, **kwargs: Any) -> Any:
        outer = getattr(_chunk_maps, "maps", None)
        _chunk_maps.maps = {}
        try:
            return insert_chunk(self, *args, **kwargs)
        finally:
            _chunk_maps.maps = outer

    Storage._index_options_map = options_map
    Storage._insert_chunk = chunk_with_one_map


def install_ttl_sweep_release() -> None:
    """SecantusDB's TTL sweep (`Storage.prune_ttl_all_collections`) followed by `release_thread_snapshot`, as its wire
    server does after every request. The sweeper thread runs it every 60 s and then waits holding its WiredTiger
    session with cursors still positioned: an implicit transaction whose snapshot pins WiredTiger's oldest
    transaction ID until the next sweep. Every write after the pin then stays unsettled, so once a store's update
    chains pass its eviction target (2.5% of the cache: 100 MB at 4G), eviction reconciles tens of thousands of pages
    every few seconds and restores every update onto them, freeing nothing, and the server's CPU a write doubles
    (docs/performance.md "The embedded server's cache: the TTL sweeper's snapshot"). The release resets the
    session's cursors and drops its snapshot; the sweep itself is unchanged (`_ttl_sweep_loop` still opens a fresh
    session before each one). The fix belongs upstream, in `_ttl_sweep_loop`."""
    from secantus.storage import Storage

    sweep = Storage.prune_ttl_all_collections

    def sweep_and_release(self: Any, *args: Any, **kwargs: Any) -> int:
        try:
            pruned: int = sweep(self, *args, **kwargs)
            return pruned
        finally:
            self.release_thread_snapshot()

    Storage.prune_ttl_all_collections = sweep_and_release


# The catalog read by the transaction's `update` command running on this thread (`install_update_catalog_per_command`).
_update_catalog = threading.local()


class CommandCatalog:
    """What one `update` command in a user transaction read of its store's catalog, per collection: each index's
    (name, key, options) as `Storage._iter_indexes` yields them, the options blob `Storage._coll_options` returns
    (None: no such collection), and the collections `Storage._ensure_collection` found or made."""

    def __init__(self, storage: Any) -> None:
        self.storage = storage
        self.indexes: dict[tuple[str, str], list[tuple[str, dict[str, Any], dict[str, Any]]]] = {}
        self.options: dict[tuple[str, str], dict[str, Any] | None] = {}
        self.ensured: set[tuple[str, str]] = set()

    def forget(self, db: str, coll: str) -> None:
        """The command wrote this collection's catalog entry itself (a new collection, an index marked multikey, a
        UUID minted): read it again."""
        self.indexes.pop((db, coll), None)
        self.options.pop((db, coll), None)


def command_catalog(storage: Any) -> CommandCatalog | None:
    catalog: CommandCatalog | None = getattr(_update_catalog, "catalog", None)
    return catalog if catalog is not None and catalog.storage is storage else None


def install_update_catalog_per_command() -> None:
    """SecantusDB's catalog read once per collection and `update` command in a user transaction instead of once or
    more per update op. Each op of a bulk `update` (`_update_matching_single_txn`) checks that its collection exists
    (`_ensure_collection`), walks the index catalog three times or more (`_all_indexes`, `_partial_filters`,
    `_multikey_index_names`, `_index_options_map`: a cursor and a BSON decode of every index definition) and reads
    the collection's options twice (`_is_timeseries` for the `_id` lookup, the capped check): a fifth of an
    `_id`-keyed upsert's CPU in process, though item_stats and member_recent, the ingest worker's two commands a take,
    have no secondary index (docs/performance.md "Events in: the update catalog once per command").

    Only inside a user transaction, where every read of the command sees the transaction's snapshot: another
    connection's createIndex or drop committed meanwhile is invisible to the released code too, so the catalog the
    ops read can change only by the transaction's own writes, and each of those forgets what was read of its
    collection: `_ensure_collection` creating the collection, `_maybe_mark_multikey` finding or marking an index
    multikey (the planner and later ops read the flag), `_write_coll_options` (a UUID minted with the oplog on).
    Outside a transaction each op commits apart and takes a fresh snapshot, so an index created by another connection
    between two ops must be seen by the second (or its entries would be missing): there the catalog is read as
    released. Readers get copies of the options and key dicts (callers mutate them: `_collection_uuid` does). Other
    commands read as released. The fix belongs upstream, e.g. a catalog read once per statement batch."""
    from secantus import commands
    from secantus.storage import Storage

    update_command = commands._HANDLERS["update"]
    iter_indexes = Storage._iter_indexes
    coll_options = Storage._coll_options
    ensure_collection = Storage._ensure_collection
    mark_multikey = Storage._maybe_mark_multikey
    write_coll_options = Storage._write_coll_options

    def update_reading_catalog_once(doc: dict[str, Any], ctx: Any) -> dict[str, Any]:
        if getattr(ctx.storage._tls, "user_txn", None) is None:
            reply: dict[str, Any] = update_command(doc, ctx)
            return reply
        outer = getattr(_update_catalog, "catalog", None)
        _update_catalog.catalog = CommandCatalog(ctx.storage)
        try:
            reply = update_command(doc, ctx)
            return reply
        finally:
            _update_catalog.catalog = outer

    def indexes_read_once(self: Any, db: str, coll: str) -> Any:
        catalog = command_catalog(self)
        if catalog is None:
            return iter_indexes(self, db, coll)
        if (db, coll) not in catalog.indexes:
            catalog.indexes[(db, coll)] = list(iter_indexes(self, db, coll))
        return iter([(name, dict(key), dict(options)) for name, key, options in catalog.indexes[(db, coll)]])

    def options_read_once(self: Any, db: str, coll: str) -> dict[str, Any] | None:
        catalog = command_catalog(self)
        if catalog is None:
            options: dict[str, Any] | None = coll_options(self, db, coll)
            return options
        if (db, coll) not in catalog.options:
            catalog.options[(db, coll)] = coll_options(self, db, coll)
        options = catalog.options[(db, coll)]
        return None if options is None else dict(options)

    def ensure_once(self: Any, db: str, coll: str) -> None:
        catalog = command_catalog(self)
        if catalog is None or (db, coll) not in catalog.ensured:
            ensure_collection(self, db, coll)
        if catalog is not None and (db, coll) not in catalog.ensured:
            catalog.forget(db, coll)
            catalog.ensured.add((db, coll))

    def mark_multikey_forgetting(
        self: Any, db: str, coll: str, doc: Any, indexes: Any, already_multikey: set[str]
    ) -> set[str]:
        known = len(already_multikey)
        marked: set[str] = mark_multikey(self, db, coll, doc, indexes, already_multikey)
        catalog = command_catalog(self)
        if catalog is not None and len(marked) != known:
            catalog.forget(db, coll)
        return marked

    def write_options_forgetting(self: Any, db: str, coll: str, opts: Any) -> None:
        write_coll_options(self, db, coll, opts)
        catalog = command_catalog(self)
        if catalog is not None:
            catalog.forget(db, coll)

    commands._HANDLERS["update"] = update_reading_catalog_once
    Storage._iter_indexes = indexes_read_once
    Storage._coll_options = options_read_once
    Storage._ensure_collection = ensure_once
    Storage._maybe_mark_multikey = mark_multikey_forgetting
    Storage._write_coll_options = write_options_forgetting


# Whether the commitTransaction running on this thread asked `j: true` (`install_journaled_commits`).
_journal_wanted = threading.local()


class SyncingSession:
    """A WiredTiger session whose `commit_transaction` syncs the log (`sync=on`); anything else is the session's.
    Equal to the session it wraps, so SecantusDB's bookkeeping (`_all_sessions.remove`) finds it."""

    def __init__(self, session: Any) -> None:
        self.session = session

    def commit_transaction(self, config: str | None = None) -> Any:
        return self.session.commit_transaction(f"{config},sync=on" if config else "sync=on")

    def __getattr__(self, name: str) -> Any:
        return getattr(self.session, name)

    def __eq__(self, other: object) -> bool:
        return other is self or other is self.session

    def __hash__(self) -> int:
        return hash(self.session)


def install_journaled_commits() -> None:
    """A `commitTransaction` whose write concern asks `j: true` commits with WiredTiger's `sync=on`: its writes are
    in the synced log before the commit returns, and (WiredTiger logs a commit before it makes it visible) before
    another reader can see them. buildInfo gains JOURNALED_COMMITS_FIELD. Other commits are unchanged."""
    from secantus import commands
    from secantus.storage import Storage

    commit_command = commands._HANDLERS["commitTransaction"]
    commit_user = Storage.commit_user_transaction
    build_info = commands._HANDLERS["buildInfo"]

    def commit_journaled(doc: dict[str, Any], ctx: Any) -> dict[str, Any]:
        _journal_wanted.on = commands._wants_journal(doc)
        try:
            reply: dict[str, Any] = commit_command(doc, ctx)
            return reply
        finally:
            _journal_wanted.on = False

    def commit_user_syncing(self: Any, handle: Any, **kwargs: Any) -> int:
        if getattr(_journal_wanted, "on", False) and not isinstance(handle.session, SyncingSession):
            handle.session = SyncingSession(handle.session)
        seq: int = commit_user(self, handle, **kwargs)
        return seq

    def build_info_saying_so(doc: dict[str, Any], ctx: Any) -> dict[str, Any]:
        return {**build_info(doc, ctx), JOURNALED_COMMITS_FIELD: True}

    commands._HANDLERS["commitTransaction"] = commit_journaled
    commands._HANDLERS["buildInfo"] = commands._HANDLERS["buildinfo"] = build_info_saying_so
    Storage.commit_user_transaction = commit_user_syncing


def oplog_wanted(setting: str | None) -> bool:
    """`SECANTUS_OPLOG`: on (1, true, yes) for a server whose oplog someone reads (a change stream); off by default."""
    return (setting or "").strip().lower() in {"1", "on", "true", "yes"}


def nice_wanted(setting: str | None, *, variable: str = NICE_ENV, default: int = DEFAULT_NICE) -> int:
    """A niceness setting (0-19; `SECANTUS_NICE` unless `variable` names another), checked: unset means `default`."""
    text = (setting or "").strip()
    nice = int(text) if text.lstrip("-").isdigit() else default if not text else -1
    if not 0 <= nice <= 19:
        raise ValueError(f"{variable} must be 0-19, not {setting!r}")
    return nice


def lower_priority(nice: int) -> None:
    """This thread's niceness, inherited by every thread and process it starts after. Only ever raised (which needs
    no privilege): a niceness already higher (a server started under `nice`) is kept."""
    if nice > os.getpriority(os.PRIO_PROCESS, 0):
        os.setpriority(os.PRIO_PROCESS, 0, nice)


def cache_size_wanted(setting: str | None) -> str:
    """`SECANTUS_CACHE_SIZE`, checked: a size WiredTiger reads (`512M`, `4G`, plain bytes); unset means
    DEFAULT_CACHE_SIZE."""
    text = (setting or "").strip().upper() or DEFAULT_CACHE_SIZE
    if not re.fullmatch(r"[1-9][0-9]*[KMGT]?", text):
        raise ValueError(f"{CACHE_SIZE_ENV} must be a size such as 512M or 4G, not {setting!r}")
    return text


def with_cache_size(argv: list[str], size: str) -> list[str]:
    """The server's arguments with `--cache-size size`, unless they name a cache size themselves."""
    if any(arg == CACHE_SIZE_FLAG or arg.startswith(CACHE_SIZE_FLAG + "=") for arg in argv):
        return argv
    return [*argv, CACHE_SIZE_FLAG, size]


def patch_wanted(setting: str | None) -> bool:
    """A patch's switch (PATCHES): on unless off (0, false, no, off), for a figure of SecantusDB as released."""
    return (setting or "").strip().lower() not in {"0", "off", "false", "no"}


def background_client(handshake: Mapping[str, Any]) -> bool:
    """Whether a handshake's client metadata names a background client (its application name ends in
    BACKGROUND_APP_SUFFIX)."""
    client = handshake.get("client")
    application = client.get("application") if isinstance(client, Mapping) else None
    name = application.get("name") if isinstance(application, Mapping) else None
    return isinstance(name, str) and name.endswith(BACKGROUND_APP_SUFFIX)


def install_background_connections(nice: int) -> None:
    """A background client's connection (`background_client`) served by a thread at niceness `nice` from its
    handshake on: SecantusDB runs each connection's commands on a thread of its own (`_handle_client`), which ends
    with the connection. Raised only, so no privilege is needed; a driver's monitoring connections of a background
    client are background too. Nothing at 0."""
    from secantus import commands

    if not nice:
        return

    def lowering(handler: Callable[[dict[str, Any], Any], dict[str, Any]]) -> Callable[..., dict[str, Any]]:
        def hello(doc: dict[str, Any], ctx: Any) -> dict[str, Any]:
            if background_client(doc):
                thread = threading.get_native_id()
                # A priority refused (a sandbox's seccomp) leaves the connection as it was, never fails its handshake.
                with contextlib.suppress(OSError):
                    if nice > os.getpriority(os.PRIO_PROCESS, thread):
                        os.setpriority(os.PRIO_PROCESS, thread, nice)
            return handler(doc, ctx)

        return hello

    for name in commands._HANDSHAKE_COMMANDS:
        commands._HANDLERS[name] = lowering(commands._HANDLERS[name])


# The wrapper's patches of SecantusDB, by the variable that turns each off, in the order they are installed.
PATCHES: dict[str, Callable[[], None]] = {
    INDEX_OPTIONS_ENV: install_chunk_index_options,
    TTL_SWEEP_RELEASE_ENV: install_ttl_sweep_release,
    JOURNALED_COMMITS_ENV: install_journaled_commits,
    UPDATE_CATALOG_ENV: install_update_catalog_per_command,
}


def main(argv: list[str] | None = None) -> int:
    # First: threads started while SecantusDB is imported inherit it too.
    lower_priority(nice_wanted(os.environ.get(NICE_ENV)))
    # SecantusDB is a development package (requirements-dev.txt): imported only when this wrapper runs.
    from secantus import cli
    from secantus.server import SecantusDBServer

    lifetime = float(os.environ.get(LIFETIME_ENV) or DEFAULT_LIFETIME_SECONDS)
    argv = with_cache_size(sys.argv[1:] if argv is None else argv, cache_size_wanted(os.environ.get(CACHE_SIZE_ENV)))
    oplog = oplog_wanted(os.environ.get(OPLOG_ENV))

    install_idle_pruning()
    install_background_connections(
        nice_wanted(os.environ.get(BACKGROUND_NICE_ENV), variable=BACKGROUND_NICE_ENV, default=DEFAULT_BACKGROUND_NICE)
    )
    for variable, install in PATCHES.items():
        if patch_wanted(os.environ.get(variable)):
            install()

    def build(*args: Any, **kwargs: Any) -> Any:
        server = SecantusDBServer(*args, transaction_lifetime_seconds=lifetime, **kwargs)
        if not oplog:
            server.storage.enable_oplog = False
        threading.Thread(target=reap, args=(server,), name="transaction-reaper", daemon=True).start()
        return server

    # cli.main builds its server from this module attribute: hand it one with the lifetime bound and a reaper.
    cli.SecantusDBServer = build
    return cli.main(argv)


if __name__ == "__main__":
    sys.exit(main())
