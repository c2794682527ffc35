"""Crisis early warning: mentions, incidents and their seven steps, metrics, webhooks and the delivery log."""

from __future__ import annotations

import re
from datetime import datetime
from enum import Enum
from typing import Annotated

import strawberry
from strawberry.scalars import JSON

from content_service.crisis.schemas import (
    DeliveryRead,
    IncidentRead,
    IncidentResolve,
    MentionCreate,
    StepUpdate,
    WebhookConfig,
)
from gateway.context import Info
from gateway.graphql.content_common import CommunityArg, operator_member, operator_scope
from gateway.graphql.pagination import check_first
from infra.errors import BadInputError
from infra.schemas import object_id

# Outbox event ids: uuid hex or a derived key (letters, digits, ":", ".", "_", "-").
EVENT_ID = re.compile(r"[A-Za-z0-9:._-]{1,200}")


@strawberry.enum
class IncidentStatus(Enum):
    OPEN = "OPEN"
    RESOLVED = "RESOLVED"


@strawberry.enum
class Sentiment(Enum):
    NEGATIVE = "NEGATIVE"
    NEUTRAL = "NEUTRAL"
    POSITIVE = "POSITIVE"


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

    @staticmethod
    def from_read(r: IncidentRead) -> Incident:
        return Incident(
            id=strawberry.ID(r.id),
            status=IncidentStatus(r.status.value),
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


@strawberry.type(description="One webhook event and its delivery attempts; replay resends it with the same id.")
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
            log=[DeliveryAttempt(at=a.at, ok=a.ok, detail=a.detail) for a in r.log],
        )


@strawberry.type
class Webhook:
    url: str
    configured_at: datetime


@strawberry.input
class ReportMentionInput:
    community_id: strawberry.ID | None = strawberry.field(default=None, description="Required with the admin key.")
    platform: str
    url: str
    sentiment: Sentiment
    occurred_at: datetime
    legal: bool = False
    text: str | None = None


@strawberry.input
class UpdateIncidentStepInput:
    incident_id: strawberry.ID
    step: str
    owner: str | None = None
    note: str | None = None
    done: bool = False


@strawberry.input
class ResolveIncidentInput:
    incident_id: strawberry.ID
    note: str | None = None


@strawberry.input
class ConfigureWebhookInput:
    url: str
    secret: str = strawberry.field(description="At least 16 characters; signs every delivery (HMAC-SHA256).")


@strawberry.input
class ReplayWebhookDeliveryInput:
    event_id: str


@strawberry.type
class CrisisQuery:
    @strawberry.field(description="Operators: incidents, newest first (status OPEN for the live ones).")
    async def incidents(
        self,
        info: Info,
        status: IncidentStatus | None = None,
        first: int = 50,
        community_id: Annotated[strawberry.ID | None, CommunityArg] = None,
    ) -> list[Incident]:
        cid = await operator_scope(info, community_id)
        items = await info.context.services.content.incidents(
            cid, status=status.value if status else None, limit=check_first(first)
        )
        return [Incident.from_read(i) for i in items]

    @strawberry.field(description="Operators: one incident.")
    async def incident(
        self, info: Info, id: strawberry.ID, community_id: Annotated[strawberry.ID | None, CommunityArg] = None
    ) -> Incident:
        cid = await operator_scope(info, community_id)
        return Incident.from_read(await info.context.services.content.incident(cid, str(id)))

    @strawberry.field(description="Operators: incidents by level, time to first response, steps on time.")
    async def incident_metrics(
        self, info: Info, community_id: Annotated[strawberry.ID | None, CommunityArg] = None
    ) -> IncidentMetrics:
        cid = await operator_scope(info, community_id)
        m = await info.context.services.content.incident_metrics(cid)
        return IncidentMetrics(**m.model_dump())

    @strawberry.field(description="Operators: the webhook delivery log, newest first.")
    async def webhook_deliveries(
        self, info: Info, first: int = 50, community_id: Annotated[strawberry.ID | None, CommunityArg] = None
    ) -> list[WebhookDelivery]:
        cid = await operator_scope(info, community_id)
        items = await info.context.services.content.webhook_deliveries(cid, limit=check_first(first))
        return [WebhookDelivery.from_read(d) for d in items]


@strawberry.type
class CrisisMutation:
    @strawberry.mutation(description="The monitoring partner (admin key) or an operator pushes an external mention.")
    async def report_mention(self, info: Info, input: ReportMentionInput) -> Mention:
        cid = await operator_scope(info, input.community_id)
        mention_in = MentionCreate(
            platform=input.platform,
            url=input.url,
            sentiment=input.sentiment.value,
            occurred_at=input.occurred_at,
            legal=input.legal,
            text=input.text,
        )
        r = await info.context.services.content.push_mention(cid, mention_in)
        return Mention(
            id=strawberry.ID(r.id),
            platform=r.platform,
            url=r.url,
            sentiment=Sentiment(r.sentiment.value),
            occurred_at=r.occurred_at,
            legal=r.legal,
            duplicate=r.duplicate,
            incident_id=strawberry.ID(r.incident_id) if r.incident_id else None,
        )

    @strawberry.mutation(description="Operators: set a step's owner or note, or mark it done (once; never undone).")
    async def update_incident_step(self, info: Info, input: UpdateIncidentStepInput) -> Incident:
        member = await operator_member(info)
        object_id(str(input.incident_id), field="incidentId")
        update = StepUpdate(actor_id=member.id, step=input.step, owner=input.owner, note=input.note, done=input.done)
        read = await info.context.services.content.update_incident_step(
            member.community_id, str(input.incident_id), update
        )
        return Incident.from_read(read)

    @strawberry.mutation(description="Operators: close an incident.")
    async def resolve_incident(self, info: Info, input: ResolveIncidentInput) -> Incident:
        member = await operator_member(info)
        read = await info.context.services.content.resolve_incident(
            member.community_id, str(input.incident_id), IncidentResolve(actor_id=member.id, note=input.note)
        )
        return Incident.from_read(read)

    @strawberry.mutation(description="Operators: where incidents, escalations and overdue steps are sent.")
    async def configure_webhook(self, info: Info, input: ConfigureWebhookInput) -> Webhook:
        member = await operator_member(info)
        config = WebhookConfig(actor_id=member.id, url=input.url, secret=input.secret)
        read = await info.context.services.content.configure_webhook(member.community_id, config)
        return Webhook(url=read.url, configured_at=read.configured_at)

    @strawberry.mutation(description="Operators: deliver a logged webhook event again, with the same event id.")
    async def replay_webhook_delivery(self, info: Info, input: ReplayWebhookDeliveryInput) -> WebhookDelivery:
        member = await operator_member(info)
        if not EVENT_ID.fullmatch(str(input.event_id)):
            raise BadInputError("eventId: not a valid event id", field="eventId")
        read = await info.context.services.content.replay_webhook(member.community_id, input.event_id, member.id)
        return WebhookDelivery.from_read(read)
