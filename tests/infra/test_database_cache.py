"""The embedded server's WiredTiger cache (`SECANTUS_CACHE_SIZE`, infra/database_server.py): checked, handed to
SecantusDB unless its own flag names one, and what the server then holds."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from pymongo import MongoClient
from pymongo.errors import OperationFailure

from infra.database_server import (
    CACHE_SIZE_ENV,
    DEFAULT_CACHE_SIZE,
    cache_size_wanted,
    with_cache_size,
)
from infra.embedded import EmbeddedServer
from infra.settings import Settings

# 20 MB of documents: more than a 16 MB cache holds in memory, far less than the default.
DOCUMENT_PAD = "x" * 10_000
BATCHES = 20


def test_the_cache_size_setting_is_checked() -> None:
    assert cache_size_wanted(None) == DEFAULT_CACHE_SIZE
    assert cache_size_wanted("") == DEFAULT_CACHE_SIZE
    assert cache_size_wanted(" 512m ") == "512M"
    assert cache_size_wanted("1073741824") == "1073741824"
    for setting in ("0", "4 G", "4GB", "-1G", "1.5G", "big"):
        with pytest.raises(ValueError, match="SECANTUS_CACHE_SIZE must be a size"):
            cache_size_wanted(setting)


def test_the_servers_own_flag_wins() -> None:
    assert with_cache_size(["--port", "1"], "4G") == ["--port", "1", "--cache-size", "4G"]
    assert with_cache_size(["--cache-size", "2G"], "4G") == ["--cache-size", "2G"]
    assert with_cache_size(["--cache-size=2G"], "4G") == ["--cache-size=2G"]


def test_the_settings_class_documents_the_wrappers_default() -> None:
    assert Settings().secantus_cache_size == DEFAULT_CACHE_SIZE


def stored_megabytes(uri: str) -> int:
    """Insert BATCHES batches of 100 documents of ~10 KB each into a fresh collection; the megabytes stored before
    the first refusal (all of them when none was refused)."""
    client: MongoClient[dict[str, Any]] = MongoClient(uri)
    try:
        coll = client["cache_probe"]["docs"]
        for batch in range(BATCHES):
            try:
                coll.insert_many([{"batch": batch, "n": n, "pad": DOCUMENT_PAD} for n in range(100)])
            except OperationFailure:
                return batch
        return BATCHES
    finally:
        client.close()


@pytest.mark.parametrize("setting", ["", "16M"])
def test_an_in_memory_server_holds_what_its_cache_size_allows(setting: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """In memory (the tests' and benchmarks' servers) the cache holds every document: a 16 MB cache refuses the
    twentieth megabyte, so the size reached WiredTiger; the default holds them all."""
    monkeypatch.setenv(CACHE_SIZE_ENV, setting)
    server = EmbeddedServer(":memory:")
    server.start()
    try:
        stored = stored_megabytes(server.uri)
    finally:
        server.stop()
    if setting:
        assert 5 <= stored < BATCHES
    else:
        assert stored == BATCHES


def test_the_cache_is_a_ceiling_not_an_allocation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A laptop running `make run` does not pay the cache up front: an idle 8G server on a data folder holds about
    what a 1G one does (~50 MB)."""
    monkeypatch.setenv(CACHE_SIZE_ENV, "8G")
    server = EmbeddedServer(str(tmp_path / "db"))
    server.start()
    try:
        assert server.process is not None
        stat = Path(f"/proc/{server.process.pid}/stat").read_text().rpartition(")")[2].split()
        resident_mb = int(stat[21]) * os.sysconf("SC_PAGE_SIZE") / 2**20  # field 24, rss in pages
    finally:
        server.stop()
    # (Not serverStatus().mem.resident: SecantusDB reports its ru_maxrss, a peak that a process keeps across exec
    # from the one that forked it, here this test process.)
    assert resident_mb < 150
