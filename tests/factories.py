"""Helpers that drive the public GraphQL API the way a client would."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
from starlette.applications import Starlette

from infra.settings import ServiceName, Settings
from tests.db_client import db_client

ADMIN_KEY = "test-admin-key-0123456789abcdef012345"
JWT_SECRET = "test-jwt-secret-0123456789abcdef0123456789"


class Api:
    """A GraphQL client on the gateway under test."""

    def __init__(self, http: httpx.AsyncClient, app: Starlette | None, settings: Settings) -> None:
        self.http = http
        self.app = app
        self.settings = settings

    async def post(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        token: str | None = None,
        admin: bool = False,
        headers: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        sent = dict(headers or {})
        if token:
            sent["Authorization"] = f"Bearer {token}"
        if admin:
            sent["X-API-Key"] = ADMIN_KEY
        response = await self.http.post("/graphql", json={"query": query, "variables": variables or {}}, headers=sent)
        body: dict[str, Any] = response.json()
        return body

    async def data(self, query: str, variables: dict[str, Any] | None = None, **kwargs: Any) -> dict[str, Any]:
        """The response's data, failing the test if the response has any error."""
        body = await self.post(query, variables, **kwargs)
        assert "errors" not in body, body["errors"]
        data: dict[str, Any] = body["data"]
        return data

    async def errors(self, query: str, variables: dict[str, Any] | None = None, **kwargs: Any) -> list[dict[str, Any]]:
        body = await self.post(query, variables, **kwargs)
        assert body.get("errors"), f"expected errors, got {body}"
        errors: list[dict[str, Any]] = body["errors"]
        return errors

    async def error_code(self, query: str, variables: dict[str, Any] | None = None, **kwargs: Any) -> str:
        errors = await self.errors(query, variables, **kwargs)
        codes = {e["extensions"]["code"] for e in errors}
        assert len(codes) == 1, errors
        return codes.pop()


CREATE_COMMUNITY = """
mutation($input: CreateCommunityInput!) { createCommunity(input: $input) { id slug name timezone } }
"""
REGISTER = """
mutation($input: RegisterUserInput!) { registerUser(input: $input) { token user { id handle tier roles } } }
"""
GRANT_ROLE = "mutation($input: GrantRoleInput!) { grantRole(input: $input) { id handle roles } }"
CREATE_PLAN = "mutation($input: CreatePlanInput!) { createPlan(input: $input) { id name priceCents currency } }"
PUBLISH = """
mutation($input: PublishContentInput!) {
  publishContent(input: $input) { id kind title tags author { handle } }
}
"""


@dataclass(frozen=True)
class Member:
    id: str
    handle: str
    token: str


async def create_community(api: Api, slug: str, *, timezone: str = "Asia/Shanghai") -> str:
    data = await api.data(
        CREATE_COMMUNITY, {"input": {"slug": slug, "name": slug.title(), "timezone": timezone}}, admin=True
    )
    community_id: str = data["createCommunity"]["id"]
    return community_id


async def register(
    api: Api, slug: str, handle: str, *, password: str | None = None, channel: str | None = None
) -> Member:
    payload: dict[str, Any] = {"communitySlug": slug, "handle": handle, "displayName": handle.title()}
    if password:
        payload["password"] = password
    if channel:
        payload["channel"] = channel
    data = await api.data(REGISTER, {"input": payload})
    result = data["registerUser"]
    return Member(id=result["user"]["id"], handle=handle, token=result["token"])


async def grant(api: Api, community_id: str, handle: str, role: str) -> None:
    await api.data(GRANT_ROLE, {"input": {"communityId": community_id, "handle": handle, "role": role}}, admin=True)


async def create_plan(api: Api, community_id: str, *, name: str = "Gold", price: int = 2900, **extra: Any) -> str:
    plan = {"communityId": community_id, "name": name, "priceCents": price, "currency": "CNY", "interval": "MONTH"}
    data = await api.data(CREATE_PLAN, {"input": {**plan, **extra}}, admin=True)
    plan_id: str = data["createPlan"]["id"]
    return plan_id


async def publish(api: Api, member: Member, title: str, *, kind: str = "UGC", tags: list[str] | None = None) -> str:
    data = await api.data(
        PUBLISH,
        {"input": {"title": title, "body": f"{title} body", "kind": kind, "tags": tags or []}},
        token=member.token,
    )
    content_id: str = data["publishContent"]["id"]
    return content_id


def count_documents(settings: Settings, service: ServiceName, collection: str) -> int:
    """Ground truth straight from the database, for tests that check that nothing was written."""
    with db_client(settings.mongodb_uri) as client:
        return client[settings.database_name(service)][collection].count_documents({})
