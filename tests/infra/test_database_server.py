"""The platform's SecantusDB wrapper (infra/database_server.py): no oplog unless asked for, transactions as before."""

from __future__ import annotations

import asyncio
import os
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pymongo import MongoClient

from infra.database_server import (
    BACKGROUND_APP_SUFFIX,
    BACKGROUND_NICE_ENV,
    DEFAULT_BACKGROUND_NICE,
    DEFAULT_NICE,
    NICE_ENV,
    OPLOG_ENV,
    PATCHES,
    background_client,
    install_chunk_index_options,
    install_ttl_sweep_release,
    nice_wanted,
    oplog_wanted,
    patch_wanted,
    prune_idle_transactions,
)
from infra.embedded import EmbeddedServer, answers
from infra.mongo import BACKGROUND_APP_SUFFIX as CLIENTS_BACKGROUND_SUFFIX
from infra.mongo import create_mongo_client
from infra.settings import Settings


def oplog_entries_after_a_transaction(uri: str) -> tuple[int, int]:
    """Insert two documents in a transaction; (documents stored, oplog entries naming their collection)."""
    client: MongoClient[dict[str, Any]] = MongoClient(uri)
    try:
        coll = client["oplog_probe"]["docs"]
        with client.start_session() as session, session.start_transaction():
            coll.insert_many([{"n": 1}, {"n": 2}], session=session)
        stored = coll.count_documents({})
        entries = client["local"]["oplog.rs"].count_documents({"ns": coll.full_name})
        return stored, entries
    finally:
        client.close()


