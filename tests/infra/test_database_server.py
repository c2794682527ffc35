"""The platform's SecantusDB wrapper (infra/database_server.py): no oplog unless asked for, transactions as before."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from pymongo import MongoClient

from infra.database_server import (
    DEFAULT_NICE,
    NICE_ENV,
    OPLOG_ENV,
    nice_wanted,
    oplog_wanted,
    prune_idle_transactions,
)
from infra.embedded import EmbeddedServer, answers
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


def thread_nices(pid: int) -> set[int]:
    """The niceness of every thread of a process, from /proc (stat field 19)."""
    found = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            stat = (task / "stat").read_text()
        except FileNotFoundError:  # a connection's thread that ended meanwhile
            continue
        found.add(int(stat.rsplit(")", 1)[1].split()[16]))
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


def test_a_niceness_lowers_the_servers_session_group(monkeypatch: pytest.MonkeyPatch) -> None:
    # Its own session (infra/embedded.py), so its own autogroup: the group's niceness is what weighs against the
    # platform's processes, whose groups are others.
    monkeypatch.setenv(NICE_ENV, "10")
    own = Path("/proc/self/autogroup")
    if not own.exists():
        pytest.skip("a kernel without autogroups")
    ours = own.read_text()
    server = EmbeddedServer(":memory:")
    server.start()
    try:
        assert server.process is not None
        group = Path(f"/proc/{server.process.pid}/autogroup").read_text().split()
    finally:
        server.stop()
    assert group[0] != ours.split()[0]
    assert int(group[-1]) == max(10, int(ours.split()[-1]))
    assert own.read_text() == ours  # ours untouched
