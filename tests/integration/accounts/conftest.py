"""A real SMTP server (aiosmtpd) on a free local port, and a gateway whose mail goes to it."""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
from collections.abc import AsyncIterator, Callable, Iterator
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from tests.conftest import running_gateway
from tests.factories import Api


class Inbox:
    """Every message the server accepted, parsed, in arrival order."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802 - aiosmtpd
        content = envelope.content if isinstance(envelope.content, bytes) else str(envelope.content).encode()
        message = email.message_from_bytes(content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        return "250 Message accepted for delivery"

    async def wait_for(self, to: str, *, count: int = 1) -> list[EmailMessage]:
        """The messages to `to` once there are `count` of them (polled, bounded: the relay wakes on commit)."""
        for _ in range(400):
            found = [m for m in self.messages if m["To"] == to]
            if len(found) >= count:
                return found
            await asyncio.sleep(0.025)
        raise AssertionError(f"no mail to {to} arrived; got {[m['To'] for m in self.messages]}")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.fixture
async def mail_api(make_settings: Callable[..., Any], smtp: tuple[Inbox, int]) -> AsyncIterator[tuple[Api, Inbox]]:
    """The gateway with MAIL_MODE=smtp pointed at the test's SMTP server."""
    inbox, port = smtp
    settings = make_settings(
        mail_mode="smtp",
        smtp_host="127.0.0.1",
        smtp_port=port,
        code_max_failures=100,
        mail_worker_interval_seconds=0.05,
    )
    async with running_gateway(settings) as api:
        yield api, inbox
