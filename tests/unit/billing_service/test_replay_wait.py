"""A twin request's wait ends before the gateway's service timeout, so its "in progress; retry" reaches the client."""

from __future__ import annotations

from billing_service.service import replay_wait_seconds
from infra.settings import Settings


def test_the_default_replay_wait_is_shorter_than_the_service_timeout() -> None:
    settings = Settings(mongodb_uri="mongodb://unused")
    assert replay_wait_seconds(settings) < settings.service_timeout_seconds


def test_a_configured_wait_longer_than_the_timeout_is_capped() -> None:
    settings = Settings(mongodb_uri="mongodb://unused", billing_replay_wait_seconds=60, service_timeout_seconds=4)
    assert replay_wait_seconds(settings) == 2.0


def test_a_short_configured_wait_is_kept() -> None:
    assert replay_wait_seconds(Settings(mongodb_uri="mongodb://unused", billing_replay_wait_seconds=1)) == 1.0
