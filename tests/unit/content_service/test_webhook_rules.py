"""Webhook rules without I/O: the retry schedule, the disabling rule, one delivery id per event and endpoint,
and Standard Webhooks signatures that the library's own verifier accepts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from content_service.domain.webhooks import (
    delivery_id,
    message_body,
    new_secret,
    next_attempt,
    retry_delays,
    should_disable,
    standard_headers,
    unknown_event_types,
)

NOW = datetime(2026, 12, 5, 12, tzinfo=UTC)


def test_the_default_schedule_is_exponential_capped_and_spans_more_than_a_day() -> None:
    delays = retry_delays(base_seconds=30, factor=4, max_delay_seconds=8 * 3600, window_hours=24)
    assert delays == [30, 120, 480, 1920, 7680, 28800, 28800, 28800]
    assert sum(delays) >= 24 * 3600
    assert next_attempt(delays, 1, NOW) == NOW + timedelta(seconds=30)
    assert next_attempt(delays, len(delays) + 1, NOW) is None


def test_an_endpoint_is_disabled_only_after_both_the_hours_and_the_failures() -> None:
    since = NOW - timedelta(hours=24)

    def rule(failures: int, failing_since: datetime | None) -> bool:
        return should_disable(
            consecutive_failures=failures, failing_since=failing_since, now=NOW, after_failures=9, after_hours=24.0
        )

    assert rule(9, since)
    assert not rule(8, since)
    assert not rule(50, NOW - timedelta(hours=23))
    assert not rule(50, None)


def test_one_delivery_per_event_and_endpoint() -> None:
    assert delivery_id("e1", "p1") == delivery_id("e1", "p1")
    assert len({delivery_id("e1", "p1"), delivery_id("e1", "p2"), delivery_id("e2", "p1")}) == 3
    assert unknown_event_types(["content.published", "content.deleted"]) == ["content.deleted"]


def test_a_signed_message_verifies_and_a_stale_or_altered_one_does_not() -> None:
    secret = new_secret(b"k" * 24)
    body = message_body(
        event_id="e1", event_type="member.joined", community_id="c1", occurred_at=NOW, data={"a": 1}, legacy=False
    )
    fresh = datetime.now(UTC)
    assert Webhook(secret).verify(body, standard_headers(secret, "e1", fresh, body))["type"] == "member.joined"
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body, standard_headers(secret, "e1", fresh - timedelta(minutes=6), body))
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body.replace("c1", "c2"), standard_headers(secret, "e1", fresh, body))
