"""Shared by the content benchmarks: the whole platform in-process (gateway + services) on an in-memory SecantusDB."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from starlette.applications import Starlette

from gateway.app import create_app
from infra.embedded import EmbeddedServer
from infra.settings import Settings

ADMIN_KEY = "bench-admin-key-0123456789"


class Gql:
    def __init__(self, http: httpx.AsyncClient, app: Starlette) -> None:
        self.http = http
        self.app = app

    async def __call__(
        self, query: str, variables: dict[str, Any] | None = None, *, token: str | None = None, admin: bool = False
    ) -> dict[str, Any]:
        headers = {}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if admin:
            headers["X-API-Key"] = ADMIN_KEY
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
        body: dict[str, Any] = response.json()
        if body.get("errors"):
            raise RuntimeError(body["errors"])
        data: dict[str, Any] = body["data"]
        return data

    async def community(self, slug: str) -> str:
        q = "mutation($i: CreateCommunityInput!) { createCommunity(input: $i) { id } }"
        data = await self(q, {"i": {"slug": slug, "name": slug}}, admin=True)
        return str(data["createCommunity"]["id"])

    async def member(self, slug: str, handle: str) -> tuple[str, str]:
        q = "mutation($i: RegisterUserInput!) { registerUser(input: $i) { token user { id } } }"
        data = await self(q, {"i": {"communitySlug": slug, "handle": handle, "displayName": handle}})
        return str(data["registerUser"]["user"]["id"]), str(data["registerUser"]["token"])

    async def operator(self, community_id: str, slug: str, handle: str) -> tuple[str, str]:
        member_id, token = await self.member(slug, handle)
        q = "mutation($i: GrantRoleInput!) { grantRole(input: $i) { id } }"
        await self(q, {"i": {"communityId": community_id, "handle": handle, "role": "OPERATOR"}}, admin=True)
        return member_id, token


@asynccontextmanager
async def platform(**overrides: Any) -> AsyncIterator[Gql]:
    server = EmbeddedServer(":memory:", test_commands=True)
    server.start()
    try:
        settings = Settings(
            app_env="test",
            mongodb_uri=server.uri,
            db_prefix=f"b{uuid.uuid4().hex[:10]}",
            jwt_secret="bench-jwt-secret-0123456789abcdef0123456789",
            platform_admin_key=ADMIN_KEY,
            seed_demo=False,
            rate_limits_enabled=False,  # request and cost budgets off: the benchmark measures throughput
            **overrides,
        )
        app = create_app(settings)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://bench", timeout=600) as http:
                yield Gql(http, app)
    finally:
        server.stop()
