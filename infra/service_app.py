"""What every service app has in common: request context, errors as JSON, health, readiness and metrics."""

from __future__ import annotations

import asyncio
import json
import secrets
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import Any, TypeVar

import structlog
from pydantic import BaseModel, ValidationError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from infra.errors import BadInputError, ServiceError, bad_input_from_validation, database_unavailable
from infra.http import INTERNAL_TOKEN_HEADER, REQUEST_ID_HEADER
from infra.logging import access_log_enabled, get_logger, request_id_var
from infra.metrics import HTTP_LATENCY, HTTP_REQUESTS, metrics_endpoint
from infra.moments import as_utc

log = get_logger(__name__)

M = TypeVar("M", bound=BaseModel)
ReadyCheck = Callable[[], Awaitable[bool]]
Lifespan = Callable[[Starlette], AbstractAsyncContextManager[None]]
OPEN_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
# Where the gateway leaves the GraphQL operation's label in the request's scope, for metrics and the access log.
GRAPHQL_OPERATION_KEY = "graphql.operation"


class RequestContextMiddleware:
    """Binds the request id to logs, checks the internal token, and records request metrics.

    `internal_token=None` is for the public gateway only: every service passes its token (see create_service_app).
    """

    def __init__(self, app: ASGIApp, *, service: str, internal_token: str | None = None) -> None:
        self.app = app
        self.service = service
        self.internal_token = internal_token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        request_id = headers.get(REQUEST_ID_HEADER.lower()) or uuid.uuid4().hex
        request_id = request_id[:64]
        token = request_id_var.set(request_id)
        structlog.contextvars.bind_contextvars(request_id=request_id, service=self.service)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (REQUEST_ID_HEADER.encode(), request_id.encode())]
            await send(message)

        try:
            if self.internal_token and scope["path"] not in OPEN_PATHS:
                given = headers.get(INTERNAL_TOKEN_HEADER.lower(), "")
                if not secrets.compare_digest(given, self.internal_token):
                    refused = JSONResponse({"code": "FORBIDDEN", "detail": "internal token required"}, 403)
                    await refused(scope, receive, send_with_id)
                    return
            await self.app(scope, receive, send_with_id)
        finally:
            route = route_label(scope)
            elapsed = time.perf_counter() - started
            HTTP_REQUESTS.labels(self.service, scope["method"], route, str(status)).inc()
            HTTP_LATENCY.labels(self.service, scope["method"], route).observe(elapsed)
            if access_log_enabled() and scope["path"] not in OPEN_PATHS:
                log.info(
                    "access",
                    method=scope["method"],
                    path=scope["path"],
                    status=status,
                    duration_ms=round(elapsed * 1000, 2),
                    operation=scope.get(GRAPHQL_OPERATION_KEY),
                    request_id=request_id,
                )
            structlog.contextvars.unbind_contextvars("request_id", "service")
            request_id_var.reset(token)


def route_label(scope: Scope) -> str:
    """A bounded name for what was served: the GraphQL operation (`graphql:query.feed`), the route's handler
    (`create_community`), the endpoint's path (`graphql`), `preflight` (a CORS preflight, answered before any
    route), or `unmatched`."""
    operation = scope.get(GRAPHQL_OPERATION_KEY)
    if operation:
        return f"graphql:{operation}"
    if scope.get("method") == "OPTIONS":
        return "preflight"
    name = getattr(scope.get("endpoint"), "__name__", None)
    if name:
        return str(name)
    route = scope.get("route")
    path = getattr(route, "path", None)
    return (str(path).strip("/") or "unmatched") if path else "unmatched"


async def _service_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ServiceError)
    return JSONResponse(exc.to_body(), status_code=exc.status)


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ValidationError)
    error = bad_input_from_validation(exc)
    return JSONResponse(error.to_body(), status_code=error.status)


async def _unexpected_error(request: Request, exc: Exception) -> Response:
    if database_unavailable(exc):
        log.warning("database_unavailable", path=request.url.path, error=str(exc)[:300])
        return JSONResponse(
            {"error": "UnavailableError", "code": "UNAVAILABLE", "detail": "the database is unavailable; retry"}, 503
        )
    log.error("unhandled_error", path=request.url.path, exc_info=exc)
    return JSONResponse({"error": "InternalError", "code": "INTERNAL", "detail": "internal error"}, 500)


async def _no_route(request: Request, exc: Exception) -> Response:
    # No route matched (or the method is not allowed): a coded error, never an uncoded 404 the client calls INTERNAL.
    status = getattr(exc, "status_code", 404)
    if status == 405:
        return JSONResponse({"error": "BadInputError", "code": "BAD_USER_INPUT", "detail": "method not allowed"}, 405)
    return JSONResponse({"error": "NotFoundError", "code": "NOT_FOUND", "detail": "no such resource"}, 404)


