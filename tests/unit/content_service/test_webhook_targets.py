"""Webhook targets: production needs public https; development and tests may post to loopback."""

from __future__ import annotations

import pytest

from content_service.crisis.targets import check_webhook_url
from infra.errors import BadInputError


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://10.0.0.5/hook",
        "https://192.168.1.1/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/hook",
        "https://0.0.0.0/hook",
    ],
)
async def test_production_refuses_private_loopback_and_link_local_targets(url: str) -> None:
    with pytest.raises(BadInputError, match="resolves to a private, loopback or reserved address"):
        await check_webhook_url(url, production=True)


async def test_production_needs_https() -> None:
    with pytest.raises(BadInputError, match="url: webhooks need https in production"):
        await check_webhook_url("http://93.184.216.34/hook", production=True)


async def test_production_accepts_a_public_https_address() -> None:
    assert await check_webhook_url("https://93.184.216.34/hook", production=True) == ["93.184.216.34"]


async def test_development_allows_loopback() -> None:
    assert await check_webhook_url("http://127.0.0.1:8080/hook", production=False) == []
