"""What is known of a member at the moment of a decision, from their last engagements: training's definition
(`ranking.member_features.member_state_at`) applied to what the feed reads."""

from __future__ import annotations

from datetime import UTC, datetime

from scipy.sparse import csr_matrix

from distribution_service.ranking.features import MemberState
from distribution_service.ranking.member_features import HISTORY_LIMIT, Engagements, member_state_at
from distribution_service.ranking.text import N_FEATURES

# A member without engaged text reads this empty row set (shared, only ever read: a slot run made one per member).
EMPTY_TEXT = csr_matrix((0, N_FEATURES), dtype="float32")


def member_state(member_id: str, engaged: Engagements | None, now: datetime, *, limit: int) -> MemberState:
    """The member's features from their last engagements known before `now` (none: a newcomer): training's
    HISTORY_LIMIT of them, or `limit` (RANKING_HISTORY_LIMIT) if the feed reads fewer, which then differ from
    training's for members with more history."""
    empty_text = EMPTY_TEXT
    if engaged is None:
        return MemberState(member_id=member_id, text_history=empty_text)
    return member_state_at(member_id, now.timestamp(), engaged.last(min(limit, HISTORY_LIMIT)), empty_text=empty_text)


def aware(value: datetime) -> datetime:
    """A datetime read back from the database, as UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)
