"""The gateway's ASGI app: /graphql, /healthz, /readyz, /metrics, and the operator console's files at /console."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from cross_web import HTTPException
from starlette.applications import Starlette
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLRequestData
from strawberry.schema.exceptions import InvalidOperationTypeError

from composition.topology import Topology
from gateway.auth import Authenticator, TokenIssuer
from gateway.console import console_routes
from gateway.context import GatewayContext
from gateway.cost_lane import lane_for
from gateway.heavy_lane import HeavyLane, lane_enabled
from gateway.limits import RateLimiter, RateLimitMiddleware
from gateway.middleware import BodySizeLimitMiddleware, BodyTooLargeError
from gateway.partners.keys import ApiKeyResolver
from gateway.partners.quotas import RATE_LIMIT_HEADERS
from gateway.persisted_queries import PersistedQueries, PersistedQueryError, load_allowlist
from gateway.schema import build_schema
from gateway.transport import as_graphql_response, prefers_graphql_response
from infra.errors import UnavailableError
from infra.gc_pause import FreezePolicy, long_lived_frozen
from infra.logging import get_logger, request_id_var
from infra.metrics import metrics_endpoint
from infra.service_app import RequestContextMiddleware
from infra.settings import Settings
from infra.shared_state import SharedState

log = get_logger(__name__)
HTTP_CODES = {
    400: "BAD_USER_INPUT",
    401: "UNAUTHENTICATED",
    404: "NOT_FOUND",
    405: "BAD_USER_INPUT",
    406: "BAD_USER_INPUT",
    413: "BAD_USER_INPUT",
    415: "BAD_USER_INPUT",
    503: "UNAVAILABLE",
}
# The methods /graphql answers: GET for queries only, POST for everything.
GRAPHQL_METHODS = "GET, POST"


def error_response(
    status: int, message: str, headers: dict[str, str] | None = None, **extensions: object
) -> JSONResponse:
    """An error in the GraphQL response shape, for failures before any operation runs."""
    code = HTTP_CODES.get(status, "INTERNAL")
    body = {"data": None, "errors": [{"message": message, "extensions": {"code": code, **extensions}}]}
    return JSONResponse(body, status_code=status, headers=headers)


def refusal(exc: HTTPException) -> Response:
    """A transport refusal in the GraphQL shape: a mutation over GET is 405 (POST only), as is any other method."""
    if isinstance(exc.__cause__, InvalidOperationTypeError):
        return error_response(405, "mutations are sent with POST; GET runs queries only", {"Allow": "POST"})
    if exc.status_code == 405:
        return error_response(405, "GraphQL is served over GET (queries) and POST", {"Allow": GRAPHQL_METHODS})
    return error_response(exc.status_code, exc.reason)


class GatewayGraphQL(GraphQL[GatewayContext, None]):
    def __init__(self, settings: Settings, services: Topology, **kwargs: Any) -> None:
        allowlist = settings.persisted_queries_allowlist
        self.persisted = PersistedQueries(
            capacity=settings.persisted_queries_cache_size, allowlist=load_allowlist(allowlist) if allowlist else None
        )
        # Budgets and the key cache's generation: in Redis when REDIS_URL is set, shared by every replica.
        self.shared = shared = SharedState(settings)
        # Heavy operations (QUERY_COST_LANE_THRESHOLD) execute at most QUERY_COST_LANE_SLOTS at a time here, paced
        # to QUERY_COST_LANE_SHARE of the time while cheap ones run.
        self.lane = lane_for(
            settings.query_cost_lane_threshold, settings.query_cost_lane_slots, settings.query_cost_lane_share
        )
        super().__init__(build_schema(settings, self.persisted, shared, self.lane), **kwargs)
        self.settings = settings
        self.services = services
        self.issuer = TokenIssuer(settings)
        self.keys = ApiKeyResolver(
            services.users,
            ttl_seconds=settings.api_key_cache_seconds,
            generation=shared.generation("api-keys") if shared.shared else None,
        )
        self.authenticator = Authenticator(settings, self.issuer, self.keys)
        self.limiter = RateLimiter(settings, shared.limits_storage())

    def decode_json(self, data: str | bytes) -> object:
        try:
            return super().decode_json(data)
        except RecursionError as exc:
            # A body nested thousands deep: the caller's mistake, not ours.
            raise HTTPException(400, "request body nests too deeply") from exc
        except ValueError as exc:  # JSON syntax and undecodable bytes alike
            raise HTTPException(400, "request body is not valid JSON") from exc

    async def parse_http_body(self, request: Any) -> GraphQLRequestData | list[GraphQLRequestData]:
        """The request as strawberry reads it, with a persisted query's hash turned into its query."""
        parsed = await super().parse_http_body(request)
        if isinstance(parsed, list):
            return [self.persisted.resolve(item) for item in parsed]
        return self.persisted.resolve(parsed)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Every answer in the GraphQL shape with a code, also for bodies that never reach an operation."""
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope=scope, receive=receive)
        try:
            response: Response = await self.run(request)
        except HTTPException as exc:
            response = refusal(exc)
        except PersistedQueryError as exc:
            response = error_response(exc.status, exc.message, code=exc.code)
        except RecursionError:
            response = error_response(400, "request nests too deeply")
        except BodyTooLargeError:
            raise  # BodySizeLimitMiddleware answers 413 once it has drained the rest
        except UnavailableError as exc:
            # users_service down while a partner key is looked up: the caller may retry, nothing failed on their side.
            response = error_response(503, exc.message)
        except Exception as exc:  # noqa: BLE001 - the edge answers INTERNAL, logged with the id the client sees
            request_id = request_id_var.get()
            log.error("gateway_internal_error", request_id=request_id, exc_info=exc)
            response = error_response(500, "internal error", requestId=request_id)
        if prefers_graphql_response(request.headers.get("accept")) and _is_json(response):
            response = as_graphql_response(response)
        await response(scope, receive, send)

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket | None) -> GatewayContext:
        assert isinstance(request, Request)
        viewer = await self.authenticator.authenticate(
            api_key=request.headers.get("x-api-key"), authorization=request.headers.get("authorization")
        )
        return GatewayContext(
            request=request,
            response=response if isinstance(response, Response) else None,
            settings=self.settings,
            services=self.services,
            viewer=viewer,
            issuer=self.issuer,
            limiter=self.limiter,
            keys=self.keys,
        )


def _is_json(response: Response) -> bool:
    return response.headers.get("content-type", "").startswith("application/json")


def metrics_routes(settings: Settings, guarded: Any) -> list[Route]:
    """/metrics: behind METRICS_TOKEN when set; without one, open in development and absent in production."""
    if settings.metrics_token:
        return [Route("/metrics", guarded)]
    return [] if settings.is_production else [Route("/metrics", metrics_endpoint)]


def create_app(settings: Settings, services: Topology | None = None) -> Starlette:
    """The gateway with the four services reached through `services` (in-process where no URL is set)."""
    services = services or Topology(settings)
    graphql = GatewayGraphQL(
        settings,
        services,
        graphql_ide=None if settings.is_production else "graphiql",
        allow_queries_via_get=True,
    )

    async def healthz(request: Request) -> Response:
        return PlainTextResponse("ok")

    async def readyz(request: Request) -> Response:
        names = list(services.clients)
        states = await asyncio.gather(*(services.clients[n].ready() for n in names))
        body = {"ready": all(states), "services": dict(zip(names, states, strict=True))}
        return JSONResponse(body, status_code=200 if all(states) else 503)

    async def metrics(request: Request) -> Response:
        given = request.headers.get("authorization", "")
        if not settings.metrics_token or not secrets.compare_digest(
            given.encode(), f"Bearer {settings.metrics_token}".encode()
        ):
            return error_response(401, "metrics need Authorization: Bearer <METRICS_TOKEN>")
        return await metrics_endpoint(request)

    # HEAVY_LANE_PROCESS: heavy queries answered by a child process at a lower priority once it is ready.
    heavy = (
        HeavyLane(settings, nice=settings.heavy_lane_nice, idle=settings.heavy_lane_sched_idle)
        if lane_enabled(settings)
        else None
    )

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with (
            services.running(),
            long_lived_frozen(
                FreezePolicy(settings.gc_freeze_after, settings.gc_refreeze_seconds, settings.gc_full_collect_seconds)
            ),
        ):
            if heavy is not None:
                await heavy.start()
                graphql.lane.process = heavy
            try:
                yield
            finally:
                if heavy is not None:
                    graphql.lane.process = None
                    await heavy.stop()
                await graphql.shared.aclose()

    app = Starlette(
        routes=[
            # Every method reaches GatewayGraphQL, which refuses all but GET and POST in the GraphQL shape.
            Route("/graphql", graphql),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            *metrics_routes(settings, metrics),
            *console_routes(),
        ],
        lifespan=lifespan,
    )
    app.state.services = services
    app.state.issuer = graphql.issuer
    app.state.cost_lane = graphql.lane
    app.state.heavy_lane = heavy
    # Outermost first: request id, then cheap refusals (size, rate) before any GraphQL work.
    assert settings.jwt_secret
    app.add_middleware(RateLimitMiddleware, limiter=graphql.limiter, jwt_secret=settings.jwt_secret)
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes)
    if settings.cors_origins:
        # Outside the limits, so that a browser also reads a 413 or 429 (and its Retry-After) from another origin.
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type", "Accept", "X-API-Key", "X-Request-ID"],
            expose_headers=[*RATE_LIMIT_HEADERS, "Retry-After", "X-Request-ID"],
            max_age=600,
        )
    app.add_middleware(RequestContextMiddleware, service="gateway")
    return app
