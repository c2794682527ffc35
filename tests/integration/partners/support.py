"""Partner keys driven through the gateway: an operator's community, keys created the way an operator would."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.factories import Api, Member, create_community, grant, register

CREATE_KEY = """
mutation($input: CreateApiKeyInput!) {
  createApiKey(input: $input) { apiKey { id name scopes createdAt expiresAt lastUsedAt prefix stale } secret }
}
"""
REVOKE_KEY = "mutation($input: RevokeApiKeyInput!) { revokeApiKey(input: $input) { id revokedAt } }"
API_KEYS = "query($communityId: ID) { apiKeys(communityId: $communityId) { id name scopes lastUsedAt stale } }"
TIER_DISTRIBUTION = "query($communityId: ID) { tierDistribution(communityId: $communityId) { tier members } }"


@dataclass(frozen=True)
class Tenant:
    community_id: str
    operator: Member


async def tenant(api: Api, slug: str, *, parent_id: str | None = None) -> Tenant:
    if parent_id is None:
        community_id = await create_community(api, slug)
    else:
        query = "mutation($input: CreateCommunityInput!) { createCommunity(input: $input) { id } }"
        variables = {"input": {"slug": slug, "name": slug.title(), "parentId": parent_id}}
        community_id = (await api.data(query, variables, admin=True))["createCommunity"]["id"]
    operator = await register(api, slug, f"{slug}-op")
    await grant(api, community_id, operator.handle, "OPERATOR")
    return Tenant(community_id, operator)


async def create_key(
    api: Api, operator: Member, scopes: list[str], *, community_id: str | None = None, **extra: Any
) -> tuple[str, dict[str, Any]]:
    """(secret, key) for a new key made by `operator`."""
    payload: dict[str, Any] = {"name": "partner", "scopes": scopes, **extra}
    if community_id is not None:
        payload["communityId"] = community_id
    created = (await api.data(CREATE_KEY, {"input": payload}, token=operator.token))["createApiKey"]
    return created["secret"], created["apiKey"]
