"""A feed's prepared pool is shared for RANKING_POOL_TTL_SECONDS (its documented staleness), then rebuilt: a
publish and a boost reach the next feed after that age, and not before (the cache is real). The reader's clock is
moved past the age instead of sleeping."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest
from bson import ObjectId

from distribution_service.service import pool_reader, source_cache
from distribution_service.service.candidates import Interests
from tests.factories import Api, Member, create_community, grant, publish, register

FEED = "{ feed(slot: MORNING, scene: BEFORE_DECISION, first: 20) { items { score content { id } } } }"
BOOST = "mutation($input: GrantExposureBoostInput!) { grantExposureBoost(input: $input) { factor } }"
AGE = 60.0


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def reader_of(api: Api) -> Any:
    """The distribution process's pool reader."""
    assert api.app is not None
    return api.app.state.services.apps["distribution"].state.service.ranker.reader


def cached_pools(api: Api) -> Clock:
    """The process's pool reader keeps pools AGE seconds on a clock the test moves."""
    reader = reader_of(api)
    clock = Clock()
    reader.pool_ttl_seconds = AGE
    reader.clock = clock
    reader.sources.clock = clock
    return clock


async def feed(api: Api, member: Member) -> dict[str, float]:
    data = await api.data(FEED, token=member.token)
    return {i["content"]["id"]: i["score"] for i in data["feed"]["items"]}


async def test_a_published_item_reaches_the_feed_once_the_pool_is_older_than_its_age(api: Api) -> None:
    await create_community(api, "demo")
    reader, ann = await register(api, "demo", "reader"), await register(api, "demo", "ann")
    first = await publish(api, ann, "First", tags=["chains"])
    clock = cached_pools(api)
    assert set(await feed(api, reader)) == {first}
    # when
    second = await publish(api, ann, "Second", tags=["chains"])
    kept = await feed(api, reader)
    clock.now += AGE
    rebuilt = await feed(api, reader)
    # then
    assert set(kept) == {first}
    assert set(rebuilt) == {first, second}


async def test_a_boost_is_reflected_once_the_pool_is_older_than_its_age(api: Api) -> None:
    cid = await create_community(api, "demo")
    reader, olga, ann = [await register(api, "demo", h) for h in ("reader", "olga", "ann")]
    await grant(api, cid, "olga", "OPERATOR")
    piece = await publish(api, ann, "Piece", tags=["chains"])
    clock = cached_pools(api)
    before = (await feed(api, reader))[piece]
    # when
    result = await api.data(BOOST, {"input": {"contentId": piece, "percent": 300}}, token=olga.token)
    kept = (await feed(api, reader))[piece]
    clock.now += AGE
    boosted = (await feed(api, reader))[piece]
    # then
    assert result["grantExposureBoost"]["factor"] == 4.0
    assert kept == before
    assert round(boosted - before, 3) == 1.386  # ln 4, the boost's lift


