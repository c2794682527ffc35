"""benchmarks/kept_member_bytes.py: the bytes a process keeps per member between their feeds, by kind of state."""

from __future__ import annotations

import asyncio

import pytest

from benchmarks.kept_member_bytes import run

pytestmark = pytest.mark.processes


def test_every_member_is_kept_and_each_kind_of_state_releases_bytes() -> None:
    figures = asyncio.run(run(members=6, events=4, items=12))
    assert figures["kept"] == {"decoded_docs": 6, "columns": 6}
    parts = ("decoded_docs", "columns_and_engagements", "profiles", "text_cosines")
    for part in parts:
        assert figures[f"{part}_bytes_per_member"] > 0, part
    assert figures["kept_bytes_per_member"] == pytest.approx(
        sum(figures[f"{part}_bytes_per_member"] for part in parts), abs=len(parts)
    )
