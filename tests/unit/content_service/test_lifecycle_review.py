"""Entry review runs on SUBMIT and on a member's PUBLISH of a draft; PUBLISH with reasons lands on REVIEW."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from content_service.domain.kinds import ContentStatus
from content_service.domain.lifecycle import Action, needs_entry_review, target_status

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def test_member_publishing_a_draft_runs_entry_review() -> None:
    assert needs_entry_review(Action.PUBLISH, ContentStatus.DRAFT, is_operator=False) is True


def test_operator_publishing_a_draft_skips_entry_review() -> None:
    assert needs_entry_review(Action.PUBLISH, ContentStatus.DRAFT, is_operator=True) is False


def test_publishing_a_scheduled_piece_skips_entry_review() -> None:
    assert needs_entry_review(Action.PUBLISH, ContentStatus.SCHEDULED, is_operator=False) is False


def test_publish_with_review_reasons_lands_on_review() -> None:
    assert target_status(Action.PUBLISH, publish_at=None, now=NOW, needs_review=True) == ContentStatus.REVIEW


async def test_the_client_refuses_dot_segments_before_any_request() -> None:
    import httpx

    from content_service.client import ContentClient
    from infra.errors import BadInputError

    def no_request(request: httpx.Request) -> httpx.Response:
        raise AssertionError(f"no request expected, got {request.url}")

    client = ContentClient("http://content.test", transport=httpx.MockTransport(no_request))
    with pytest.raises(BadInputError, match="incidentId: '..' is not a valid identifier") as refused:
        await client.incident("0" * 24, "..")
    assert refused.value.field == "incidentId"


def test_month_bounds_refuses_years_datetime_cannot_hold() -> None:
    from content_service.domain.scoring import month_bounds

    with pytest.raises(ValueError, match="month is out of range"):
        month_bounds("9999-12")


def test_a_one_piece_corpus_still_fits() -> None:
    from content_service.domain.assist import TfidfIndex

    index = TfidfIndex(["chain wear gauge"], [["chain"]])
    assert index.suggest_tags("chain wear", k=1) == [("chain", 0.7746)]
