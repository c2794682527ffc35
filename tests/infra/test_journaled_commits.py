"""The platform's SecantusDB syncs a `j: true` commit before answering it (infra/database_server.py,
`install_journaled_commits`), so its clients follow such a commit with no barrier write (infra/mongo.py,
`commits_journaled`); SecantusDB as released (`SECANTUS_JOURNALED_COMMITS=off`) loses such a commit to `kill -9`."""

from __future__ import annotations

import os
import signal
from functools import partial
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from pymongo import AsyncMongoClient, MongoClient, WriteConcern
from pymongo.client_session import ClientSession
from pymongo.collection import Collection

from infra.database_server import (
    JOURNALED_COMMITS_ENV,
    JOURNALED_COMMITS_FIELD,
    SyncingSession,
)
from infra.embedded import EmbeddedServer
from infra.mongo import commits_journaled

ROUNDS = 3
# As released a kill kept about 1 commit of 10 (benchmarks/durability.py): 4 rounds all kept by chance ~1 in 10,000.
ROUNDS_AS_RELEASED = 4


def insert(docs: Collection[dict[str, Any]], n: int, session: ClientSession) -> None:
    docs.insert_one({"_id": n}, session=session)


def commit_then_kill(folder: Path, rounds: int) -> tuple[int, bool]:
    """`rounds` times: one transaction committed with `j: true`, answered, then `kill -9` of the server at once and
    a restart on the same data. (How many commits were still there, whether buildInfo said commits are journaled.)"""
    server = EmbeddedServer(str(folder))
    kept, said = 0, False
    for n in range(rounds):
        server.start()
        client: MongoClient[dict[str, Any]] = MongoClient(server.uri)
        try:
            said = bool(client.admin.command("buildInfo").get(JOURNALED_COMMITS_FIELD))
            docs = client["t"]["docs"]
            with client.start_session() as session:
                session.with_transaction(partial(insert, docs, n), write_concern=WriteConcern(w=1, j=True))
        finally:
            client.close()
        assert server.process is not None
        os.kill(server.process.pid, signal.SIGKILL)
        server.process.wait()
        server.start()
        client = MongoClient(server.uri)
        try:
            kept += client["t"]["docs"].count_documents({"_id": n})
        finally:
            client.close()
        server.stop()
        server._stopping.clear()  # noqa: SLF001 - the same server object started again, as benchmarks/durability.py
    return kept, said


@pytest.mark.processes
@pytest.mark.parametrize("setting", ["", "off"])
def test_a_journaled_commit_survives_kill_9_with_no_barrier(
    setting: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(JOURNALED_COMMITS_ENV, setting)
    rounds = ROUNDS_AS_RELEASED if setting else ROUNDS
    kept, said = commit_then_kill(tmp_path, rounds)
    if setting:
        # as released: the commit answered before its log reached the file; a kill loses it (1 of 10 survived in
        # benchmarks/durability.py's `txn` row)
        assert not said
        assert kept < rounds
    else:
        assert said
        assert kept == ROUNDS


async def test_the_platforms_server_says_its_journaled_commits_need_no_barrier(mongo_uri: str) -> None:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(mongo_uri)
    try:
        assert await commits_journaled(client["any"]) is True
    finally:
        await client.close()


def test_a_syncing_session_commits_with_sync_and_is_found_as_the_session_it_wraps() -> None:
    calls: list[str | None] = []

    class Session:
        def commit_transaction(self, config: str | None = None) -> None:
            calls.append(config)

        def close(self) -> None:
            calls.append("closed")

    real = Session()
    wrapped = SyncingSession(real)
    wrapped.commit_transaction()
    wrapped.commit_transaction("operation_timeout_ms=5")
    wrapped.close()
    assert calls == ["sync=on", "operation_timeout_ms=5,sync=on", "closed"]
    # SecantusDB drops a closed session from its list by equality (`_all_sessions.remove(handle.session)`)
    sessions = [object(), real]
    sessions.remove(wrapped)
    assert real not in sessions


class RestartingServer:
    """A client's view of one SecantusDB (or MongoDB) address whose process is started again with another setting:
    `admin.command("buildInfo")` and `topology_description`, as `commits_journaled` reads them."""

    def __init__(self, *, secantus: bool = True) -> None:
        self.secantus = secantus
        self.process, self.journaled, self.asked = "first", True, 0
        self.admin = self

    async def command(self, name: str) -> dict[str, Any]:
        assert name == "buildInfo"
        self.asked += 1
        info: dict[str, Any] = {"secantusVersion": "x"} if self.secantus else {}
        return {**info, JOURNALED_COMMITS_FIELD: True} if self.journaled and self.secantus else info

    @property
    def topology_description(self) -> Any:
        described = SimpleNamespace(topology_version={"processId": self.process, "counter": 0})
        return SimpleNamespace(server_descriptions=lambda: {("127.0.0.1", 1): described})


async def test_a_server_started_again_without_journaled_commits_is_asked_again() -> None:
    server = RestartingServer()
    db: Any = SimpleNamespace(client=server)
    assert [await commits_journaled(db), await commits_journaled(db)] == [True, True]
    assert server.asked == 1
    # when: the same address served by a new process, SECANTUS_JOURNALED_COMMITS=off
    server.process, server.journaled = "second", False
    # then: its clients follow journaled commits with a barrier again
    assert await commits_journaled(db) is False
    assert server.asked == 2


async def test_mongodbs_answer_holds_for_any_of_its_processes() -> None:
    server = RestartingServer(secantus=False)
    db: Any = SimpleNamespace(client=server)
    assert await commits_journaled(db) is True
    server.process = "second"
    assert await commits_journaled(db) is True
    assert server.asked == 1


def log_syncs(session: Any) -> int:
    stats = session.open_cursor("statistics:", None, None)
    try:
        while stats.next() == 0:
            description, _, value = stats.get_value()
            if description == "log: log sync operations":
                return int(value)
    finally:
        stats.close()
    raise AssertionError("no log sync statistic")


def test_a_syncing_session_syncs_wiredtigers_log_at_its_commit(tmp_path: Path) -> None:
    """On a real WiredTiger connection configured as SecantusDB's (log on, transaction_sync off): a commit through a
    SyncingSession syncs the log (a kill -9 test cannot tell a synced log from one written to the page cache), a plain
    commit does not, and SecantusDB's list of sessions drops the real session by the wrapper."""
    wiredtiger = pytest.importorskip("wiredtiger")
    connection = wiredtiger.wiredtiger_open(
        str(tmp_path),
        "create,log=(enabled=true,prealloc=false),transaction_sync=(enabled=false,method=fsync),statistics=(fast)",
    )
    try:
        stats = connection.open_session()
        stats.create("table:t", "key_format=S,value_format=S")
        real = connection.open_session()
        wrapped = SyncingSession(real)

        def commit(session: Any, key: str) -> None:
            cursor = session.open_cursor("table:t")
            session.begin_transaction()
            cursor[key] = "v"
            session.commit_transaction()
            cursor.close()

        before = log_syncs(stats)
        commit(real, "plain")
        assert log_syncs(stats) == before
        commit(wrapped, "journaled")
        assert log_syncs(stats) > before
        sessions = [stats, real]
        sessions.remove(wrapped)
        assert sessions == [stats]
    finally:
        connection.close()
