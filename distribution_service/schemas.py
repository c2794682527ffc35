"""What distribution_service accepts and returns; shared with `DistributionClient`."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from distribution_service.domain.honeycomb import EventType, Scene, Slot
from infra.bulk import MAX_IMPORT_BATCH, SourceKey
from infra.schemas import ApiInput, ApiModel, Id

MAX_FEED_PAGE = 100


class EventCreate(ApiInput):
    member_id: Id
    content_id: Id
    type: EventType
    slot: Slot | None = None
    scene: Scene | None = None
    # A client's own id for the event: sending it again records nothing new.
    client_event_id: Annotated[str, StringConstraints(min_length=1, max_length=128)] | None = None
    occurred_at: datetime | None = None
    dwell_ms: Annotated[int, Field(ge=0, le=86_400_000)] | None = None


class EventRecorded(ApiModel):
    id: str
    duplicate: bool


class FeedRequest(ApiInput):
    member_id: Id
    slot: Slot
    scene: Scene
    first: Annotated[int, Field(ge=1, le=MAX_FEED_PAGE)] = 20


class FeedItem(ApiModel):
    content_id: str
    score: float
    reasons: dict[str, float]


class FeedPage(ApiModel):
    items: list[FeedItem]
    model_version: str


class MemberActivity(ApiModel):
    """A member's engagement since a moment: the raw material of RFM recency and frequency."""

    events: int
    engagement: float
    last_at: datetime


class ActivityByMember(ApiModel):
    members: dict[str, MemberActivity]


# Issue 4: events imported from another platform, in batches, idempotent by `source` + `sourceId`.


class EventImport(ApiInput):
    source_id: SourceKey
    # None: the source platform does not say who (Stack Exchange up/down votes); it still counts for the item.
    member_id: Id | None = None
    content_id: Id
    type: EventType
    occurred_at: datetime
    slot: Slot | None = None
    scene: Scene | None = None
    dwell_ms: Annotated[int, Field(ge=0, le=86_400_000)] | None = None


class EventImportBatch(ApiInput):
    source: SourceKey
    events: list[EventImport] = Field(min_length=1, max_length=MAX_IMPORT_BATCH)
