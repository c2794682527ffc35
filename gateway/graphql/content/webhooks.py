"""Webhook endpoints: operators (or partner keys with webhooks:manage) register URLs for event types, read the
delivery log and notices. The crisis operations (`configureWebhook`, `webhookDeliveries`,
`replayWebhookDelivery`) live beside the incidents and are served by the same endpoints."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from content_service.schemas import (
    WEBHOOK_EVENT_TYPES,
    EndpointCreate,
    EndpointRead,
    EndpointUpdate,
    NoticeRead,
)
from gateway.context import Info
from gateway.graphql.arguments import CommunityArg
from gateway.graphql.pagination import check_first

EVENT_TYPES_TEXT = "Event type names, e.g. `content.published`, `member.joined` (see `webhookEventTypes`)."


@strawberry.type(description="A URL that receives the community's events of the chosen types, signed.")
class WebhookEndpoint:
    id: strawberry.ID = strawberry.field(description="The endpoint's id.")
    url: str = strawberry.field(description="Where events are POSTed (public addresses only; https in production).")
    event_types: list[str] = strawberry.field(description="The event types it receives.")
    description: str = strawberry.field(description="The operator's note about it.")
    enabled: bool = strawberry.field(description="False when turned off by an operator or after sustained failure.")
    legacy: bool = strawberry.field(
        description="True for the crisis webhook set with `configureWebhook` (it also gets the old X-Webhook-* "
        "headers)."
    )
    created_at: datetime = strawberry.field(description="When it was registered.")
    updated_at: datetime = strawberry.field(description="When it last changed.")
    disabled_at: datetime | None = strawberry.field(description="When it was disabled; null while enabled.")
    disabled_reason: str | None = strawberry.field(description="Why it was disabled; null while enabled.")
    consecutive_failures: int = strawberry.field(description="Failed attempts since its last success.")
    failing_since: datetime | None = strawberry.field(
        description="The first failure since its last success; null when the last attempt succeeded."
    )

    @staticmethod
    def from_read(r: EndpointRead) -> WebhookEndpoint:
        return WebhookEndpoint(
            id=strawberry.ID(r.id),
            url=r.url,
            event_types=r.event_types,
            description=r.description,
            enabled=r.enabled,
            legacy=r.legacy,
            created_at=r.created_at,
            updated_at=r.updated_at,
            disabled_at=r.disabled_at,
            disabled_reason=r.disabled_reason,
            consecutive_failures=r.consecutive_failures,
            failing_since=r.failing_since,
        )


@strawberry.type(description="One event type endpoints may subscribe to.")
class WebhookEventType:
    name: str = strawberry.field(description="The name to subscribe with and the body's `type`.")
    description: str = strawberry.field(description="The service that publishes it, and when.")


@strawberry.type(description="A message to the community's operators about its webhooks.")
class WebhookNotice:
    id: strawberry.ID = strawberry.field(description="The notice's id.")
    kind: str = strawberry.field(description="ENDPOINT_DISABLED: an endpoint was turned off after sustained failure.")
    endpoint_id: strawberry.ID = strawberry.field(description="The endpoint it is about.")
    url: str = strawberry.field(description="That endpoint's URL.")
    message: str = strawberry.field(description="What happened and what to do.")
    at: datetime = strawberry.field(description="When.")

    @staticmethod
    def from_read(r: NoticeRead) -> WebhookNotice:
        return WebhookNotice(
            id=strawberry.ID(r.id),
            kind=r.kind,
            endpoint_id=strawberry.ID(r.endpoint_id),
            url=r.url,
            message=r.message,
            at=r.at,
        )


@strawberry.type(description="A new endpoint and its signing secret: store the secret now, it is never shown again.")
class CreateWebhookEndpointPayload:
    endpoint: WebhookEndpoint = strawberry.field(description="The endpoint as listed from now on.")
    secret: str = strawberry.field(
        description="The Standard Webhooks signing secret (`whsec_` and base64); verify every delivery with it."
    )


@strawberry.type(description="The endpoint after the change.")
class UpdateWebhookEndpointPayload:
    endpoint: WebhookEndpoint = strawberry.field(description="The endpoint as it is now.")


@strawberry.type(description="The endpoint that was removed.")
class DeleteWebhookEndpointPayload:
    deleted_id: strawberry.ID = strawberry.field(description="The removed endpoint's id; its delivery log stays.")


@strawberry.input(description="Register an endpoint for some event types.")
class CreateWebhookEndpointInput:
    url: str = strawberry.field(description="A URL whose host resolves to public addresses only; https in production.")
    event_types: list[str] = strawberry.field(description=EVENT_TYPES_TEXT)
    description: str | None = strawberry.field(default=None, description="A note for operators, up to 200 characters.")
    community_id: strawberry.ID | None = strawberry.field(
        default=None, description="The caller's community (the only one allowed); implied when omitted."
    )


@strawberry.input(description="Change an endpoint; omitted fields stay as they are.")
class UpdateWebhookEndpointInput:
    id: strawberry.ID = strawberry.field(description="The endpoint's id.")
    url: str | None = strawberry.field(default=None, description="A new URL.")
    event_types: list[str] | None = strawberry.field(default=None, description="The new set of " + EVENT_TYPES_TEXT)
    description: str | None = strawberry.field(default=None, description="A new note.")
    enabled: bool | None = strawberry.field(
        default=None, description="False turns it off; true turns it on again and forgets its failure streak."
    )
    community_id: strawberry.ID | None = strawberry.field(
        default=None, description="The caller's community (the only one allowed); implied when omitted."
    )


@strawberry.input(description="Remove an endpoint.")
class DeleteWebhookEndpointInput:
    id: strawberry.ID = strawberry.field(description="The endpoint's id.")
    community_id: strawberry.ID | None = strawberry.field(
        default=None, description="The caller's community (the only one allowed); implied when omitted."
    )


@strawberry.type
class WebhookQuery:
    @strawberry.field(description="Operators and webhooks:manage keys: the community's webhook endpoints.")
    async def webhook_endpoints(
        self, info: Info, community_id: Annotated[strawberry.ID | None, CommunityArg] = None
    ) -> list[WebhookEndpoint]:
        cid = (await info.context.require_operator(community_id)).community_id
        return [WebhookEndpoint.from_read(e) for e in await info.context.services.content.webhook_endpoints(cid)]

    @strawberry.field(description="Operators and webhooks:manage keys: the event types endpoints may subscribe to.")
    async def webhook_event_types(
        self, info: Info, community_id: Annotated[strawberry.ID | None, CommunityArg] = None
    ) -> list[WebhookEventType]:
        await info.context.require_operator(community_id)
        return [WebhookEventType(name=name, description=text) for name, text in WEBHOOK_EVENT_TYPES.items()]

    @strawberry.field(description="Operators and webhooks:manage keys: notices about the webhooks, newest first.")
    async def webhook_notices(
        self,
        info: Info,
        first: Annotated[int, strawberry.argument(description="How many notices, 1-100.")] = 50,
        community_id: Annotated[strawberry.ID | None, CommunityArg] = None,
    ) -> list[WebhookNotice]:
        cid = (await info.context.require_operator(community_id)).community_id
        notices = await info.context.services.content.webhook_notices(cid, limit=check_first(first))
        return [WebhookNotice.from_read(n) for n in notices]


@strawberry.type
class WebhookMutation:
    @strawberry.mutation(
        description="Operators and webhooks:manage keys: register an endpoint; its secret is shown once."
    )
    async def create_webhook_endpoint(
        self, info: Info, input: CreateWebhookEndpointInput
    ) -> CreateWebhookEndpointPayload:
        actor = (await info.context.require_operator(input.community_id, as_member=True)).actor
        endpoint_in = EndpointCreate.model_validate(
            {
                "actor_id": actor.id,
                "url": input.url,
                "event_types": input.event_types,
                "description": input.description or "",
            }
        )
        created = await info.context.services.content.create_webhook_endpoint(actor.community_id, endpoint_in)
        return CreateWebhookEndpointPayload(endpoint=WebhookEndpoint.from_read(created.endpoint), secret=created.secret)

    @strawberry.mutation(description="Operators and webhooks:manage keys: change an endpoint, or turn it off or on.")
    async def update_webhook_endpoint(
        self, info: Info, input: UpdateWebhookEndpointInput
    ) -> UpdateWebhookEndpointPayload:
        actor = (await info.context.require_operator(input.community_id, as_member=True)).actor
        change = EndpointUpdate.model_validate(
            {
                "actor_id": actor.id,
                "url": input.url,
                "event_types": input.event_types,
                "description": input.description,
                "enabled": input.enabled,
            }
        )
        read = await info.context.services.content.update_webhook_endpoint(actor.community_id, str(input.id), change)
        return UpdateWebhookEndpointPayload(endpoint=WebhookEndpoint.from_read(read))

    @strawberry.mutation(description="Operators and webhooks:manage keys: remove an endpoint.")
    async def delete_webhook_endpoint(
        self, info: Info, input: DeleteWebhookEndpointInput
    ) -> DeleteWebhookEndpointPayload:
        actor = (await info.context.require_operator(input.community_id, as_member=True)).actor
        deleted = await info.context.services.content.delete_webhook_endpoint(
            actor.community_id, str(input.id), actor.id
        )
        return DeleteWebhookEndpointPayload(deleted_id=strawberry.ID(deleted))