async def read_json(request: Request) -> Any:
    """The request body's JSON; malformed JSON is BAD_USER_INPUT."""
    try:
        return await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BadInputError("request body is not valid JSON") from exc


async def read_model(request: Request, model: type[M]) -> M:
    """The request body as `model`, parsed by pydantic from the bytes (no dicts built by `json.loads` to be
    validated after: a third less CPU for a 100-event batch); malformed JSON or invalid fields are BAD_USER_INPUT."""
    try:
        return model.model_validate_json(await request.body())
    except ValidationError as exc:
        if exc.errors()[0]["type"] == "json_invalid":
            raise BadInputError("request body is not valid JSON") from exc
        raise


def parse_since(value: str | None, *, field: str = "since") -> datetime | None:
    """An ISO-8601 moment from a query string; naive values are UTC."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise BadInputError(f"{field}: not an ISO-8601 date-time", field=field) from exc
    return as_utc(moment)


def respond(payload: BaseModel | Sequence[BaseModel] | dict[str, Any], status_code: int = 200) -> Response:
    """A route's answer as JSON. Models are written by pydantic itself (`model_dump_json`: no dicts built to be
    dumped again by `json`); a float that is NaN or infinite is written `null`, as JSON has no such number (the
    `json` path refused it: a 500)."""
    if isinstance(payload, BaseModel):
        body = payload.model_dump_json(by_alias=True).encode("utf-8")
    elif isinstance(payload, dict):
        return JSONResponse(payload, status_code=status_code)
    else:
        body = b"[" + b",".join(item.model_dump_json(by_alias=True).encode("utf-8") for item in payload) + b"]"
    return Response(body, status_code=status_code, media_type="application/json")


def create_service_app(
    *,
    name: str,
    routes: Sequence[BaseRoute],
    lifespan: Lifespan,
    internal_token: str | None = None,
) -> Starlette:
    """A service app with `/healthz`, `/readyz` (asks `app.state.ready_check`), `/metrics` and JSON errors.

    Every other path needs the internal token, in every mode: a service never runs open to whoever can reach it.
    """
    if not internal_token:
        raise RuntimeError(f"{name}: a service needs INTERNAL_API_TOKEN; it refuses to run open")

    async def healthz(request: Request) -> Response:
        return PlainTextResponse("ok")

    async def readyz(request: Request) -> Response:
        check: ReadyCheck | None = getattr(request.app.state, "ready_check", None)
        ok = bool(check and await check())
        return JSONResponse({"ready": ok, "service": name}, status_code=200 if ok else 503)

    app = Starlette(
        routes=[
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/metrics", metrics_endpoint),
            *routes,
        ],
        exception_handlers={
            ServiceError: _service_error,
            ValidationError: _validation_error,
            404: _no_route,
            405: _no_route,
            Exception: _unexpected_error,
        },
        lifespan=lifespan,
    )
    app.add_middleware(RequestContextMiddleware, service=name, internal_token=internal_token)
    return app


READY_TIMEOUT_SECONDS = 0.8


async def ping(client: Any) -> bool:
    """Readiness of a service's database: one `ping`, given up after READY_TIMEOUT_SECONDS (`/readyz` answers in
    1 s while the database is down, instead of waiting out the driver's server selection)."""
    try:
        async with asyncio.timeout(READY_TIMEOUT_SECONDS):
            await client.admin.command("ping")
    except Exception:  # noqa: BLE001 - any failure (or no answer in time) means not ready
        return False
    return True


DatabaseSetup = Callable[[Starlette, Any], Awaitable[None]]
Teardown = Callable[[Starlette], Awaitable[None]]


def database_lifespan(
    *,
    uri: str | None,
    database: str,
    app_name: str,
    setup: DatabaseSetup,
    teardown: Teardown | None = None,
    journaled: bool = False,
    background: bool = False,
) -> Lifespan:
    """Open the service's own database, let `setup` build its store (and indexes), close it at shutdown.

    `teardown` (optional) stops what `setup` started (background tasks) before the database closes.
    `journaled`: the service's writes are acknowledged only once in the database's journal (money, content).
    `background`: its client names itself background (DATABASE_BACKGROUND; infra/mongo.py).
    """
    from contextlib import asynccontextmanager

    from infra.mongo import create_mongo_client, open_database

    @asynccontextmanager
    async def lifespan(app: Starlette) -> Any:
        if not uri:
            raise RuntimeError("MONGODB_URI was not resolved before the app started")
        client = create_mongo_client(uri, app_name=app_name, background=background)
        app.state.mongo = client

        async def ready() -> bool:
            return await ping(client)

        app.state.ready_check = ready
        try:
            await setup(app, open_database(client, database, journaled=journaled))
            log.info("service_started", service=app_name, database=database)
            yield
        finally:
            if teardown is not None:
                await teardown(app)
            await client.close()

    return lifespan
