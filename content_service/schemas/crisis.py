"""Crisis early warning: mentions, incidents with the seven-step procedure, webhooks and their delivery log."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import Field, HttpUrl, StringConstraints

from infra.schemas import ApiInput, ApiModel, Id, UtcDatetime


class Sentiment(StrEnum):
    NEGATIVE = "NEGATIVE"
    NEUTRAL = "NEUTRAL"
    POSITIVE = "POSITIVE"


class IncidentStatus(StrEnum):
    OPEN = "OPEN"
    RESOLVED = "RESOLVED"


class MentionCreate(ApiInput):
    platform: Annotated[str, StringConstraints(strip_whitespace=True, to_lower=True, min_length=1, max_length=60)]
    url: HttpUrl
    sentiment: Sentiment
    occurred_at: UtcDatetime
    legal: bool = False
    text: Annotated[str, StringConstraints(max_length=2000)] | None = None


class MentionRead(ApiModel):
    id: str
    platform: str
    url: str
    sentiment: Sentiment
    occurred_at: datetime
    legal: bool
    duplicate: bool
    incident_id: str | None


class StepRead(ApiModel):
    name: str
    due_at: datetime
    done_at: datetime | None
    overdue: bool
    owner: str | None
    note: str | None


class EscalationRead(ApiModel):
    level: int
    cause: str
    at: datetime
    reason: str


class HealthBreachCreate(ApiInput):
    """A health indicator past its critical line, sent once per breach (its alert) by users_service."""

    alert_id: Id
    key: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    value: float
    threshold: float  # the critical line the value crossed


class HealthBreachRead(ApiModel):
    alert_id: str
    key: str
    value: float
    threshold: float
    at: datetime


class IncidentRead(ApiModel):
    id: str
    status: IncidentStatus
    level: int
    cause: str
    causes: list[str]
    opened_at: datetime
    triggered_at: datetime
    resolved_at: datetime | None
    trigger_count: int
    steps: list[StepRead]
    escalations: list[EscalationRead]
    # Why it was resolved with steps not done, and which ones (None and [] when every step was done).
    resolution_reason: str | None = None
    undone_steps: list[str] = Field(default_factory=list)
    # The health breaches that opened or joined it (HEALTH_BREACH incidents), oldest first.
    health_breaches: list[HealthBreachRead] = Field(default_factory=list)


class IncidentList(ApiModel):
    items: list[IncidentRead]


class StepUpdate(ApiInput):
    actor_id: Id
    step: Annotated[str, StringConstraints(min_length=1, max_length=60)]
    owner: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)] | None = None
    note: Annotated[str, StringConstraints(max_length=4000)] | None = None
    done: bool = False


class IncidentResolve(ApiInput):
    actor_id: Id
    note: Annotated[str, StringConstraints(max_length=4000)] | None = None
    # Required when steps are not done: closing an incident past its procedure is a decision someone owns.
    reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=4000)] | None = None


class IncidentMetrics(ApiModel):
    incidents_by_level: dict[str, int]
    open_incidents: int
    median_first_response_minutes: float | None
    playbook_first_response_minutes_before: float = 252.0  # 4.2 hours
    playbook_first_response_minutes_after: float = 28.0
    steps_done: int
    steps_on_time: int
    steps_overdue: int
    steps_on_time_rate: float | None


class WebhookConfig(ApiInput):
    actor_id: Id
    url: HttpUrl
    secret: Annotated[str, StringConstraints(min_length=16, max_length=200)]


class WebhookRead(ApiModel):
    url: str
    configured_at: datetime


class DeliveryAttempt(ApiModel):
    at: datetime
    ok: bool
    detail: str
    status_code: int | None = None  # the receiver's HTTP status; None when no answer came
    latency_ms: float | None = None


class DeliveryRead(ApiModel):
    event_id: str
    topic: str
    status: str
    attempts: int
    created_at: datetime
    delivered_at: datetime | None
    last_error: str | None
    next_attempt_at: datetime
    log: list[DeliveryAttempt] = Field(default_factory=list)
    id: str | None = None  # the delivery (one event to one endpoint)
    endpoint_id: str | None = None
    last_status_code: int | None = None


class DeliveryList(ApiModel):
    items: list[DeliveryRead]
