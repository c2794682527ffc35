"""Webhook targets: production needs public https; development and tests may post to loopback."""

from __future__ import annotations

import pytest

from content_service.service.webhook_targets import PinnedRequest, check_webhook_url, pinned_request
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


def test_a_checked_url_is_pinned_to_its_address_with_the_name_kept_for_host_and_tls() -> None:
    pinned = pinned_request("https://hooks.example.com:8443/in?x=1", ["2606:2800:220:1::1", "93.184.216.34"])
    assert pinned.url == "https://93.184.216.34:8443/in?x=1"
    assert pinned.headers == {"Host": "hooks.example.com:8443"}
    assert pinned.extensions == {"sni_hostname": "hooks.example.com"}


def test_an_ipv6_only_host_is_pinned_in_brackets() -> None:
    assert pinned_request("https://hooks.example.com/in", ["2606:2800:220:1::1"]).url == (
        "https://[2606:2800:220:1::1]/in"
    )


def test_an_unchecked_url_is_sent_as_it_is() -> None:
    assert pinned_request("http://127.0.0.1:8080/hook", []) == PinnedRequest("http://127.0.0.1:8080/hook")
