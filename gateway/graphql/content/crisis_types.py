"""GraphQL types of crisis response: incidents and their steps, mentions, webhooks and their deliveries."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from content_service.schemas import (
    DeliveryRead,
    IncidentRead,
)
from gateway.graphql.content.enums import (
    IncidentStatus,
    Sentiment,
)


@strawberry.type
class IncidentStep:
    name: str
    due_at: datetime
    done_at: datetime | None
    overdue: bool = strawberry.field(description="Not done by its deadline (still open past it, or done after).")
    owner: str | None
    note: str | None


@strawberry.type
class Escalation:
    level: int
    cause: str
    at: datetime
    reason: str


@strawberry.type
class IncidentHealthBreach:
    alert_id: strawberry.ID
    key: str
    value: float
    threshold: float
    at: datetime


@strawberry.type(description="A crisis incident: level 1-3, its cause, and the procedure's steps with deadlines.")
class Incident:
    id: strawberry.ID
    status: IncidentStatus
    level: int
    cause: str
    causes: list[str]
    opened_at: datetime
    triggered_at: datetime
    resolved_at: datetime | None
    trigger_count: int
    steps: list[IncidentStep]
    escalations: list[Escalation]
    resolution_reason: str | None = strawberry.field(
        default=None, description="Why it was resolved with steps not done; null when every step was done."
    )
    undone_steps: list[str] = strawberry.field(
        default_factory=list, description="The steps not done when it was resolved."
    )
    health_breaches: list[IncidentHealthBreach] = strawberry.field(default_factory=list)

    @staticmethod
    def from_read(r: IncidentRead) -> Incident:
        return Incident(
            id=strawberry.ID(r.id),
            status=r.status,
            level=r.level,
            cause=r.cause,
            causes=r.causes,
            opened_at=r.opened_at,
            triggered_at=r.triggered_at,
            resolved_at=r.resolved_at,
            trigger_count=r.trigger_count,
            steps=[
                IncidentStep(
                    name=s.name, due_at=s.due_at, done_at=s.done_at, overdue=s.overdue, owner=s.owner, note=s.note
                )
                for s in r.steps
            ],
            escalations=[Escalation(level=e.level, cause=e.cause, at=e.at, reason=e.reason) for e in r.escalations],
            resolution_reason=r.resolution_reason,
            undone_steps=r.undone_steps,
            health_breaches=[
                IncidentHealthBreach(
                    alert_id=strawberry.ID(b.alert_id), key=b.key, value=b.value, threshold=b.threshold, at=b.at
                )
                for b in r.health_breaches
            ],
        )


@strawberry.type
class IncidentMetrics:
    incidents_by_level: JSON
    open_incidents: int
    median_first_response_minutes: float | None
    playbook_first_response_minutes_before: float
    playbook_first_response_minutes_after: float
    steps_done: int
    steps_on_time: int
    steps_overdue: int
    steps_on_time_rate: float | None


@strawberry.type
class Mention:
    id: strawberry.ID
    platform: str
    url: str
    sentiment: Sentiment
    occurred_at: datetime
    legal: bool
    duplicate: bool
    incident_id: strawberry.ID | None


@strawberry.type
class DeliveryAttempt:
    at: datetime
    ok: bool
    detail: str
    status_code: int | None = strawberry.field(
        default=None, description="The receiver's HTTP status; null when no answer came (timeout, refused)."
    )
    latency_ms: float | None = strawberry.field(
        default=None, description="Milliseconds from sending to the answer; null when nothing was sent."
    )


@strawberry.type(
    description="One webhook event sent to one endpoint, with its attempts; replay resends it with the same id."
)
class WebhookDelivery:
    event_id: str
    topic: str
    status: str
    attempts: int
    created_at: datetime
    delivered_at: datetime | None
    last_error: str | None
    next_attempt_at: datetime
    log: list[DeliveryAttempt]
    id: strawberry.ID | None = strawberry.field(
        default=None, description="The delivery (this event to one endpoint); name it to replay it."
    )
    endpoint_id: strawberry.ID | None = strawberry.field(default=None, description="The endpoint it goes to.")
    last_status_code: int | None = strawberry.field(
        default=None, description="The receiver's HTTP status at the latest attempt; null before one or without answer."
    )

    @staticmethod
    def from_read(r: DeliveryRead) -> WebhookDelivery:
        return WebhookDelivery(
            event_id=r.event_id,
            topic=r.topic,
            status=r.status,
            attempts=r.attempts,
            created_at=r.created_at,
            delivered_at=r.delivered_at,
            last_error=r.last_error,
            next_attempt_at=r.next_attempt_at,
            log=[
                DeliveryAttempt(at=a.at, ok=a.ok, detail=a.detail, status_code=a.status_code, latency_ms=a.latency_ms)
                for a in r.log
            ],
            id=strawberry.ID(r.id) if r.id else None,
            endpoint_id=strawberry.ID(r.endpoint_id) if r.endpoint_id else None,
            last_status_code=r.last_status_code,
        )


@strawberry.type
class Webhook:
    url: str
    configured_at: datetime
