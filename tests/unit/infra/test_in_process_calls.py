"""The in-process transport (infra/asgi_call.py): a client of a mounted app calls it without httpx's client, and
the app and the caller see what they would through httpx (headers, body, query, path, status, coded errors)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from infra.errors import BadInputError, ForbiddenError, InternalError, NotFoundError
from infra.http import ServiceClient
from infra.logging import request_id_var
from infra.schemas import ApiModel
from infra.service_app import create_service_app

TOKEN = "t" * 32


async def echo(request: Request) -> Response:
    body = await request.body()
    return JSONResponse(
        {
            "method": request.method,
            "path": request.url.path,
            "raw_path": request.scope["raw_path"].decode(),
            "query": sorted(request.query_params.multi_items()),
            "headers": {
                k: v
                for k, v in request.headers.items()
                if k not in ("user-agent", "accept", "accept-encoding", "connection")
            },
            "body": body.decode(),
        },
        status_code=201,
    )


async def missing(request: Request) -> Response:
    raise NotFoundError("no such thing", field="thingId")


async def crash(request: Request) -> Response:
    raise RuntimeError("boom")


async def stream(request: Request) -> Response:
    async def parts() -> AsyncIterator[bytes]:
        yield b'{"parts":'
        yield b"[1,2]}"

    return StreamingResponse(parts(), media_type="application/json")


class Card(ApiModel):
    card_id: str
    title: str
    tags: list[str]
    score: float | None = None


async def card(request: Request) -> Response:
    if request.query_params.get("bad"):
        raise BadInputError("cardId: not a card", field="cardId")
    return JSONResponse({"cardId": "c1", "title": "héllo ✓", "tags": ["a"], "score": 0.5, "newerField": 1})


@contextlib.asynccontextmanager
async def no_lifespan(app: Starlette) -> AsyncIterator[None]:
    yield


APP = create_service_app(
    name="probe",
    routes=[
        Route("/echo/{rest:path}", echo, methods=["GET", "POST"]),
        Route("/missing", missing),
        Route("/crash", crash),
        Route("/stream", stream),
        Route("/card", card),
    ],
    lifespan=no_lifespan,
    internal_token=TOKEN,
)


class ProbeClient(ServiceClient):
    service_name = "probe"

    async def call(self, method: str, path: str, **kwargs: Any) -> Any:
        return await self._call(method, path, **kwargs)

    async def card(self, **params: str) -> Card:
        return await self._call_model(Card, "GET", "/card", params=params)


@pytest.fixture
async def clients() -> AsyncIterator[tuple[ProbeClient, ProbeClient]]:
    """The direct in-process client and one sending the same calls through httpx's ASGITransport."""
    direct = ProbeClient.in_process(APP, internal_token=TOKEN)
    through_httpx = ProbeClient.in_process(APP, internal_token=TOKEN)
    through_httpx._app = None  # the httpx path, as a client of a real URL takes it
    yield direct, through_httpx
    await direct.aclose()
    await through_httpx.aclose()


async def test_direct_calls_skip_httpx_client(clients: tuple[ProbeClient, ProbeClient]) -> None:
    direct, _ = clients
    assert direct._app is APP


@pytest.mark.parametrize(
    ("method", "path", "kwargs"),
    [
        ("POST", "/echo/c/abc/events", {"json": {"memberId": "m", "text": "héllo ✓", "n": [1, 2.5, None]}}),
        ("GET", "/echo/c/abc/page", {"params": {"limit": 5, "flag": True, "tags": ["a b", "c&d"]}}),
        ("GET", "/echo/a%2Fb/x y", {}),
        ("GET", "/echo/q?since=2026-01-01T00:00:00+00:00", {"params": {"limit": "3"}}),
    ],
)
async def test_the_app_sees_what_httpx_sends(
    clients: tuple[ProbeClient, ProbeClient], method: str, path: str, kwargs: dict[str, Any]
) -> None:
    direct, through_httpx = clients
    reset = request_id_var.set("req-123")
    try:
        seen = await direct.call(method, path, **kwargs)
        expected = await through_httpx.call(method, path, **kwargs)
    finally:
        request_id_var.reset(reset)
    assert seen == expected
    assert seen["headers"]["x-request-id"] == "req-123"
    assert seen["headers"]["x-internal-token"] == TOKEN


async def test_coded_errors_map_as_over_http(clients: tuple[ProbeClient, ProbeClient]) -> None:
    for client in clients:
        with pytest.raises(NotFoundError) as caught:
            await client.call("GET", "/missing")
        assert caught.value.field == "thingId"


async def test_a_crash_in_the_app_is_a_500_not_an_exception(clients: tuple[ProbeClient, ProbeClient]) -> None:
    for client in clients:
        with pytest.raises(InternalError):
            await client.call("GET", "/crash")


async def test_a_missing_token_is_refused() -> None:
    client = ProbeClient.in_process(APP, internal_token="wrong" * 8)
    try:
        with pytest.raises(ForbiddenError, match="internal token required"):
            await client.call("GET", "/echo/x")
    finally:
        await client.aclose()


async def test_streamed_bodies_are_read_whole(clients: tuple[ProbeClient, ProbeClient]) -> None:
    for client in clients:
        assert await client.call("GET", "/stream") == {"parts": [1, 2]}


async def test_readiness_still_answers(clients: tuple[ProbeClient, ProbeClient]) -> None:
    direct, _ = clients
    assert await direct.ready() is False  # no ready check set: 503, as over HTTP


async def test_traced_processes_keep_httpx_client_spans(
    clients: tuple[ProbeClient, ProbeClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With tracing on, the call goes through httpx (its instrumentation's client span and `traceparent`)."""
    direct, _ = clients
    sent: list[str] = []
    original = direct._http.request

    async def recording(method: str, url: str, **kwargs: Any) -> Any:
        sent.append(url)
        return await original(method, url, **kwargs)

    monkeypatch.setattr(direct._http, "request", recording)
    monkeypatch.setattr("infra.http.tracing_enabled", lambda: True)
    assert (await direct.call("GET", "/echo/traced"))["path"] == "/echo/traced"
    assert sent == ["/echo/traced"]
    monkeypatch.setattr("infra.http.tracing_enabled", lambda: False)
    await direct.call("GET", "/echo/direct")
    assert sent == ["/echo/traced"]


async def test_a_model_answer_is_what_call_then_validate_gives(clients: tuple[ProbeClient, ProbeClient]) -> None:
    """`_call_model` parses the response's bytes straight into the model: the same model as `_call` and
    `model_validate` (unknown fields ignored), by either path, and coded errors as `_call` raises them."""
    for client in clients:
        expected = Card.model_validate(await client.call("GET", "/card"))
        assert await client.card() == expected
        assert expected == Card(card_id="c1", title="héllo ✓", tags=["a"], score=0.5)
        with pytest.raises(BadInputError) as caught:
            await client.card(bad="1")
        assert caught.value.field == "cardId"
        with pytest.raises(InternalError):
            await client._call_model(Card, "GET", "/crash")
