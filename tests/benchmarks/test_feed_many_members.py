"""benchmarks/feed_many_members.py: feeds asked for by many distinct members, each member's events recorded first."""

from __future__ import annotations

import shutil
from collections import Counter
from typing import Any

import pytest
from pymongo import MongoClient

from benchmarks.feed_many_members import run
from benchmarks.gateway_calls import FEED
from benchmarks.gateway_harness import database_server, running_gateway, wrk
from benchmarks.hot_path import feed_members

pytestmark = pytest.mark.processes


def test_feed_members_engages_every_nth_member_with_the_events_asked() -> None:
    with database_server() as server, running_gateway(server, "fmmtest", items=4) as gateway:
        tokens = feed_members(gateway.platform, gateway.content, 4, 2, 2)
        gateway.drain()
        client: MongoClient[dict[str, Any]] = MongoClient(server.uri, directConnection=True)
        try:
            events = client[f"{gateway.prefix}_distribution"]["events"]
            per_member = Counter(str(doc["member_id"]) for doc in events.find({}, {"member_id": 1}))
        finally:
            client.close()
        assert len(set(tokens)) == 4
        for token in tokens:
            assert gateway.platform.call(FEED, token=token)["feed"]["items"]
        # every other one of the four (fm1, fm3) with its two opens, the others none
        assert sorted(per_member.values()) == [2, 2]


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk (Debian package) not installed")
def test_run_measures_one_member_and_many_members_against_typename() -> None:
    figures = run(seconds=1, items=4, members=3, events=2, engaged_every=1, engaged_one=True)
    runs = (
        "typename_c8",
        "feed_one_member_c8",
        "feed_one_engaged_member_c8",
        "feed_many_members_c8",
        "typename_after_c8",
    )
    for key in runs:
        assert figures[key]["rps"] > 0, key
        assert figures[key]["non_2xx"] == 0, key
        assert figures[key]["gateway_cpu_ms"] > 0, key
    assert figures["feed_many_members_vs_typename_c8"] > 0
    assert figures["feed_members"] == "3 distinct members, every 1 with 2 events"


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk (Debian package) not installed")
def test_wrk_counts_answers_with_graphql_errors_that_http_calls_ok() -> None:
    over = "{ feed(slot: MORNING, scene: BEFORE_DECISION, first: 1000) { items { score } } }"
    with database_server() as server, running_gateway(server, "wrkerr", items=2, warm=True) as gateway:
        failing = wrk(gateway.base, gateway.token, {"query": over}, connections=2, seconds=1)
        served = wrk(gateway.base, [gateway.token], {"query": FEED}, connections=2, seconds=2)
    assert failing["non_2xx"] == 0  # GraphQL answers its errors with HTTP 200: wrk's own count misses them
    assert failing["graphql_errors"] > 0
    assert failing["graphql_errors"] >= failing["rps"] * 0.5  # about every answer (rps of a 1 s run)
    assert served["rps"] > 0
    assert served["graphql_errors"] == 0


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk (Debian package) not installed")
def test_census_lists_each_feed_runs_commands_per_feed() -> None:
    figures = run(seconds=1, items=4, members=3, events=2, engaged_every=1, census=True)
    for key in ("feed_one_member_c8", "feed_many_members_c8"):
        rows = figures[key]["commands_per_feed"]
        assert rows, key
        # every feed writes its decision: the decisions' insert is among the commands, at most one per feed
        names = [name for name, _, _ in rows]
        assert any(name.startswith("insert ") and name.endswith("_distribution.decisions") for name in names), names
        assert all(count > 0 and ms >= 0 for _, count, ms in rows)
    assert "commands_per_feed" not in figures["typename_c8"]
