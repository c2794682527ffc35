"""Webhook endpoints, the events other services publish to them, and notices to operators."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import Field, HttpUrl, StringConstraints

from content_service.domain.webhooks import EVENT_TYPES
from infra.schemas import ApiInput, ApiModel, Id, UtcDatetime

EventTypes = Annotated[list[Annotated[str, StringConstraints(min_length=1, max_length=80)]], Field(max_length=50)]
Description = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]


class EndpointCreate(ApiInput):
    actor_id: Id | None = None
    url: HttpUrl
    event_types: EventTypes
    description: Description = ""


class EndpointUpdate(ApiInput):
    actor_id: Id | None = None
    url: HttpUrl | None = None
    event_types: EventTypes | None = None
    description: Description | None = None
    enabled: bool | None = None


class EndpointRead(ApiModel):
    id: str
    url: str
    event_types: list[str]
    description: str
    enabled: bool
    legacy: bool
    created_at: datetime
    updated_at: datetime
    disabled_at: datetime | None = None
    disabled_reason: str | None = None
    consecutive_failures: int = 0
    failing_since: datetime | None = None


class EndpointCreated(ApiModel):
    endpoint: EndpointRead
    secret: str  # shown once


class EndpointList(ApiModel):
    items: list[EndpointRead]


class EndpointDeleted(ApiModel):
    id: str


class WebhookEventIn(ApiInput):
    """A domain event another service publishes (from its outbox); `id` is stable across its redeliveries."""

    id: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{8,100}$")]
    type: Annotated[str, StringConstraints(min_length=1, max_length=80)]
    occurred_at: UtcDatetime
    data: dict[str, Any] = Field(default_factory=dict)


class EventPublished(ApiModel):
    queued: int  # new deliveries (0 for an event published before)


class SubscribedTypes(ApiModel):
    types: list[str]  # event types at least one enabled endpoint of the community takes


class NoticeRead(ApiModel):
    id: str
    kind: str
    endpoint_id: str
    url: str
    message: str
    at: datetime


class NoticeList(ApiModel):
    items: list[NoticeRead]


class ReplayRequest(ApiInput):
    actor_id: Id
    delivery_id: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,100}$")] | None = None
    event_id: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.:-]{1,200}$")] | None = None


# The catalogue of event types (name -> what it announces), for callers that list or check them.
WEBHOOK_EVENT_TYPES = EVENT_TYPES
