"""HEAVY_LANE_PROCESS: heavy queries answered by a child gateway process at a lower priority (gateway/heavy_lane.py).

The front gateway runs in the test's process; its child is a real process on the test's databases.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from gateway.heavy_lane import PID_HEADER, HeavyLane
from infra.embedded import free_port
from infra.processes import stop_all, wait_ready
from infra.settings import Settings
from tests.factories import Api, create_community, register
from tests.process_env import REPO, process_env

pytestmark = pytest.mark.processes

# A lane threshold of 2 points makes two aliased `me` heavy: cheap to run, so the tests stay fast.
HEAVY = "{ a: me { handle } b: me { id } }"
CHEAP = "{ me { handle } }"
LANE = {"heavy_lane_process": True, "heavy_lane_nice": 5, "query_cost_lane_threshold": 2}
# The child imports and mounts every service: slow on a loaded two-core machine.
READY_SECONDS = 240.0


def lane_of(api: Api) -> HeavyLane:
    assert api.app is not None
    lane: HeavyLane | None = api.app.state.heavy_lane
    assert lane is not None
    return lane


async def until_ready(lane: HeavyLane, *, not_pid: int | None = None) -> int:
    """The child's PID once it is ready (and, with `not_pid`, a new child)."""
    for _ in range(int(READY_SECONDS / 0.2)):
        if lane.ready and lane.pid is not None and lane.pid != not_pid:
            return lane.pid
        await asyncio.sleep(0.2)
    raise AssertionError(f"the heavy lane's child was not ready within {READY_SECONDS} s")


async def post(api: Api, query: str, token: str) -> tuple[dict[str, Any], str | None]:
    response = await api.http.post("/graphql", json={"query": query}, headers={"Authorization": f"Bearer {token}"})
    body: dict[str, Any] = response.json()
    return body, response.headers.get(PID_HEADER)


def niceness(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[16])


def alive(pid: int) -> bool:
    """Whether the process runs (not ended, nor a zombie waiting to be reaped)."""
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"


