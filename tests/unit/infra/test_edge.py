"""The edge helpers: one client path escape, one route parser, one periodic loop."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from bson import ObjectId
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from infra.errors import BadInputError
from infra.paths import community_path, segment
from infra.periodic import PeriodicTask, run_once
from infra.route_params import community_id, path_text


@pytest.mark.parametrize("value", ["", ".", "..", "a/b", "/", "a\\b"])
def test_segment_refuses_path_syntax(value: str) -> None:
    with pytest.raises(BadInputError, match="is not a valid identifier"):
        segment(value, field="slug")


def test_segment_escapes_everything_else() -> None:
    assert segment("a b?c#d%") == "a%20b%3Fc%23d%25"
    assert segment("...") == "..."


def test_community_path_names_the_field() -> None:
    with pytest.raises(BadInputError) as refused:
        community_path("..")
    assert refused.value.field == "communityId"


def _app() -> Starlette:
    async def show(request: Request) -> Response:
        return JSONResponse({"cid": str(community_id(request)), "slug": path_text(request, "slug")})

    return Starlette(routes=[Route("/communities/{community_id}/x/{slug}", show)])


async def test_route_params_parse_once() -> None:
    cid = ObjectId()
    transport = httpx.ASGITransport(app=_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        answer = await client.get(f"/communities/{cid}/x/demo")
    assert answer.json() == {"cid": str(cid), "slug": "demo"}
    request = Request({"type": "http", "path_params": {"community_id": "nope"}})
    with pytest.raises(BadInputError, match="communityId: not a valid id"):
        community_id(request)


async def test_periodic_task_survives_a_failing_run() -> None:
    runs: list[int] = []

    async def job() -> None:
        runs.append(1)
        if len(runs) == 1:
            raise RuntimeError("first run fails")

    assert await run_once("probe", job) is False
    task = PeriodicTask("probe", job, interval=0.01, run_at_start=True)
    task.start()
    await asyncio.sleep(0.1)
    assert task.running
    await task.stop()
    assert not task.running
    assert len(runs) >= 3
