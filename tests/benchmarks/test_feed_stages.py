"""benchmarks/feed_stages.py `--distinct`: one member's repeated feed against each feed another member's."""

from __future__ import annotations

import asyncio
from itertools import islice

import pytest

from benchmarks.feed_stages import DISTINCT, STAGES, columns, run, table

pytestmark = pytest.mark.processes


def test_columns_repeat_one_member_and_take_the_others_in_turn() -> None:
    nexts = columns({"one": ["a"], "distinct": ["b", "c", "d"]})
    assert list(islice(nexts["one"], 4)) == ["a", "a", "a", "a"]
    assert list(islice(nexts["distinct"], 5)) == ["b", "c", "d", "b", "c"]


def test_distinct_run_times_every_stage_for_both_columns() -> None:
    figures, labels = asyncio.run(run(items=12, count=20, distinct=3, events=4))
    assert labels == DISTINCT
    assert figures["distinct_members"] == "3 members with 4 events each"
    for label in DISTINCT:
        assert figures[f"feed_{label}_gateway_cpu_ms"] > 0, label
        # every feed reads its member's document and ranks: those stages took CPU in both columns
        for stage in ("member_recent_read", "rank", "decide"):
            assert figures[f"{stage}_{label}_gateway_cpu_ms"] > 0, (stage, label)
    lines = table(figures, labels).splitlines()
    assert "one member" in lines[0]
    assert "distinct" in lines[0]
    assert len(lines) == 2 + len(STAGES)  # the header, the whole feed, then one row per stage
