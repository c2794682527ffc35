"""benchmarks/events_many_members.py: events from many members on many items, each with its own client id."""

from __future__ import annotations

import shutil
from typing import Any

import pytest
from pymongo import MongoClient

from benchmarks.events_many_members import events_script
from benchmarks.gateway_harness import database_server, running_gateway, wrk

pytestmark = [
    pytest.mark.processes,
    pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk (Debian package) not installed"),
]


@pytest.mark.parametrize("per_request", [1, 5])
def test_the_script_sends_every_event_once_from_members_in_turn_on_items_in_turn(per_request: int) -> None:
    with database_server() as server, running_gateway(server, "evmm", items=6) as gateway:
        tokens = [gateway.platform.register("hot", f"m{k}")[0] for k in range(3)]
        script = events_script(tokens, gateway.content, per_request, "t")
        figures = wrk(gateway.base, "", {}, connections=4, seconds=1, script=script)
        gateway.drain()
        client: MongoClient[dict[str, Any]] = MongoClient(server.uri, directConnection=True)
        try:
            events = list(
                client[f"{gateway.prefix}_distribution"]["events"].find(
                    {}, {"member_id": 1, "content_id": 1, "client_event_id": 1}
                )
            )
        finally:
            client.close()
    assert figures["graphql_errors"] == 0
    assert figures["non_2xx"] == 0
    assert figures["rps"] > 0
    assert figures["duplicate_answers"] == 0  # no client id sent twice: the threads' ids differ
    # Every acknowledged event was stored; beyond those, at most what the connections had in flight at the deadline.
    assert figures["requests"] * per_request <= len(events) <= (figures["requests"] + 4) * per_request
    assert len({e["member_id"] for e in events}) == 3
    assert len({e["content_id"] for e in events}) == 6
    ids = [e["client_event_id"] for e in events]
    assert all(ids)
    assert len(set(ids)) == len(ids)
