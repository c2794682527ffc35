"""A member's side of the feature matrix, from their last engagements before t: the one definition that
training (`history.MemberHistory`) and serving (`service/member_state.py`) both call, so a member's features are
the same number on both sides for the same moment.

Serving reads a member's last HISTORY_LIMIT engagements (the feed's bounded read), so every member feature is
defined over those and nothing older: training cuts its full history to the same window.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from distribution_service.ranking.features import MemberState, shares

DAY = 86_400.0
# How many of the member's latest engagements their features read (RANKING_HISTORY_LIMIT at serving).
HISTORY_LIMIT = 100


def known_at(t: float) -> float:
    """When an event stamped at epoch second t became known. One dated exactly at midnight carries a day, not a
    time (Stack Exchange favourites, accepts and votes): it happened at the start of its day but is known only
    from the next day (features never see it earlier)."""
    return t + DAY if t % DAY == 0 else t


@dataclass(frozen=True)
class Engagements:
    """A member's engagements known before t, oldest first (the last `HISTORY_LIMIT` of them)."""

    times: np.ndarray
    weights: np.ndarray
    strongest: np.ndarray
    # Each engaged item's creation (epoch seconds), tags, author and kind.
    created: np.ndarray
    tags: Sequence[Sequence[str]]
    author_ids: Sequence[str]
    kinds: Sequence[str]
    # The engaged items' text rows (scipy CSR, L2-normalised), or None without a text index.
    text: Any = None

    def __len__(self) -> int:
        return len(self.times)

    def last(self, limit: int) -> Engagements:
        if len(self) <= limit:
            return self
        lo = len(self) - limit
        return Engagements(
            self.times[lo:],
            self.weights[lo:],
            self.strongest[lo:],
            self.created[lo:],
            self.tags[lo:],
            self.author_ids[lo:],
            self.kinds[lo:],
            None if self.text is None else self.text[lo:],
        )


def member_state_at(member_id: str, t: float, engaged: Engagements, *, empty_text: Any = None) -> MemberState:
    """What the member's last engagements before t say of them. `empty_text` is the text index's empty row set
    (None when there is no index), so a member without history reads as "no text", not "unknown"."""
    if len(engaged) == 0:
        return MemberState(member_id=member_id, text_history=empty_text)
    times, weights = engaged.times, engaged.weights
    recent = times >= t - 30 * DAY
    tag_keys = [tag for tags in engaged.tags for tag in tags]
    tag_w = [float(w) for tags, w in zip(engaged.tags, weights, strict=True) for _ in tags]
    return MemberState(
        member_id=member_id,
        tenure_days=max(0.0, (t - float(times[0])) / DAY),
        recency_days=max(0.0, (t - float(times[-1])) / DAY),
        frequency_30d=float(recent.sum()),
        engagement_30d=float(weights[recent].sum()),
        history_size=float(len(engaged)),
        tag_affinity=shares(tag_keys, tag_w),
        author_affinity=shares(list(engaged.author_ids), list(weights)),
        kind_affinity=shares(list(engaged.kinds), list(weights)),
        answer_share=float(np.count_nonzero(engaged.strongest) / len(engaged)),
        text_history=engaged.text,
        typical_age_days=float(np.median(times - engaged.created)) / DAY,
    )