async def test_a_full_source_cache_still_answers_the_keys_it_held_for_the_read_that_empties_it(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    cid = await create_community(api, "demo")
    ann = await register(api, "demo", "ann")
    sql, rust = await publish(api, ann, "Sql", tags=["sql"]), await publish(api, ann, "Rust", tags=["rust"])
    cached_pools(api)
    sources = reader_of(api).sources
    ask = {"per_source": 10, "per_key": 5, "max_age": AGE}
    await sources.sources(ObjectId(cid), ["sql"], [], **ask)
    # when: the cache is over its size as a decision asks for a kept key and a new one
    monkeypatch.setattr(source_cache, "MAX_CACHED_KEYS", 0)
    found = await sources.sources(ObjectId(cid), ["sql", "rust"], [], **ask)
    # then: both keys' items, the kept one's too
    assert {s.id for s in found.by_tag} == {sql, rust}


async def test_the_prepared_pools_and_their_single_flight_locks_stay_within_the_cap(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    cid = ObjectId(await create_community(api, "demo"))
    ann = await register(api, "demo", "ann")
    topics = [f"t{i}" for i in range(4)]
    for topic in topics:
        await publish(api, ann, topic.upper(), tags=[topic])
    cached_pools(api)
    reader = reader_of(api)
    monkeypatch.setattr(pool_reader, "MAX_CACHED_POOLS", 2)
    recent = await reader.newest(cid)
    # when: members asking four different topics, one after the other
    for topic in topics:
        await reader.pool(cid, recent, members=["m"], interests=[Interests(tags=frozenset({topic}))])
    # then: two pools kept, and nothing left behind per key ever asked
    assert len(reader._pools) == 2
    assert [k for k in reader._flights if k[0] == "pool"] == []
    assert reader._running == {}


class HeldContent:
    """Content's newest items, held until the test lets the one read go on (then failing or answering)."""

    def __init__(self, fail: bool) -> None:
        self.reads = 0
        self.go = asyncio.Event()
        self.fail = fail

    async def candidates(self, community_id: str, *, limit: int) -> list[Any]:
        self.reads += 1
        await self.go.wait()
        if self.fail:
            raise ConnectionError("content is down")
        return []


async def held_reads(api: Api, monkeypatch: pytest.MonkeyPatch, *, fail: bool) -> tuple[HeldContent, list[Any]]:
    """Three decisions of one community asking for its newest items at once, the read held."""
    cid = ObjectId(await create_community(api, "demo"))
    cached_pools(api)
    reader, content = reader_of(api), HeldContent(fail)
    monkeypatch.setattr(reader, "content", content)
    reads = [asyncio.ensure_future(reader.newest(cid)) for _ in range(3)]
    for _ in range(100):  # bounded: until every caller is waiting on the one read
        await asyncio.sleep(0)
    return content, reads


async def test_callers_waiting_on_a_failing_read_share_its_error_rather_than_each_trying_in_turn(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    content, reads = await held_reads(api, monkeypatch, fail=True)
    # when: the one read fails
    content.go.set()
    outcomes = await asyncio.gather(*reads, return_exceptions=True)
    # then: every caller hears its error at once; content was asked once
    assert [type(o) for o in outcomes] == [ConnectionError] * 3
    assert content.reads == 1


async def test_the_first_caller_cancelled_does_not_cancel_the_read_the_others_wait_for(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    content, reads = await held_reads(api, monkeypatch, fail=False)
    # when: the caller that started the read goes away, then the read answers
    reads[0].cancel()
    content.go.set()
    outcomes = await asyncio.gather(*reads, return_exceptions=True)
    # then: the others have its answer
    assert isinstance(outcomes[0], asyncio.CancelledError)
    assert outcomes[1:] == [[], []]
    assert content.reads == 1


async def test_a_pool_is_prepared_off_the_event_loop_with_its_items_newest_first(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    cid = ObjectId(await create_community(api, "demo"))
    ann = await register(api, "demo", "ann")
    published = [await publish(api, ann, f"Piece {i}", tags=["chains"]) for i in range(3)]
    cached_pools(api)
    reader = reader_of(api)
    threads: list[str] = []

    def recorded(step: Any) -> Any:
        def run(*args: Any) -> Any:
            threads.append(threading.current_thread().name)
            return step(*args)

        return run

    monkeypatch.setattr(pool_reader, "alive_merged", recorded(pool_reader.alive_merged))
    monkeypatch.setattr(pool_reader, "assembled_pool", recorded(pool_reader.assembled_pool))
    # when
    pool = await reader.pool(cid, await reader.newest(cid), members=["m"])
    # then: both CPU steps ran in a worker thread, and the pool is the community's items, newest first
    loop_thread = threading.current_thread().name
    assert len(threads) == 2
    assert loop_thread not in threads
    assert [s.id for s in pool.summaries] == published[::-1]
    assert list(pool.id_array) == published[::-1]
