"""infra/moments.py: naive moments are read as UTC; aware ones are kept as they are."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from infra.moments import as_utc


def test_a_naive_moment_is_read_as_utc() -> None:
    assert as_utc(datetime(2026, 12, 7, 23, 0)) == datetime(2026, 12, 7, 23, 0, tzinfo=UTC)
    assert as_utc(datetime(2026, 12, 7, 23, 0)).tzinfo is UTC


def test_an_aware_moment_is_kept_with_its_offset() -> None:
    tokyo = datetime(2026, 12, 8, 8, 0, tzinfo=timezone(timedelta(hours=9)))
    assert as_utc(tokyo) is tokyo
    assert as_utc(tokyo) == datetime(2026, 12, 7, 23, 0, tzinfo=UTC)
