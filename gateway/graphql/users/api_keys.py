"""Partner API keys: operators create, list and revoke their community's keys (and their sub-communities')."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from gateway.context import Info
from gateway.graphql.pagination import check_first
from users_service.schemas import ApiKeyCreate, ApiKeyRead

SCOPES_TEXT = (
    "`resource:action` strings: content:read, content:write, members:read, events:write, analytics:read, "
    "webhooks:manage (see docs/partners.md)."
)

SubCommunityArg = strawberry.argument(description="A sub-community of the operator's; the operator's own when omitted.")


@strawberry.type(description="A partner API key; its secret is shown once, when it is created.")
class ApiKey:
    id: strawberry.ID = strawberry.field(description="The key's id, used to revoke it.")
    community_id: strawberry.ID = strawberry.field(description="The one community the key acts on.")
    name: str = strawberry.field(description="The operator's label for the key.")
    scopes: list[str] = strawberry.field(description="What the key may do: " + SCOPES_TEXT)
    prefix: str = strawberry.field(description="The secret's first characters, to tell keys apart.")
    created_at: datetime = strawberry.field(description="When the key was created.")
    expires_at: datetime | None = strawberry.field(description="When the key stops working; null for never.")
    last_used_at: datetime | None = strawberry.field(
        description="When the key was last used (recorded at most once a minute); null if never."
    )
    revoked_at: datetime | None = strawberry.field(description="When the key was revoked; null while live.")
    stale: bool = strawberry.field(description="True when the key has not been used for 90 days.")

    @staticmethod
    def from_read(read: ApiKeyRead) -> ApiKey:
        return ApiKey(
            id=strawberry.ID(read.id),
            community_id=strawberry.ID(read.community_id),
            name=read.name,
            scopes=[scope.value for scope in read.scopes],
            prefix=read.prefix,
            created_at=read.created_at,
            expires_at=read.expires_at,
            last_used_at=read.last_used_at,
            revoked_at=read.revoked_at,
            stale=read.stale,
        )


@strawberry.type(description="A new key and its secret: store the secret now, it is never shown again.")
class CreateApiKeyPayload:
    api_key: ApiKey = strawberry.field(description="The key as listed from now on.")
    secret: str = strawberry.field(description="Send as `Authorization: Bearer <secret>`; starts with `cpk_`.")


@strawberry.input(description="A partner key for the operator's community or one of its sub-communities.")
class CreateApiKeyInput:
    name: str = strawberry.field(description="A label, 1-80 characters.")
    scopes: list[str] = strawberry.field(description="At least one of: " + SCOPES_TEXT)
    expires_at: datetime | None = strawberry.field(default=None, description="Optional expiry, in the future.")
    community_id: strawberry.ID | None = strawberry.field(
        default=None, description="A sub-community of the operator's; the operator's own when omitted."
    )


@strawberry.input(description="Revoke a key: it stops working at once on this gateway.")
class RevokeApiKeyInput:
    id: strawberry.ID = strawberry.field(description="The key's id.")
    community_id: strawberry.ID | None = strawberry.field(
        default=None, description="The key's community when it is a sub-community's; the operator's own otherwise."
    )


@strawberry.type
class ApiKeyQuery:
    @strawberry.field(description="Operators: the community's partner keys (or a sub-community's), newest first.")
    async def api_keys(
        self,
        info: Info,
        community_id: Annotated[strawberry.ID | None, SubCommunityArg] = None,
        first: Annotated[int, strawberry.argument(description="How many keys, 1-100.")] = 100,
    ) -> list[ApiKey]:
        operator = await info.context.require_operator(as_member=True)
        target = community_id or operator.community_id
        keys = await info.context.services.users.list_api_keys(
            target, acting_community_id=operator.community_id, limit=check_first(first)
        )
        return [ApiKey.from_read(k) for k in keys]


@strawberry.type
class ApiKeyMutation:
    @strawberry.mutation(description="Operators: a new partner key; the answer carries its secret, once.")
    async def create_api_key(self, info: Info, input: CreateApiKeyInput) -> CreateApiKeyPayload:
        operator = await info.context.require_operator(as_member=True)
        key_in = ApiKeyCreate.model_validate(
            {
                "name": input.name,
                "scopes": input.scopes,
                "expires_at": input.expires_at,
                "acting_community_id": operator.community_id,
                "created_by": operator.actor.id,
            }
        )
        created = await info.context.services.users.create_api_key(input.community_id or operator.community_id, key_in)
        return CreateApiKeyPayload(api_key=ApiKey.from_read(created.api_key), secret=created.secret)

    @strawberry.mutation(description="Operators: revoke a partner key; revoking twice keeps the first time.")
    async def revoke_api_key(self, info: Info, input: RevokeApiKeyInput) -> ApiKey:
        operator = await info.context.require_operator(as_member=True)
        key = await info.context.services.users.revoke_api_key(
            input.community_id or operator.community_id, input.id, acting_community_id=operator.community_id
        )
        if info.context.keys is not None:
            await info.context.keys.forget(key.id)
        return ApiKey.from_read(key)
