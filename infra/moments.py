"""Moments as aware UTC datetimes, wherever they come from.

PyMongo hands back naive datetimes unless its client is `tz_aware` (a script's, a test's), and a client's ISO 8601
string may carry no offset; the platform stores and compares UTC, so a naive moment is read as UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime


def as_utc(moment: datetime) -> datetime:
    """`moment` itself when it is aware, else the same wall-clock moment in UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
