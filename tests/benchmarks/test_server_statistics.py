"""benchmarks/server_statistics.py: WiredTiger's statistics of the embedded server, sampled beside a benchmark."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from pymongo import MongoClient

import infra.embedded as embedded
from benchmarks import server_statistics
from benchmarks.server_statistics import COUNTERS, PEAKS, PINNED, SLEEP_COUNTER, STATISTICS_ENV, servers, totals
from infra.database_server import CACHE_SIZE_ENV


def line(cpu: float, walked: int, cache: int, rss: float) -> dict[str, Any]:
    return {
        "t": cpu * 10,
        "cpu_s": cpu,
        "rss_mb": rss,
        COUNTERS["eviction_pages_walked"]: walked,
        SLEEP_COUNTER: walked * 1000,
        PEAKS["cache_mb"]: cache << 20,
        PINNED: walked * 2,
    }


def test_a_new_server_starts_a_new_block_and_each_block_is_summed(tmp_path: Path) -> None:
    path = tmp_path / "stats.jsonl"
    rows = [line(1.0, 10, 5, 50.0), line(2.0, 30, 9, 70.4), line(3.0, 40, 7, 60.0), line(0.2, 0, 1, 40.0)]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    blocks = servers(path)
    assert [len(block) for block in blocks] == [3, 1]
    first = totals(blocks[0])
    assert first["eviction_pages_walked"] == 30
    assert first["page_acquire_sleep_seconds"] == 0.0  # 30,000 us
    assert first["peak_cache_mb"] == 9
    assert first["peak_rss_mb"] == 70
    assert first["peak_pinned_transaction_ids"] == 80
    assert first["seconds"] == 20
    assert totals(blocks[1])["eviction_pages_walked"] == 0


@pytest.mark.processes
def test_a_server_started_through_the_platform_is_sampled_with_its_cache_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "stats.jsonl"
    monkeypatch.setenv(STATISTICS_ENV, str(out))
    monkeypatch.setenv(CACHE_SIZE_ENV, "256M")
    python = embedded.server_command()[:2]  # the interpreter and -P, as the wrapper runs
    monkeypatch.setattr(embedded, "server_command", lambda: [*python, server_statistics.__file__, "--serve"])
    server = embedded.EmbeddedServer(":memory:")
    server.start()
    try:
        client: MongoClient[dict[str, Any]] = MongoClient(server.uri)
        client["probe"]["docs"].insert_many([{"n": n} for n in range(100)])
        client.close()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and len(out.read_text().splitlines() if out.exists() else []) < 2:
            time.sleep(0.2)
    finally:
        server.stop()
    [block] = servers(out)
    summary = totals(block)
    assert summary["cache_size_mb"] == 256
    assert summary["peak_cache_mb"] >= 0
    assert summary["peak_rss_mb"] > 0
