"""Members on the wire: registration, sign-in, roles, lookups and the batched import from another platform."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from infra.bulk import MAX_IMPORT_BATCH, SourceKey
from infra.schemas import ApiInput, ApiModel, Handle, Id
from users_service.domain.acquisition import Channel
from users_service.domain.layers import Layer
from users_service.domain.passwords import MAX_LENGTH, MIN_LENGTH
from users_service.domain.roles import Role
from users_service.domain.tiers import Tier
from users_service.schemas.communities import Name

__all__ = [
    "Credentials",
    "MemberCreate",
    "MemberIds",
    "MemberImport",
    "MemberImportBatch",
    "MemberLookup",
    "MemberLookupResult",
    "MemberDirectoryQuery",
    "MemberFilter",
    "MemberRead",
    "PublicProfile",
    "RoleChange",
]

Password = Annotated[str, StringConstraints(min_length=MIN_LENGTH, max_length=MAX_LENGTH)]


class MemberCreate(ApiInput):
    handle: Handle
    display_name: Name
    password: Password | None = None
    # Where the sign-up came from (acquisition channel), when the sign-up page knows it.
    channel: Channel | None = None


class MemberRead(ApiModel):
    id: str
    community_id: str
    handle: str
    display_name: str
    roles: list[Role]
    tier: Tier
    joined_at: datetime
    # The RFM layer (BASE until the first batch run) and the predicted 12-month value (null until a model).
    rfm_layer: Layer = Layer.BASE
    ltv_cents: int | None = None


class PublicProfile(ApiModel):
    """What any member of the community may see of another: never e-mail, password, value or sign-up data."""

    id: str
    handle: str
    display_name: str
    roles: list[Role]
    tier: Tier
    joined_at: datetime


class MemberFilter(ApiInput):
    """The operators' directory: every given condition must hold (none given: every member)."""

    # A handle prefix or a part of the display name, case-insensitive.
    search: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)] | None = None
    tier: Tier | None = None
    rfm_layer: Layer | None = None
    channel: Channel | None = None
    joined_after: datetime | None = None
    joined_before: datetime | None = None


class MemberDirectoryQuery(ApiInput):
    """One page of the directory: `first` members after the cursor `after`, those `where` selects."""

    first: int = 20
    after: str | None = None
    where: MemberFilter | None = None


class Credentials(ApiInput):
    handle: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    password: Annotated[str, StringConstraints(max_length=MAX_LENGTH)]
    # Where the attempt came from (the gateway passes the caller's address): failures are counted per address,
    # so a stranger cannot lock a member out by failing on purpose from elsewhere.
    address: Annotated[str, StringConstraints(max_length=64)] | None = None


class RoleChange(ApiInput):
    handle: Handle
    role: Role


class MemberLookup(ApiInput):
    ids: list[Id] = Field(max_length=500)
    # True: members may be as they were up to MEMBER_READ_TTL_SECONDS ago (the caller behind a request).
    cached: bool = False


class MemberIds(ApiModel):
    """Member ids, sorted."""

    ids: list[str]


class MemberLookupResult(ApiModel):
    """Members in the order of the ids asked for; None where an id names no member of the community."""

    members: list[MemberRead | None]


# Members imported from another platform, in batches, idempotent by `source` + `sourceId`.


class MemberImport(ApiInput):
    source_id: SourceKey
    handle: Handle
    display_name: Name
    joined_at: datetime
    last_seen_at: datetime | None = None
    # The source platform's reputation, kept as a prior signal for tiers and ranking.
    reputation: int | None = Field(default=None, ge=0)
    roles: list[Role] = Field(default_factory=lambda: [Role.MEMBER], max_length=3)
    tier: Tier | None = None


class MemberImportBatch(ApiInput):
    source: SourceKey
    members: list[MemberImport] = Field(min_length=1, max_length=MAX_IMPORT_BATCH)


class MemberEdge(ApiModel):
    cursor: str
    node: MemberRead


class MemberPage(ApiModel):
    """A keyset page of a community's members, newest joined first; `totalCount` counts them all."""

    edges: list[MemberEdge]
    has_next_page: bool
    end_cursor: str | None
    total_count: int
