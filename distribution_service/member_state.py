"""What is known of a member at the moment of a decision, from their logged engagement history."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

from distribution_service.domain.honeycomb import ENGAGEMENT_WEIGHT, EventType
from distribution_service.ranking.features import MemberState, shares
from distribution_service.store import Doc

DAY = 86_400.0


def member_state(
    member_id: str, history: list[Doc], now: datetime, joined: datetime | None, tier: str | None
) -> MemberState:
    """Tenure, recency, 30-day frequency and engagement, and affinity shares from the member's latest events."""
    if not history:
        tenure = (now - joined).total_seconds() / DAY if joined else 0.0
        return MemberState(member_id=member_id, tier=tier, tenure_days=max(0.0, tenure))
    times = np.array([aware(d["occurred_at"]).timestamp() for d in history])
    weights = np.array([ENGAGEMENT_WEIGHT[EventType(d["type"])] for d in history])
    recent = times >= now.timestamp() - 30 * DAY
    first = min(times.min(), joined.timestamp()) if joined else times.min()
    tag_keys = [t for d in history for t in d.get("tags") or []]
    tag_w = [float(w) for d, w in zip(history, weights, strict=True) for _ in d.get("tags") or []]
    return MemberState(
        member_id=member_id,
        tier=tier,
        tenure_days=max(0.0, (now.timestamp() - first) / DAY),
        recency_days=max(0.0, (now.timestamp() - times.max()) / DAY),
        frequency_30d=float(recent.sum()),
        engagement_30d=float(weights[recent].sum()),
        history_size=float(len(history)),
        tag_affinity=shares(tag_keys, tag_w),
        author_affinity=shares([str(d.get("author_id") or "") for d in history], list(weights)),
        kind_affinity=shares([str(d.get("kind") or "") for d in history], list(weights)),
    )


def aware(value: datetime) -> datetime:
    """A datetime read back from the database, as UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)