@pytest.mark.parametrize("setting", ["", "on"])
def test_the_oplog_is_written_only_when_asked_for(setting: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(OPLOG_ENV, setting)
    server = EmbeddedServer(":memory:")
    server.start()
    try:
        stored, entries = oplog_entries_after_a_transaction(server.uri)
    finally:
        server.stop()
    assert stored == 2
    assert entries == (2 if setting else 0)


def test_the_oplog_setting_reads_on_and_off() -> None:
    assert [oplog_wanted(s) for s in ("1", "on", " TRUE ", "yes")] == [True] * 4
    assert [oplog_wanted(s) for s in (None, "", "0", "off", "no")] == [False] * 5


def test_every_patch_is_on_unless_turned_off() -> None:
    assert list(PATCHES) == [
        "SECANTUS_INDEX_OPTIONS_PER_CHUNK",
        "SECANTUS_TTL_SWEEP_RELEASE",
        "SECANTUS_JOURNALED_COMMITS",
        "SECANTUS_UPDATE_CATALOG_PER_COMMAND",
    ]
    assert [patch_wanted(s) for s in (None, "", "1", "on", "yes")] == [True] * 5
    assert [patch_wanted(s) for s in ("0", "off", " OFF ", "false", "no")] == [False] * 5


def test_pruning_skips_a_transaction_running_a_statement_and_still_reaps_idle_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """SecantusDB's own pruning waited, under the registry's lock, for the mutex of a transaction whose statement
    was running: every transaction command of the server queued behind one slow statement. The wrapper's pruning
    skips it, and still rolls back a transaction idle past the lifetime."""
    from secantus.transactions import TransactionRegistry, TxnState

    monkeypatch.setattr(TransactionRegistry, "_prune_locked", prune_idle_transactions)
    now = [1000.0]
    rolled_back: list[bytes] = []
    registry = TransactionRegistry(
        lifetime_seconds=10.0, time_func=lambda: now[0], rollback_func=lambda txn: rolled_back.append(txn.lsid_bytes)
    )
    busy, _ = registry.for_statement(b"busy", None, 1, start=True)
    idle, _ = registry.for_statement(b"idle", None, 1, start=True)
    assert busy is not None
    assert idle is not None
    running = threading.Event()
    finish = threading.Event()

    def statement() -> None:  # holds the busy transaction's mutex as a running statement does
        with busy.mutex:
            running.set()
            finish.wait(10)

    thread = threading.Thread(target=statement)
    thread.start()
    try:
        assert running.wait(5)
        now[0] += 11.0  # both past the lifetime
        started = time.monotonic()
        reaped = registry.prune_expired()
        other, error = registry.for_statement(b"other", None, 1, start=True)
        waited = time.monotonic() - started
    finally:
        finish.set()
        thread.join()
    assert waited < 2.0  # did not wait for the running statement (it would have waited the full 10 s)
    assert reaped == 1
    assert rolled_back == [b"idle"]
    assert idle.state is TxnState.ABORTED
    assert busy.state is TxnState.IN_PROGRESS
    assert other is not None
    assert error is None
    assert registry.prune_expired() == 1  # once its statement ended (and it stayed idle), the busy one is reaped
    assert busy.state is TxnState.ABORTED


def test_the_niceness_setting_is_checked() -> None:
    assert nice_wanted(None) == DEFAULT_NICE
    assert nice_wanted(" 5 ") == 5
    assert nice_wanted("") == DEFAULT_NICE
    for setting in ("20", "-1", "low"):
        with pytest.raises(ValueError, match="SECANTUS_NICE must be 0-19"):
            nice_wanted(setting)


def test_the_settings_class_documents_the_wrappers_default() -> None:
    assert Settings().secantus_nice == DEFAULT_NICE
    assert Settings().secantus_background_nice == DEFAULT_BACKGROUND_NICE
    with pytest.raises(ValueError, match="SECANTUS_BACKGROUND_NICE must be 0-19"):
        nice_wanted("25", variable=BACKGROUND_NICE_ENV, default=DEFAULT_BACKGROUND_NICE)


def test_a_background_client_is_named_by_its_application_name() -> None:
    assert CLIENTS_BACKGROUND_SUFFIX == BACKGROUND_APP_SUFFIX  # the clients and the server say it the same way
    assert background_client({"client": {"application": {"name": "distribution_service/background"}}})
    for handshake in (
        {"client": {"application": {"name": "distribution_service"}}},
        {"client": {"application": {"name": 7}}},
        {"client": {"driver": {"name": "PyMongo"}}},
        {"client": "x"},
        {},
    ):
        assert not background_client(handshake)


async def test_a_background_clients_connections_run_at_the_background_niceness(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The heavy lane's child names its clients background (DATABASE_BACKGROUND): the threads serving them give the
    # core to the gateway's; every other connection keeps the server's niceness.
    monkeypatch.setenv(NICE_ENV, "")
    monkeypatch.setenv(BACKGROUND_NICE_ENV, "")
    server = EmbeddedServer(":memory:")
    server.start()
    # Polled monitoring: each client opens its monitor's connection and the ping's, both shaken hands before the
    # ping returns (no round-trip monitor connecting later).
    uri = f"{server.uri}&serverMonitoringMode=poll"
    cheap = create_mongo_client(uri, app_name="nice-test")
    heavy = create_mongo_client(uri, app_name="nice-test", background=True)
    ours = os.getpriority(os.PRIO_PROCESS, 0)  # the suite may run under `nice`: a niceness is only ever raised
    normal, background = max(DEFAULT_NICE, ours), max(DEFAULT_BACKGROUND_NICE, ours)
    try:
        assert server.process is not None
        before = thread_nices_by_id(server.process.pid)
        await cheap.admin.command("ping")
        await heavy.admin.command("ping")
        started: list[int] = []
        for _ in range(50):  # a connection's thread reads its handshake a moment after the driver sent it
            after = thread_nices_by_id(server.process.pid)
            started = sorted(nice for tid, nice in after.items() if tid not in before)
            if started.count(background) >= 2 and started.count(normal) >= 2:
                break
            await asyncio.sleep(0.1)
    finally:
        await cheap.close()
        await heavy.close()
        server.stop()
    assert started.count(background) == 2  # the background client's monitor and its ping's connection
    assert started.count(normal) >= 2  # the other client's (and any the start-up probe left)
    assert set(started) == {normal, background}
    assert set(before.values()) == {normal}


def thread_nices(pid: int) -> set[int]:
    """The niceness of every thread of a process, from /proc (stat field 19)."""
    return set(thread_nices_by_id(pid).values())


def thread_nices_by_id(pid: int) -> dict[int, int]:
    """Each thread of a process by its id, with its niceness (stat field 19), from /proc."""
    found = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            stat = (task / "stat").read_text()
        except FileNotFoundError:  # a connection's thread that ended meanwhile
            continue
        found[int(task.name)] = int(stat.rsplit(")", 1)[1].split()[16])
    return found


@pytest.mark.parametrize("nice", ["", "10"])
def test_every_thread_of_the_server_runs_at_the_niceness_asked_for(nice: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(NICE_ENV, nice)
    server = EmbeddedServer(":memory:")
    server.start()
    try:
        assert server.process is not None
        found = thread_nices(server.process.pid)
        assert answers(server.uri)
    finally:
        server.stop()
    # At least the test's own (the suite may run under `nice`): a niceness is only ever raised.
    assert found == {max(int(nice) if nice else DEFAULT_NICE, os.getpriority(os.PRIO_PROCESS, 0))}


def test_the_server_runs_in_our_session_group_but_not_in_our_process_group(monkeypatch: pytest.MonkeyPatch) -> None:
    # Our session, so our autogroup (its niceness weighs against our threads, not the machine's other sessions), the
    # group's own niceness untouched; its own process group, so Ctrl-C on a terminal reaches us, not it.
    monkeypatch.setenv(NICE_ENV, "10")
    own = Path("/proc/self/autogroup")
    ours = own.read_text() if own.exists() else ""
    server = EmbeddedServer(":memory:")
    server.start()
    try:
        assert server.process is not None
        pid = server.process.pid
        session, group = os.getsid(pid), os.getpgid(pid)
        autogroup = Path(f"/proc/{pid}/autogroup").read_text() if own.exists() else ""
    finally:
        server.stop()
    assert session == os.getsid(0)
    assert group == pid != os.getpgid(0)
    assert autogroup == ours  # the same group, at the same niceness (empty where the kernel shows none)


INDEXES: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    ("community_key_unique", {"community_id": 1, "key": 1}, {"unique": True}),
    ("partial_flag", {"flag": 1}, {"partialFilterExpression": {"flag": {"$exists": True}}}),
    ("tags", {"tags": 1}, {}),
    ("place_2dsphere", {"place": "2dsphere"}, {}),
    ("name_ci", {"name": 1}, {"collation": {"locale": "en", "strength": 2}}),
]


def stored_with_indexes(storage: Any) -> tuple[list[Any], list[Any], list[Any]]:
    """Insert documents that exercise each kind of index (unique, partial, multikey, geo, collated), a duplicate
    among them and a bad geometry after; what was refused, and what each index's read finds."""
    for name, keys, options in INDEXES:
        storage.create_index("probe", "docs", name, keys, options)
    docs = [
        {"_id": n, "community_id": 1, "key": n % 7, "tags": [f"t{n % 3}", "all"], "name": f"Name{n % 4}"}
        | ({"flag": True} if n % 2 else {})
        | {"place": {"type": "Point", "coordinates": [n % 10, n % 5]}}
        for n in range(10)
    ]
    _, errors = storage.insert("probe", "docs", docs, ordered=False)
    _, bad = storage.insert("probe", "docs", [{"_id": 99, "place": {"type": "Point", "coordinates": [500, 0]}}])
    found = [
        sorted(d["_id"] for d in storage.find_matching("probe", "docs", query, collation=collation))
        for query, collation in [
            ({"community_id": 1, "key": 3}, None),
            ({"flag": True}, None),
            ({"tags": "t1"}, None),
            ({"place": {"$geoWithin": {"$box": [[0, 0], [3, 3]]}}}, None),
            ({"name": "name2"}, {"locale": "en", "strength": 2}),
        ]
    ]
    return [(e.get("index"), e.get("code")) for e in errors], [(e.get("index"), e.get("code")) for e in bad], found


def collections_read(monkeypatch: pytest.MonkeyPatch, method: str) -> list[str]:
    """The collection of every call of SecantusDB's `Storage.<method>(db, coll)` from now on, in order (monkeypatch
    puts the method back)."""
    from secantus.storage import Storage

    calls: list[str] = []
    real = getattr(Storage, method)

    def counted(self: Any, db: str, coll: str) -> Any:
        calls.append(coll)
        return real(self, db, coll)

    monkeypatch.setattr(Storage, method, counted)
    return calls


def test_an_insert_chunk_builds_each_collections_index_options_once_and_stores_the_same(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from secantus.storage import Storage

    before = stored_with_indexes(Storage(":memory:", enable_oplog=False))
    # The patch wraps whatever it finds; monkeypatch puts both methods back afterwards.
    built = collections_read(monkeypatch, "_index_options_map")
    monkeypatch.setattr(Storage, "_insert_chunk", Storage._insert_chunk)
    install_chunk_index_options()
    storage = Storage(":memory:", enable_oplog=False)
    after = stored_with_indexes(storage)
    # then: the same refusals (the duplicate keys, the bad point) and the same reads
    assert after == before
    assert after[0]
    assert after[1]
    # and a 100-document insert builds its map once, not three times per document
    storage.create_index("probe", "many", "k", {"k": 1}, {})
    built.clear()
    storage.insert("probe", "many", [{"k": n} for n in range(100)])
    assert built.count("many") == 1


PINNED = "transaction: transaction range of IDs currently pinned"


def pinned_ids(storage: Any) -> int:
    """How many transaction IDs WiredTiger's oldest reader holds back (its own statistic; `statistics=(fast)` on)."""
    session = storage._conn.open_session()
    try:
        cursor = session.open_cursor("statistics:", None, None)
        while cursor.next() == 0:
            description, _, value = cursor.get_value()
            if description == PINNED:
                return int(value)
        raise AssertionError(f"no statistic {PINNED!r}")
    finally:
        session.close()


def pinned_ids_within(storage: Any, seconds: float) -> int:
    """The fewest pinned IDs seen over `seconds`: WiredTiger moves its oldest ID on in the background (its eviction
    server), so a release shows up a moment later."""
    deadline, fewest = time.monotonic() + seconds, pinned_ids(storage)
    while fewest and time.monotonic() < deadline:
        time.sleep(0.2)
        fewest = min(fewest, pinned_ids(storage))
    return fewest


def on_a_thread(storage: Any, work: Any, *, release: bool) -> None:
    def run() -> None:
        work()
        if release:  # what the wire server does after every request
            storage.release_thread_snapshot()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()


@pytest.mark.parametrize("released", [True, False])
def test_a_ttl_sweep_leaves_no_snapshot_pinning_later_writes(released: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """SecantusDB's sweeper thread sweeps and then waits 60 s; as released, the sweep leaves its session's snapshot
    pinned, and every later write stays unsettled behind it (WiredTiger's eviction then rewrites pages it cannot
    free). With the release nothing is held back once the writes are done. (If the unreleased case stops pinning,
    SecantusDB has fixed `_ttl_sweep_loop` and the patch can go.)"""
    from secantus.storage import Storage

    monkeypatch.setattr(Storage, "prune_ttl_all_collections", Storage.prune_ttl_all_collections)
    if released:
        install_ttl_sweep_release()
    storage = Storage(":memory:", enable_oplog=False, ttl_sweep_seconds=0)
    try:
        storage._conn.reconfigure("statistics=(fast)")
        now = datetime.now(UTC)
        on_a_thread(
            storage,
            lambda: storage.create_index("probe", "sessions", "at", {"at": 1}, {"expireAfterSeconds": 60}),
            release=True,
        )
        on_a_thread(
            storage, lambda: storage.insert("probe", "sessions", [{"at": now, "n": n} for n in range(20)]), release=True
        )
        on_a_thread(storage, storage.prune_ttl_all_collections, release=False)

        def writes() -> None:
            for n in range(200):
                storage.insert("probe", "events", [{"n": n}])
                storage.release_thread_snapshot()

        on_a_thread(storage, writes, release=True)
        if released:
            assert pinned_ids_within(storage, 10.0) < 20
        else:
            assert pinned_ids_within(storage, 3.0) >= 200
    finally:
        storage.close()
