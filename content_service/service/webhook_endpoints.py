"""Webhook endpoints of a community, the events published to them, their delivery log and replays.

content_service owns every community's endpoints and deliveries: its own events come from its outbox (written in
the transaction of the change), users' and billing's through `ContentClient.publish_webhook_event` from theirs.
Publishing fans an event out to each enabled endpoint subscribed to its type, one delivery each; the
`WebhookWorker` sends them.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from bson import ObjectId
from bson.errors import InvalidId

from content_service.domain.webhooks import (
    EVENT_TYPES,
    LEGACY_EVENT_TYPES,
    delivery_id,
    message_body,
    new_secret,
    unknown_event_types,
)
from content_service.schemas.crisis import DeliveryAttempt, DeliveryRead, WebhookConfig, WebhookRead
from content_service.schemas.webhooks import (
    EndpointCreate,
    EndpointCreated,
    EndpointRead,
    EndpointUpdate,
    EventPublished,
    NoticeRead,
    ReplayRequest,
    SubscribedTypes,
    WebhookEventIn,
)
from content_service.service.webhook_targets import check_webhook_url
from content_service.store import ContentStore
from content_service.store.webhooks import PENDING
from infra.errors import BadInputError, ConflictError, NotFoundError

Doc = dict[str, Any]


def endpoint_not_found(endpoint_id: object) -> NotFoundError:
    return NotFoundError(f"no webhook endpoint {endpoint_id} in this community", field="id")


def delivery_not_found(name: object, field: str) -> NotFoundError:
    return NotFoundError(f"no webhook delivery {name} in this community", field=field)


def endpoint_read(doc: Doc) -> EndpointRead:
    return EndpointRead(
        id=str(doc["_id"]),
        url=doc["url"],
        event_types=list(doc.get("event_types", [])),
        description=doc.get("description", ""),
        enabled=bool(doc.get("enabled", True)),
        legacy=bool(doc.get("legacy", False)),
        created_at=doc["created_at"],
        updated_at=doc.get("updated_at", doc["created_at"]),
        disabled_at=doc.get("disabled_at"),
        disabled_reason=doc.get("disabled_reason"),
        consecutive_failures=int(doc.get("consecutive_failures", 0)),
        failing_since=doc.get("failing_since"),
    )


def delivery_read(doc: Doc) -> DeliveryRead:
    return DeliveryRead(
        id=doc["_id"],
        endpoint_id=str(doc["endpoint_id"]),
        event_id=doc["event_id"],
        topic=doc["topic"],
        status=doc["status"],
        attempts=int(doc.get("attempts", 0)),
        created_at=doc["created_at"],
        delivered_at=doc.get("delivered_at"),
        last_error=doc.get("last_error"),
        last_status_code=doc.get("last_status_code"),
        next_attempt_at=doc["next_attempt_at"],
        log=[DeliveryAttempt.model_validate(a) for a in doc.get("attempts_log", [])],
    )


def _checked_types(event_types: list[str]) -> list[str]:
    if not event_types:
        raise BadInputError("eventTypes: subscribe to at least one event type", field="eventTypes")
    unknown = unknown_event_types(event_types)
    if unknown:
        known = ", ".join(EVENT_TYPES)
        raise BadInputError(f"eventTypes: unknown {', '.join(unknown)} (known: {known})", field="eventTypes")
    return list(dict.fromkeys(event_types))


def _object_id(value: str, field: str) -> ObjectId:
    try:
        return ObjectId(value)
    except (InvalidId, TypeError) as exc:
        raise BadInputError(f"{field}: not a valid id", field=field) from exc


class WebhooksService:
    def __init__(
        self,
        store: ContentStore,
        *,
        production_env: bool = False,
        allow_loopback: bool = False,
    ) -> None:
        self.store = store
        self.production_env = production_env
        self.allow_loopback = allow_loopback
        # Set by the app to wake the delivery worker once deliveries are queued.
        self.on_queued: Callable[[], None] = lambda: None

    async def _check_url(self, url: str) -> None:
        await check_webhook_url(url, production=self.production_env, allow_loopback=self.allow_loopback)

    # Endpoints (operators and keys with webhooks:manage, checked by the gateway) ----------------------------

    async def create(self, community_id: ObjectId, endpoint_in: EndpointCreate) -> EndpointCreated:
        types = _checked_types(endpoint_in.event_types)
        await self._check_url(str(endpoint_in.url))
        now = datetime.now(UTC)
        secret = new_secret(secrets.token_bytes(24))
        doc = await self.store.webhooks.insert_endpoint(
            {
                "_id": ObjectId(),
                "community_id": community_id,
                "url": str(endpoint_in.url),
                "event_types": types,
                "description": endpoint_in.description,
                "secret": secret,
                "enabled": True,
                "legacy": False,
                "consecutive_failures": 0,
                "created_at": now,
                "updated_at": now,
            }
        )
        await self._audit(community_id, endpoint_in.actor_id, "WEBHOOK_ENDPOINT_CREATED", str(doc["_id"]), doc)
        return EndpointCreated(endpoint=endpoint_read(doc), secret=secret)

    async def list_endpoints(self, community_id: ObjectId) -> list[EndpointRead]:
        return [endpoint_read(d) for d in await self.store.webhooks.list_endpoints(community_id)]

    async def get_or_raise(self, community_id: ObjectId, endpoint_id: ObjectId) -> Doc:
        doc = await self.store.webhooks.get_endpoint(community_id, endpoint_id)
        if doc is None:
            raise endpoint_not_found(endpoint_id)
        return doc

    async def update(self, community_id: ObjectId, endpoint_id: ObjectId, change: EndpointUpdate) -> EndpointRead:
        await self.get_or_raise(community_id, endpoint_id)
        fields: Doc = {"updated_at": datetime.now(UTC)}
        if change.event_types is not None:
            fields["event_types"] = _checked_types(change.event_types)
        if change.url is not None:
            await self._check_url(str(change.url))
            fields["url"] = str(change.url)
        if change.description is not None:
            fields["description"] = change.description
        if change.enabled is not None:
            fields["enabled"] = change.enabled
            if change.enabled:  # a fresh start: the failure streak and the disabling are forgotten
                fields.update(consecutive_failures=0, failing_since=None, disabled_at=None, disabled_reason=None)
        doc = await self.store.webhooks.update_endpoint(community_id, endpoint_id, fields)
        if doc is None:
            raise endpoint_not_found(endpoint_id)
        detail = {k: v for k, v in fields.items() if k in ("url", "event_types", "description", "enabled")}
        await self._audit(community_id, change.actor_id, "WEBHOOK_ENDPOINT_UPDATED", str(endpoint_id), detail)
        return endpoint_read(doc)

    async def delete(self, community_id: ObjectId, endpoint_id: ObjectId, actor_id: str | None) -> str:
        """Remove the endpoint; its pending deliveries fail at their next turn (the log stays)."""
        if not await self.store.webhooks.delete_endpoint(community_id, endpoint_id):
            raise endpoint_not_found(endpoint_id)
        await self._audit(community_id, actor_id, "WEBHOOK_ENDPOINT_DELETED", str(endpoint_id), {})
        return str(endpoint_id)

    # The crisis webhook: one endpoint per community, every event type, the operator's own secret -----------

    async def configure_legacy(self, community_id: ObjectId, config: WebhookConfig) -> WebhookRead:
        await self._check_url(str(config.url))
        now = datetime.now(UTC)
        fields = {
            "url": str(config.url),
            "secret": config.secret,
            "event_types": list(LEGACY_EVENT_TYPES),
            "enabled": True,
            "updated_at": now,
            "configured_at": now,
            "consecutive_failures": 0,
            "failing_since": None,
            "disabled_at": None,
            "disabled_reason": None,
        }
        on_insert = {"_id": ObjectId(), "created_at": now, "description": "crisis webhook (configureWebhook)"}
        await self.store.webhooks.upsert_legacy(community_id, fields, on_insert)
        await self._audit(
            community_id, config.actor_id, "WEBHOOK_CONFIGURED", str(community_id), {"url": str(config.url)}
        )
        return WebhookRead(url=str(config.url), configured_at=now)

    async def adopt_legacy(self) -> int:
        """Crisis webhooks configured before endpoints existed become endpoints (once; idempotent)."""
        adopted = 0
        for old in await self.store.crisis.list_webhooks():
            try:
                community_id = ObjectId(old["_id"])
            except (InvalidId, TypeError):
                continue
            now = old.get("configured_at") or datetime.now(UTC)
            on_insert = {
                "_id": ObjectId(),
                "created_at": now,
                "description": "crisis webhook (configureWebhook)",
                "url": old["url"],
                "secret": old["secret"],
                "event_types": list(LEGACY_EVENT_TYPES),
                "enabled": True,
                "updated_at": now,
                "consecutive_failures": 0,
            }
            await self.store.webhooks.upsert_legacy(community_id, {}, on_insert)
            adopted += 1
        return adopted

    # Events ----------------------------------------------------------------------------------------------------

    async def subscribed_types(self, community_id: ObjectId) -> SubscribedTypes:
        """What publishers ask before queueing: events nobody subscribed to need not travel."""
        return SubscribedTypes(types=await self.store.webhooks.subscribed_types(community_id))

    async def publish(self, community_id: ObjectId, event: WebhookEventIn) -> EventPublished:
        """An event from another service's outbox; publishing it again queues nothing new."""
        if event.type not in EVENT_TYPES:
            raise BadInputError(f"type: unknown event type {event.type}", field="type")
        queued = await self.fan_out(community_id, event.id, event.type, event.occurred_at, event.data)
        return EventPublished(queued=queued)

    async def fan_out(
        self, community_id: ObjectId, event_id: str, event_type: str, occurred_at: datetime, data: Doc
    ) -> int:
        """One delivery per enabled endpoint subscribed to the type, each with its body fixed from now on."""
        endpoints = await self.store.webhooks.subscribed(community_id, event_type)
        now = datetime.now(UTC)
        docs = [
            {
                "_id": delivery_id(event_id, str(ep["_id"])),
                "community_id": community_id,
                "endpoint_id": ep["_id"],
                "event_id": event_id,
                "topic": event_type,
                "body": message_body(
                    event_id=event_id,
                    event_type=event_type,
                    community_id=str(community_id),
                    occurred_at=occurred_at,
                    data=data,
                    legacy=bool(ep.get("legacy")),
                ),
                "status": PENDING,
                "attempts": 0,
                "round_attempts": 0,
                "attempts_log": [],
                "next_attempt_at": now,
                "created_at": now,
                "delivered_at": None,
                "last_error": None,
                "last_status_code": None,
            }
            for ep in endpoints
        ]
        queued = await self.store.webhooks.insert_deliveries(docs)
        if queued:
            self.on_queued()
        return queued

    async def outbox_handler(self, doc: Doc) -> str:
        """content_service's own events: its outbox relay hands each one over here, at least once."""
        queued = await self.fan_out(
            ObjectId(doc["community_id"]), doc["_id"], doc["topic"], doc["created_at"], doc.get("payload", {})
        )
        return f"queued {queued} deliveries"

    # The log and replays ---------------------------------------------------------------------------------------

    async def deliveries(
        self, community_id: ObjectId, *, endpoint_id: str | None = None, limit: int = 50
    ) -> list[DeliveryRead]:
        endpoint = _object_id(endpoint_id, "endpointId") if endpoint_id else None
        docs = await self.store.webhooks.list_deliveries(community_id, endpoint_id=endpoint, limit=limit)
        return [delivery_read(d) for d in docs]

    async def replay(self, community_id: ObjectId, request: ReplayRequest) -> DeliveryRead:
        """Send a logged delivery again: same webhook-id, same body, a fresh signature and retry schedule."""
        doc = await self._delivery_to_replay(community_id, request)
        endpoint = await self.store.webhooks.get_endpoint(community_id, doc["endpoint_id"])
        if endpoint is None:
            raise ConflictError("the delivery's endpoint was deleted", field="deliveryId")
        if not endpoint.get("enabled", True):
            raise ConflictError("the delivery's endpoint is disabled: enable it first", field="deliveryId")
        updated = await self.store.webhooks.requeue(community_id, doc["_id"], at=datetime.now(UTC))
        if updated is None:
            raise delivery_not_found(doc["_id"], "deliveryId")
        await self._audit(community_id, request.actor_id, "WEBHOOK_REPLAYED", doc["_id"], {"eventId": doc["event_id"]})
        self.on_queued()
        return delivery_read(updated)

    async def _delivery_to_replay(self, community_id: ObjectId, request: ReplayRequest) -> Doc:
        if request.delivery_id:
            doc = await self.store.webhooks.get_delivery(community_id, request.delivery_id)
            if doc is None:
                raise delivery_not_found(request.delivery_id, "deliveryId")
            return doc
        if not request.event_id:
            raise BadInputError("name the delivery: deliveryId (or eventId)", field="deliveryId")
        docs = await self.store.webhooks.by_event(community_id, request.event_id)
        if not docs:
            raise delivery_not_found(request.event_id, "eventId")
        if len(docs) == 1:
            return docs[0]
        legacy = [d for d in docs if await self._is_legacy(community_id, d["endpoint_id"])]
        if len(legacy) == 1:
            return legacy[0]
        raise BadInputError(
            f"event {request.event_id} went to {len(docs)} endpoints: name one with deliveryId", field="deliveryId"
        )

    async def _is_legacy(self, community_id: ObjectId, endpoint_id: ObjectId) -> bool:
        endpoint = await self.store.webhooks.get_endpoint(community_id, endpoint_id)
        return bool(endpoint and endpoint.get("legacy"))

    async def notices(self, community_id: ObjectId, *, limit: int) -> list[NoticeRead]:
        docs = await self.store.webhooks.list_notices(community_id, limit=limit)
        return [
            NoticeRead(
                id=str(d["_id"]),
                kind=d["kind"],
                endpoint_id=str(d["endpoint_id"]),
                url=d["url"],
                message=d["message"],
                at=d["at"],
            )
            for d in docs
        ]

    async def _audit(
        self, community_id: ObjectId, actor_id: str | None, action: str, target_id: str, detail: Doc
    ) -> None:
        safe = {k: v for k, v in detail.items() if k not in ("secret", "_id", "community_id")}
        await self.store.audit.add(
            community_id=community_id,
            actor_id=actor_id,
            action=action,
            target_type="WEBHOOK",
            target_id=target_id,
            detail={k: (str(v) if isinstance(v, ObjectId | datetime) else v) for k, v in safe.items()},
        )
