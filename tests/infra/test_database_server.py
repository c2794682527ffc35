"""The platform's SecantusDB wrapper (infra/database_server.py): no oplog unless asked for, transactions as before."""

from __future__ import annotations

from typing import Any

import pytest
from pymongo import MongoClient

from infra.database_server import OPLOG_ENV, oplog_wanted
from infra.embedded import EmbeddedServer


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
