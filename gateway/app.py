"""The gateway's ASGI app: /graphql, /healthz, /readyz, /metrics."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from composition.topology import Topology
from gateway.auth import Authenticator, TokenIssuer
from gateway.context import GatewayContext
from gateway.limits import RateLimiter, RateLimitMiddleware
from gateway.middleware import BodySizeLimitMiddleware
from gateway.schema import build_schema
from infra.metrics import metrics_endpoint
from infra.service_app import RequestContextMiddleware
from infra.settings import Settings


class GatewayGraphQL(GraphQL[GatewayContext, None]):
    def __init__(self, settings: Settings, services: Topology, **kwargs: Any) -> None:
        super().__init__(build_schema(settings), **kwargs)
        self.settings = settings
        self.services = services
        self.issuer = TokenIssuer(settings)
        self.authenticator = Authenticator(settings, self.issuer)
        self.limiter = RateLimiter(settings)

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket | None) -> GatewayContext:
        assert isinstance(request, Request)
        viewer = self.authenticator.viewer(
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
        )


def create_app(settings: Settings, services: Topology | None = None) -> Starlette:
    """The gateway with the four services reached through `services` (in-process where no URL is set)."""
    services = services or Topology(settings)
    graphql = GatewayGraphQL(
        settings,
        services,
        graphql_ide=None if settings.is_production else "graphiql",
        allow_queries_via_get=False,
    )

    async def healthz(request: Request) -> Response:
        return PlainTextResponse("ok")

    async def readyz(request: Request) -> Response:
        names = list(services.clients)
        states = await asyncio.gather(*(services.clients[n].ready() for n in names))
        body = {"ready": all(states), "services": dict(zip(names, states, strict=True))}
        return JSONResponse(body, status_code=200 if all(states) else 503)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with services.running():
            yield

    app = Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/metrics", metrics_endpoint),
        ],
        lifespan=lifespan,
    )
    app.state.services = services
    app.state.issuer = graphql.issuer
    # Outermost first: request id, then cheap refusals (size, rate) before any GraphQL work.
    assert settings.jwt_secret
    app.add_middleware(RateLimitMiddleware, limiter=graphql.limiter, jwt_secret=settings.jwt_secret)
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(RequestContextMiddleware, service="gateway")
    return app
