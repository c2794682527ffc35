"""Partner API keys on the wire: creating one (the secret comes back once), reading, and authenticating one."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from infra.schemas import ApiInput, ApiModel, Id, UtcDatetime
from users_service.domain.api_keys import SECRET_PREFIX as API_KEY_PREFIX
from users_service.domain.api_keys import Scope

__all__ = [
    "API_KEY_PREFIX",
    "ApiKeyAuthenticate",
    "ApiKeyCreate",
    "ApiKeyCreated",
    "ApiKeyList",
    "ApiKeyRead",
    "ApiKeyRevoke",
]

KeyName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]


class ApiKeyCreate(ApiInput):
    """`acting_community_id` is the operator's own community: the key's, or its parent's."""

    name: KeyName
    scopes: list[Scope] = Field(min_length=1, max_length=len(Scope))
    expires_at: UtcDatetime | None = None
    acting_community_id: Id
    created_by: Id | None = None


class ApiKeyRevoke(ApiInput):
    acting_community_id: Id


class ApiKeyAuthenticate(ApiInput):
    secret: Annotated[str, StringConstraints(min_length=1, max_length=200)]


class ApiKeyRead(ApiModel):
    id: str
    community_id: str
    name: str
    scopes: list[Scope]
    prefix: str
    created_by: str | None = None
    created_at: datetime
    expires_at: datetime | None = None
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None
    stale: bool = False


class ApiKeyCreated(ApiModel):
    api_key: ApiKeyRead
    secret: str


class ApiKeyList(ApiModel):
    api_keys: list[ApiKeyRead]
