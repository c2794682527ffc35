"""What content_service accepts and returns; shared with `ContentClient`."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from content_service.domain.access import ContentAccess
from content_service.domain.kinds import ContentKind, ContentStatus
from infra.bulk import MAX_IMPORT_BATCH, SourceKey
from infra.schemas import ApiInput, ApiModel, Id, UtcDatetime

Tag = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40, pattern=r"^[^\s,]+$")]
# The public teaser an author or operator writes; without one, the body's first characters are shown.
Excerpt = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
MAX_PLAN_REQUIREMENTS = 20


class ContentCreate(ApiInput):
    author_id: Id
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
    body: Annotated[str, StringConstraints(min_length=1, max_length=200_000)]
    kind: ContentKind
    tags: list[Tag] = Field(default_factory=list, max_length=20)
    # Lifecycle and production details, all optional.
    draft: bool = False
    publish_at: UtcDatetime | None = None
    media_duration_ms: Annotated[int, Field(ge=1, le=7 * 86_400_000)] | None = None
    production_cost_minor: Annotated[int, Field(ge=0)] | None = None
    production_cost_currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] | None = None
    # The paywall: who the body is for (any of `plan_ids` when given; at least `min_tier` when given).
    access: ContentAccess = ContentAccess.PUBLIC
    plan_ids: list[Id] = Field(default_factory=list, max_length=MAX_PLAN_REQUIREMENTS)
    min_tier: str | None = None
    preview: Excerpt | None = None
    # Until then only members whose RFM layer grants EARLY_ACCESS read the body (others: the teaser).
    early_access_until: UtcDatetime | None = None


class ContentRead(ApiModel):
    id: str
    community_id: str
    author_id: str | None
    kind: ContentKind
    status: ContentStatus
    title: str
    body: str
    tags: list[str]
    created_at: datetime
    published_at: datetime | None
    # An imported answer names the question it answers.
    parent_id: str | None = None
    publish_at: UtcDatetime | None = None
    media_duration_ms: int | None = None
    paragraphs: int = 1
    production_cost_minor: int | None = None
    production_cost_currency: str | None = None
    template_id: str | None = None
    credits: list[str] = Field(default_factory=list)
    review_reasons: list[str] = Field(default_factory=list)
    access: ContentAccess = ContentAccess.PUBLIC
    plan_ids: list[str] = Field(default_factory=list)
    min_tier: str | None = None
    early_access_until: datetime | None = None
    # For the viewer the read was made for: `locked` pieces come with an empty `body`; `preview` is public.
    locked: bool = False
    preview: str = ""


class ContentSummary(ApiModel):
    """What ranking needs of a candidate, without the body."""

    id: str
    author_id: str | None
    kind: ContentKind
    tags: list[str]
    published_at: datetime
    # Multiplier on the item's exposure from a UGC incentive (1.0 = none; the playbook's +300% is 4.0).
    exposure_boost: float = 1.0


class ContentLookup(ApiInput):
    ids: list[Id] = Field(max_length=500)
    # `ViewerRef.to_wire()`; absent reads as anonymous.
    viewer: str | None = None
    # True: pieces may be as they were up to CONTENT_CARD_TTL_SECONDS ago (a feed's cards); absent: as stored now.
    cached: bool = False


class ContentLookupResult(ApiModel):
    items: list[ContentRead | None]


class CandidateList(ApiModel):
    items: list[ContentSummary]


MAX_SOURCE_TAGS = 200
MAX_SOURCE_AUTHORS = 1000
MAX_PER_SOURCE = 1000


class CandidateSourcesRequest(ApiInput):
    """What the feed's candidate generator asks for beyond the newest items: a member's topics and authors."""

    tags: list[Tag] = Field(default_factory=list, max_length=MAX_SOURCE_TAGS)
    author_ids: list[Id] = Field(default_factory=list, max_length=MAX_SOURCE_AUTHORS)
    per_source: Annotated[int, Field(ge=1, le=MAX_PER_SOURCE)] = 500
    # At most this many items per asked tag and per asked author (newest first), within per_source in all: a
    # batch of members asking for many keys gets some of each rather than the busiest keys' newest only.
    per_key: Annotated[int, Field(ge=1, le=MAX_PER_SOURCE)] | None = None


class CandidateSources(ApiModel):
    """Published items of the community from three sources, each newest first and at most `perSource` long.

    `byTag`: carrying any asked tag; `byAuthor`: by an asked author; `boosted`: with an exposure boost running now,
    whatever their age, highest boost first. An item may be in several lists."""

    by_tag: list[ContentSummary]
    by_author: list[ContentSummary]
    boosted: list[ContentSummary]


class ContentCountsByAuthor(ApiModel):
    """Published content per author and kind (PGC/UGC/COMMERCIAL) since a moment: what each member produced."""

    authors: dict[str, dict[str, int]]


# Content imported from another platform, in batches, idempotent by `source` + `sourceId`.


class ContentImport(ApiInput):
    source_id: SourceKey
    # None: the author's account was deleted on the source platform.
    author_id: Id | None = None
    kind: ContentKind
    status: ContentStatus = ContentStatus.PUBLISHED
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
    # HTML; sanitised on the way in.
    body: Annotated[str, StringConstraints(max_length=200_000)]
    tags: list[Tag] = Field(default_factory=list, max_length=20)
    created_at: datetime
    # Defaults to `createdAt` for published content.
    published_at: datetime | None = None
    parent_id: Id | None = None


class ContentImportBatch(ApiInput):
    source: SourceKey
    items: list[ContentImport] = Field(min_length=1, max_length=MAX_IMPORT_BATCH)


class ContentIdCheck(ApiInput):
    ids: list[Id] = Field(max_length=MAX_IMPORT_BATCH)


class ContentIdCheckResult(ApiModel):
    """The ids asked for that name content of the community; `threads` gives each known reply's thread (its
    parent), so that activity on an answer can count for its question."""

    known: list[str]
    threads: dict[str, str] = Field(default_factory=dict)
