"""Sends one webhook delivery over HTTP: signed per Standard Webhooks, to an address checked at send time.

A crisis webhook (configured with `configureWebhook`) also gets the old `X-Webhook-*` headers, so receivers
written for them keep working while they move to the standard ones.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx

from content_service.domain.signing import sign
from content_service.domain.webhooks import standard_headers
from content_service.service.webhook_targets import check_webhook_url, pinned_request
from infra.errors import BadInputError

Doc = dict[str, Any]
EVENT_ID_HEADER = "X-Webhook-Id"
TIMESTAMP_HEADER = "X-Webhook-Timestamp"
SIGNATURE_HEADER = "X-Webhook-Signature"


@dataclass(frozen=True)
class Outcome:
    """One attempt, as the delivery log keeps it."""

    ok: bool
    status_code: int | None
    latency_ms: float
    detail: str


class WebhookSender:
    def __init__(
        self,
        *,
        timeout: float,
        transport: httpx.AsyncBaseTransport | None = None,
        production: bool = False,
        allow_loopback: bool = False,
    ) -> None:
        self.timeout = timeout
        self.production = production
        self.allow_loopback = allow_loopback
        # Tests may replace the transport to play the receiver.
        self.transport = transport

    def headers(self, endpoint: Doc, delivery: Doc, at: datetime) -> dict[str, str]:
        body: str = delivery["body"]
        headers = {
            "Content-Type": "application/json",
            **standard_headers(endpoint["secret"], delivery["event_id"], at, body),
        }
        if endpoint.get("legacy"):
            timestamp = int(at.timestamp())
            headers[EVENT_ID_HEADER] = delivery["event_id"]
            headers[TIMESTAMP_HEADER] = str(timestamp)
            headers[SIGNATURE_HEADER] = sign(endpoint["secret"], timestamp, body.encode())
        return headers

    async def send(self, endpoint: Doc, delivery: Doc, at: datetime) -> Outcome:
        """POST the delivery's body; 2xx is a success, anything else (or no answer) a failure to retry."""
        try:
            # Checked again at send time (the host may resolve elsewhere since it was configured), and the
            # connection goes to an address so checked.
            addresses = await check_webhook_url(
                endpoint["url"], production=self.production, allow_loopback=self.allow_loopback
            )
        except BadInputError as exc:
            return Outcome(False, None, 0.0, str(exc))
        target = pinned_request(endpoint["url"], addresses)
        headers = {**self.headers(endpoint, delivery, at), **target.headers}
        started = time.perf_counter()
        try:
            async with httpx.AsyncClient(transport=self.transport, timeout=self.timeout) as http:
                response = await http.post(
                    target.url, content=delivery["body"].encode(), headers=headers, extensions=target.extensions
                )
        except httpx.HTTPError as exc:
            latency = (time.perf_counter() - started) * 1000
            return Outcome(False, None, round(latency, 2), f"{type(exc).__name__}: {exc}"[:300])
        latency = round((time.perf_counter() - started) * 1000, 2)
        ok = 200 <= response.status_code < 300
        return Outcome(ok, response.status_code, latency, f"receiver answered {response.status_code}")
