"""Kept item snapshots of events (service/event_items.py): the items events ask for are read again together once past
half their lifetime; nothing is kept longer than its lifetime."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from bson import ObjectId

from distribution_service.service import event_items
from distribution_service.service.event_items import EventItems


class Content:
    def __init__(self) -> None:
        self.asked: list[list[str]] = []

    async def lookup(self, community_id: str, ids: list[str], *, viewer: Any) -> list[Any]:
        self.asked.append(list(ids))
        kind = SimpleNamespace(value="UGC")
        return [SimpleNamespace(tags=[i], author_id=None, kind=kind, parent_id=None) for i in ids]


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    now = [100.0]
    monkeypatch.setattr(event_items.time, "monotonic", lambda: now[0])
    return now


async def test_an_item_past_half_its_lifetime_is_read_again_with_the_others_in_use(clock: list[float]) -> None:
    content, cid = Content(), ObjectId()
    items = EventItems(content, ttl_seconds=10)  # type: ignore[arg-type]
    for i in ("a", "b", "idle"):
        await items.lookup(cid, [i])
    clock[0] += 2
    await items.lookup(cid, ["a"])
    await items.lookup(cid, ["b"])  # asked since read: in use; "idle" is not
    assert len(content.asked) == 3
    # when: an item past half its lifetime is asked for
    clock[0] += 4
    await items.lookup(cid, ["a"])
    # then: read again with the kept ones in use that are as old, not the idle one; they answer from memory after
    assert content.asked[-1] == ["a", "b"]
    clock[0] += 4
    await items.lookup(cid, ["a", "b"])
    assert len(content.asked) == 4


async def test_nothing_is_kept_longer_than_its_lifetime(clock: list[float]) -> None:
    content, cid = Content(), ObjectId()
    items = EventItems(content, ttl_seconds=10)  # type: ignore[arg-type]
    await items.lookup(cid, ["a", "idle"])
    clock[0] += 4
    await items.lookup(cid, ["a"])
    clock[0] += 6
    await items.lookup(cid, ["idle"])
    assert content.asked == [["a", "idle"], ["idle"]]


@pytest.mark.parametrize("rate", [160, 350])
async def test_300_items_in_turn_are_looked_up_a_few_times_a_second_not_once_each(
    clock: list[float], rate: int
) -> None:
    content, cid = Content(), ObjectId()
    items = EventItems(content, ttl_seconds=5)  # type: ignore[arg-type]
    ids = [str(ObjectId()) for _ in range(300)]
    start = clock[0]
    for k in range(rate * 60):  # a minute of single events, each on the next item
        clock[0] = start + k / rate
        await items.lookup(cid, [ids[k % 300]])
    # then: each item read every 2.5-5 s in reads of many (one item a lookup as each expired: 50-60 a second)
    assert len(content.asked) / 60 <= 12
    assert max(len(a) for a in content.asked) <= 97
