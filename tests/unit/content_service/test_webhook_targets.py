"""Webhook targets: globally routable addresses in every mode (loopback only by an explicit development setting);
production also needs https."""

from __future__ import annotations

import pytest

from content_service.service.webhook_targets import PinnedRequest, check_webhook_url, pinned_request, refusal
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


NOT_ROUTABLE = [
    ("169.254.169.254", "a cloud metadata address"),
    ("100.100.100.200", "a cloud metadata address"),
    ("fd00:ec2::254", "a cloud metadata address"),
    ("100.64.0.1", "a shared (CGNAT) address"),
    ("100.127.255.254", "a shared (CGNAT) address"),
    ("2002:a9fe:a9fe::1", "a cloud metadata address"),  # 6to4 form of 169.254.169.254
    ("2002:0a00:0001::1", "not a globally routable address"),  # 6to4 form of 10.0.0.1
    ("2001:0:4136:e378:8000:63bf:3fff:fdd2", "a Teredo address"),
    ("64:ff9b::a9fe:a9fe", "a cloud metadata address"),  # NAT64 form of 169.254.169.254
    ("64:ff9b::7f00:1", "a loopback address"),  # NAT64 form of 127.0.0.1
    ("::ffff:169.254.169.254", "a cloud metadata address"),
    ("::ffff:10.0.0.1", "not a globally routable address"),
    ("::169.254.169.254", "not a globally routable address"),
    ("10.1.2.3", "not a globally routable address"),
    ("172.16.0.1", "not a globally routable address"),
    ("192.0.2.10", "not a globally routable address"),
    ("fe80::1%eth0", "not a globally routable address"),
    ("fc00::1", "not a globally routable address"),
    ("224.0.1.1", "not a globally routable address"),
    ("127.0.0.1", "a loopback address"),
    ("::1", "a loopback address"),
]


@pytest.mark.parametrize(("address", "reason"), NOT_ROUTABLE)
def test_addresses_that_are_not_globally_routable_are_refused_with_the_reason(address: str, reason: str) -> None:
    assert refusal(address) == reason


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:2800:220:1::1", "2002:5db8:d822::1", "::ffff:8.8.8.8"])
def test_globally_routable_addresses_and_their_transition_forms_are_accepted(address: str) -> None:
    assert refusal(address) is None


@pytest.mark.parametrize("production", [False, True])
@pytest.mark.parametrize(
    "url",
    [
        "https://169.254.169.254/latest/meta-data",
        "https://100.100.100.200/latest/meta-data",
        "https://[fd00:ec2::254]/latest",
        "https://100.64.0.1/hook",
        "https://[2002:a9fe:a9fe::1]/hook",
        "https://[64:ff9b::a9fe:a9fe]/hook",
        "https://[::ffff:169.254.169.254]/hook",
        "https://127.0.0.1/hook",
    ],
)
async def test_every_mode_refuses_metadata_cgnat_transition_forms_and_loopback(url: str, production: bool) -> None:
    with pytest.raises(BadInputError, match="resolves to a private, loopback or reserved address"):
        await check_webhook_url(url, production=production)


async def test_development_allows_loopback_only_by_the_explicit_setting() -> None:
    assert await check_webhook_url("http://127.0.0.1:8080/hook", production=False, allow_loopback=True) == ["127.0.0.1"]
    with pytest.raises(BadInputError, match="a loopback address"):
        await check_webhook_url("http://127.0.0.1:8080/hook", production=False)


async def test_the_loopback_setting_never_opens_loopback_in_production() -> None:
    with pytest.raises(BadInputError, match="a loopback address"):
        await check_webhook_url("https://127.0.0.1/hook", production=True, allow_loopback=True)


async def test_the_loopback_setting_does_not_open_metadata_or_private_ranges() -> None:
    with pytest.raises(BadInputError, match="a cloud metadata address"):
        await check_webhook_url("http://169.254.169.254/", production=False, allow_loopback=True)
    with pytest.raises(BadInputError, match="not a globally routable address"):
        await check_webhook_url("http://10.0.0.5/", production=False, allow_loopback=True)


async def test_development_accepts_a_public_http_address() -> None:
    assert await check_webhook_url("http://93.184.216.34/hook", production=False) == ["93.184.216.34"]


async def test_a_target_that_is_not_http_is_refused() -> None:
    with pytest.raises(BadInputError, match="need http or https"):
        await check_webhook_url("ftp://93.184.216.34/hook", production=False)


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
