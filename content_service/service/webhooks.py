"""The outbox handler that delivers webhook events to a community's endpoint, signed over timestamp and body."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx

from content_service.domain.signing import sign
from content_service.service.webhook_targets import check_webhook_url, pinned_request
from content_service.store.crisis import CrisisStore

Doc = dict[str, Any]
EVENT_ID_HEADER = "X-Webhook-Id"
TIMESTAMP_HEADER = "X-Webhook-Timestamp"
SIGNATURE_HEADER = "X-Webhook-Signature"


def webhook_body(doc: Doc) -> bytes:
    """The same bytes on every redelivery of an event: only the timestamp header changes."""
    payload = {
        "id": doc["_id"],
        "type": doc["topic"],
        "communityId": doc["community_id"],
        "createdAt": doc["created_at"].isoformat(),
        "data": doc["payload"],
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str).encode()


class WebhookSender:
    def __init__(
        self,
        store: CrisisStore,
        *,
        timeout: float,
        transport: httpx.AsyncBaseTransport | None = None,
        production: bool = False,
        allow_loopback: bool = False,
    ) -> None:
        self.store = store
        self.timeout = timeout
        self.production = production
        self.allow_loopback = allow_loopback
        # Tests replace the transport to play the receiver.
        self.transport = transport

    async def __call__(self, doc: Doc) -> str:
        hook = await self.store.get_webhook(doc["community_id"])
        if hook is None:
            return "no webhook configured"
        # Checked again at send time (the host may resolve elsewhere since it was configured), and the connection
        # goes to an address so checked.
        addresses = await check_webhook_url(hook["url"], production=self.production, allow_loopback=self.allow_loopback)
        target = pinned_request(hook["url"], addresses)
        body = webhook_body(doc)
        timestamp = int(time.time())
        headers = {
            "Content-Type": "application/json",
            EVENT_ID_HEADER: doc["_id"],
            TIMESTAMP_HEADER: str(timestamp),
            SIGNATURE_HEADER: sign(hook["secret"], timestamp, body),
            **target.headers,
        }
        async with httpx.AsyncClient(transport=self.transport, timeout=self.timeout) as http:
            response = await http.post(target.url, content=body, headers=headers, extensions=target.extensions)
        if response.status_code >= 300:
            raise RuntimeError(f"receiver answered {response.status_code}")
        return f"receiver answered {response.status_code}"