def parent(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


async def test_a_heavy_query_is_answered_by_the_child_a_cheap_one_here_and_budgets_are_charged_once(
    gateway_with: Any,
) -> None:
    async with gateway_with(**LANE, query_cost_per_member="100/minute") as api:
        await create_community(api, "demo")
        bob = await register(api, "demo", "bob")
        child = await until_ready(lane_of(api))
        heavy, heavy_pid = await post(api, HEAVY, bob.token)
        again, again_pid = await post(api, HEAVY, bob.token)
        cheap, cheap_pid = await post(api, CHEAP, bob.token)
        forwarded = lane_of(api).forwarded
        child_parent, child_nice = parent(child), niceness(child)
    assert "errors" not in heavy, heavy
    assert heavy["data"] == {"a": {"handle": "bob"}, "b": {"id": bob.id}}
    assert heavy_pid == again_pid == str(child)
    assert cheap_pid is None
    assert cheap["data"] == {"me": {"handle": "bob"}}
    assert forwarded == 2
    # Its parent is this process, at the niceness asked for on top of this one's.
    assert child_parent == os.getpid()
    assert child_nice == min(19, niceness(os.getpid()) + 5)
    # Charged here once each (the child charges nothing): 2 points, then 2 more, then the cheap one's 1.
    assert heavy["extensions"]["cost"]["requested"] == 2
    assert heavy["extensions"]["cost"]["remaining"] == 98
    assert again["extensions"]["cost"]["remaining"] == 96
    assert cheap["extensions"]["cost"]["remaining"] == 95


async def test_a_child_that_dies_while_answering_gives_a_coded_error_and_is_started_again(gateway_with: Any) -> None:
    async with gateway_with(**LANE, rate_limits_enabled=False) as api:
        await create_community(api, "demo")
        bob = await register(api, "demo", "bob")
        lane = lane_of(api)
        child = await until_ready(lane)
        # Stopped, the child still accepts the connection (the kernel's backlog) but answers nothing: the query is
        # in flight when it is killed.
        os.kill(child, signal.SIGSTOP)
        in_flight = asyncio.create_task(post(api, HEAVY, bob.token))
        await asyncio.sleep(1.0)
        assert not in_flight.done()
        os.kill(child, signal.SIGKILL)
        failed, _ = await asyncio.wait_for(in_flight, 30)
        # From the failed answer on, nothing goes to the dead child (before the watcher has seen it end, the next
        # heavy query met the same dead socket under load: a second UNAVAILABLE).
        ready_after_failure = lane.ready
        # The cheap path does not depend on the child.
        cheap, cheap_pid = await post(api, CHEAP, bob.token)
        # Until the new child is ready, heavy queries run here; then the new child answers them.
        meanwhile, meanwhile_pid = await post(api, HEAVY, bob.token)
        restarted = await until_ready(lane, not_pid=child)
        after, after_pid = await post(api, HEAVY, bob.token)
        starts, failures = lane.starts, lane.failures
    assert [e["extensions"]["code"] for e in failed["errors"]] == ["UNAVAILABLE"]
    assert failed["data"] is None
    assert ready_after_failure is False
    assert cheap_pid is None
    assert cheap["data"] == {"me": {"handle": "bob"}}
    assert meanwhile["data"] == {"a": {"handle": "bob"}, "b": {"id": bob.id}}
    assert meanwhile_pid in (None, str(restarted))
    assert "errors" not in after
    assert after["data"] == {"a": {"handle": "bob"}, "b": {"id": bob.id}}
    assert after_pid == str(restarted) != str(child)
    assert (starts, failures) == (2, 1)


async def test_the_child_ends_with_the_gateway(gateway_with: Any) -> None:
    async with gateway_with(**LANE) as api:
        lane = lane_of(api)
        child = await until_ready(lane)
        socket = lane.socket
        assert socket.exists()  # noqa: ASYNC240 - a stat, in a test
    assert not alive(child)
    assert not socket.parent.exists()  # noqa: ASYNC240 - a stat, in a test


async def test_an_error_in_the_child_comes_back_as_it_was_coded(gateway_with: Any) -> None:
    # A field that fails while the child executes (an item that does not exist): its error comes back as the child
    # coded it, with its path, beside the data of the fields that did not fail.
    async with gateway_with(**LANE) as api:
        await create_community(api, "demo")
        bob = await register(api, "demo", "bob")
        await until_ready(lane_of(api))
        body, pid = await post(
            api, '{ a: me { handle } b: content(id: "000000000000000000000000") { title } }', bob.token
        )
    assert pid is not None
    assert body["data"]["a"] == {"handle": "bob"}
    assert [(e["path"], e["extensions"]["code"]) for e in body["errors"]] == [(["b"], "NOT_FOUND")]


def test_the_child_ends_when_the_gateway_is_killed(settings: Settings, tmp_path: Path) -> None:
    # A real gateway process (`python -m gateway`) killed with SIGKILL runs no shutdown: the kernel ends its child
    # (PR_SET_PDEATHSIG), which would otherwise live on, holding its memory and its share of the database.
    port = free_port()
    env = process_env(
        settings.mongodb_uri or "", settings.db_prefix, tmp_path, GATEWAY_PORT=str(port), HEAVY_LANE_PROCESS="true"
    )
    with open(tmp_path / "gateway.log", "wb") as out:
        gateway = subprocess.Popen([sys.executable, "-m", "gateway"], cwd=REPO, env=env, stdout=out, stderr=out)
    try:
        wait_ready(f"http://127.0.0.1:{port}", gateway, tmp_path / "gateway.log", timeout=READY_SECONDS)
        child = None
        deadline = time.monotonic() + READY_SECONDS
        while child is None and time.monotonic() < deadline:
            children = Path(f"/proc/{gateway.pid}/task/{gateway.pid}/children").read_text().split()
            child = int(children[0]) if children else None
            time.sleep(0.2)
        assert child is not None
        gateway.kill()
        gateway.wait()
        deadline = time.monotonic() + 30
        while alive(child) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not alive(child)
    finally:
        stop_all([gateway])
