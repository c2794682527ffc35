"""What is known of a member at the moment of a decision, from their logged engagement history."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import numpy as np

from distribution_service.domain.honeycomb import ENGAGEMENT_WEIGHT, EventType
from distribution_service.ranking.features import MemberState, shares
from distribution_service.store import Doc

DAY = 86_400.0


def member_state(member_id: str, history: list[Doc], now: datetime) -> MemberState:
    """Tenure, recency, 30-day frequency and engagement, and affinity shares from the member's latest events."""
    if not history:
        return MemberState(member_id=member_id)
    times = np.array([aware(d["occurred_at"]).timestamp() for d in history])
    weights = np.array([ENGAGEMENT_WEIGHT[EventType(d["type"])] for d in history])
    recent = times >= now.timestamp() - 30 * DAY
    tag_keys = [t for d in history for t in d.get("tags") or []]
    tag_w = [float(w) for d, w in zip(history, weights, strict=True) for _ in d.get("tags") or []]
    return MemberState(
        member_id=member_id,
        tenure_days=max(0.0, (now.timestamp() - times.min()) / DAY),
        recency_days=max(0.0, (now.timestamp() - times.max()) / DAY),
        frequency_30d=float(recent.sum()),
        engagement_30d=float(weights[recent].sum()),
        history_size=float(len(history)),
        tag_affinity=shares(tag_keys, tag_w),
        author_affinity=shares([str(d.get("author_id") or "") for d in history], list(weights)),
        kind_affinity=shares([str(d.get("kind") or "") for d in history], list(weights)),
    )


def with_profile(state: MemberState, now: datetime, joined: datetime | None, tier: str | None) -> MemberState:
    """`state` with the member's tier, and their tenure counted from the earlier of their join and first event."""
    tenure = state.tenure_days if joined is None else max(state.tenure_days, (now - joined).total_seconds() / DAY)
    return replace(state, tier=tier, tenure_days=max(0.0, tenure))


def aware(value: datetime) -> datetime:
    """A datetime read back from the database, as UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)
