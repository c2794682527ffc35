"""A production webhook goes to the address its host resolved to when checked, never to a later DNS answer."""

from __future__ import annotations

import socket
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from content_service.service import webhook_targets
from content_service.service.webhooks import WebhookSender

PUBLIC = "93.184.216.34"
CREATED = datetime(2026, 11, 25, tzinfo=UTC)


async def test_delivery_connects_to_the_checked_address_with_the_hosts_name(monkeypatch: pytest.MonkeyPatch) -> None:
    answers = iter([PUBLIC, "127.0.0.1"])  # the second answer would rebind the name to loopback

    async def resolve(host: str, port: int, **_: Any) -> list[Any]:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), port))]

    monkeypatch.setattr(webhook_targets.anyio, "getaddrinfo", resolve)
    sent: list[httpx.Request] = []

    def receiver(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(204)

    endpoint = {"url": "https://hooks.example.com/in", "secret": "s" * 32}
    sender = WebhookSender(timeout=5.0, transport=httpx.MockTransport(receiver), production=True)
    # when
    outcome = await sender.send(endpoint, {"event_id": "e1", "body": "{}"}, CREATED)
    # then
    assert (outcome.ok, outcome.status_code, outcome.detail) == (True, 204, "receiver answered 204")
    (request,) = sent
    assert (request.url.host, request.url.path) == (PUBLIC, "/in")
    assert request.headers["Host"] == "hooks.example.com"
    assert request.extensions["sni_hostname"] == "hooks.example.com"
