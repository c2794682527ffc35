"""A member's side of the feature matrix, from their last engagements before t: the one definition that
training (`history.MemberHistory`) and serving (`service/member_state.py`) both call, so a member's features are
the same number on both sides for the same moment.

Serving reads a member's last HISTORY_LIMIT engagements (the feed's bounded read), so every member feature is
defined over those and nothing older: training cuts its full history to the same window.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from distribution_service.ranking.features import MemberState, shares_of

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
    # Each engagement's row of `text`, when `text` holds each engaged item once (serving: an item engaged with
    # again is stacked once); None: `text` has one row per engagement, in order.
    text_of: np.ndarray | None = None

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
            self.text if self.text_of is not None or self.text is None else self.text[lo:],
            None if self.text_of is None else self.text_of[lo:],
        )

    def text_counts(self) -> np.ndarray | None:
        """How many engagements each row of `text` stands for (None: one each)."""
        if self.text_of is None or self.text is None:
            return None
        return np.bincount(self.text_of, minlength=self.text.shape[0])


@dataclass(frozen=True)
class MemberProfile:
    """What a member's engagements say of them whatever the moment: the part of `member_state_at` that does not
    read t (serving keeps it while the engagements are the same: service/member_state.py)."""

    tag_affinity: dict[str, float]
    author_affinity: dict[str, float]
    kind_affinity: dict[str, float]
    answer_share: float
    text_counts: np.ndarray | None
    typical_age_days: float


def member_profile(engaged: Engagements) -> MemberProfile:
    """`member_state_at`'s moment-free part of a non-empty history."""
    tag_affinity, author_affinity, kind_affinity = _affinities(engaged)
    return MemberProfile(
        tag_affinity=tag_affinity,
        author_affinity=author_affinity,
        kind_affinity=kind_affinity,
        answer_share=float(np.count_nonzero(engaged.strongest) / len(engaged)),
        text_counts=engaged.text_counts(),
        typical_age_days=median(engaged.times - engaged.created) / DAY,
    )


def member_state_at(
    member_id: str, t: float, engaged: Engagements, *, empty_text: Any = None, profile: MemberProfile | None = None
) -> MemberState:
    """What the member's last engagements before t say of them. `empty_text` is the text index's empty row set
    (None when there is no index), so a member without history reads as "no text", not "unknown". `profile`:
    `member_profile(engaged)` if the caller kept it (read-only: states made from it share its mappings)."""
    if len(engaged) == 0:
        return MemberState(member_id=member_id, text_history=empty_text)
    times, weights = engaged.times, engaged.weights
    recent = times >= t - 30 * DAY
    profile = member_profile(engaged) if profile is None else profile
    return MemberState(
        member_id=member_id,
        tenure_days=max(0.0, (t - float(times[0])) / DAY),
        recency_days=max(0.0, (t - float(times[-1])) / DAY),
        frequency_30d=float(recent.sum()),
        engagement_30d=float(weights[recent].sum()),
        history_size=float(len(engaged)),
        tag_affinity=profile.tag_affinity,
        author_affinity=profile.author_affinity,
        kind_affinity=profile.kind_affinity,
        answer_share=profile.answer_share,
        text_history=engaged.text,
        text_counts=profile.text_counts,
        typical_age_days=profile.typical_age_days,
    )


def median(values: np.ndarray) -> float:
    """`float(np.median(values))` of a non-empty column, from one sort: the same number (the middle value, or the
    two middle ones added and halved as numpy's mean of them does; NaN if any is NaN) at a fraction of numpy's
    general path's cost on a hundred values."""
    ordered = np.sort(values)
    half = len(ordered) // 2
    if np.isnan(ordered[-1]):
        return math.nan
    if len(ordered) % 2:
        return float(ordered[half])
    return float((ordered[half - 1] + ordered[half]) / 2)


def _affinities(engaged: Engagements) -> tuple[dict[str, float], dict[str, float], dict[str, float]]:
    """The member's shares of engagement weight per tag, author and kind (`features.shares` of each), summed in one
    pass over the engagements: the same numbers as three `shares` calls, with a third of the Python work."""
    tags: dict[str, float] = {}
    authors: dict[str, float] = {}
    kinds: dict[str, float] = {}
    for item_tags, author, kind, weight in zip(
        engaged.tags, engaged.author_ids, engaged.kinds, np.asarray(engaged.weights, dtype=float).tolist(), strict=True
    ):
        for tag in item_tags:
            tags[tag] = tags.get(tag, 0.0) + weight
        authors[author] = authors.get(author, 0.0) + weight
        kinds[kind] = kinds.get(kind, 0.0) + weight
    return shares_of(tags), shares_of(authors), shares_of(kinds)
