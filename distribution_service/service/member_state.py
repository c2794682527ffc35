"""What is known of a member at the moment of a decision, from their last engagements: training's definition
(`ranking.member_features.member_state_at`) applied to what the feed reads."""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import datetime
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix

from distribution_service.ranking.features import ItemBlock, MemberState, pool_text_similarity
from distribution_service.ranking.member_features import (
    HISTORY_LIMIT,
    Engagements,
    MemberProfile,
    member_profile,
    member_state_at,
)
from distribution_service.ranking.text import N_FEATURES

# A member without engaged text reads this empty row set (shared, only ever read: a slot run made one per member).
EMPTY_TEXT = csr_matrix((0, N_FEATURES), dtype="float32")
# Members whose profile is kept (a feed's member: service/feature_inputs.py keeps their engagements as long).
PROFILES_KEPT = 1_000


class MemberProfiles:
    """Each member's `member_profile` of the last engagements it was made of (the same object: FeatureInputs
    hands a member's unchanged engagements back as they were), the least recently used out past `max_members`.
    Event-loop only (a decision's batch is made there)."""

    def __init__(self, max_members: int = PROFILES_KEPT) -> None:
        self.max_members = max_members
        self._kept: OrderedDict[str, tuple[Engagements, MemberProfile]] = OrderedDict()
        # Profiles made (tests and benchmarks).
        self.made = 0

    def of(self, member_id: str, engaged: Engagements, *, keep: bool = True) -> MemberProfile:
        """`member_profile(engaged)`, made again only when `engaged` is not the object it was last made of;
        `keep=False` (a slot run's members, read once) looks up without keeping."""
        kept = self._kept.get(member_id)
        if kept is not None and kept[0] is engaged:
            self._kept.move_to_end(member_id)
            return kept[1]
        profile = member_profile(engaged)
        self.made += 1
        if keep:
            self._kept[member_id] = (engaged, profile)
            self._kept.move_to_end(member_id)
            while len(self._kept) > self.max_members:
                self._kept.popitem(last=False)
        return profile

    def clear(self) -> None:
        self._kept.clear()


class PoolTexts:
    """Each feed member's text cosines with a pool's items (`features.pool_text_similarity`, the costliest part of
    their matrix), kept while the pool's text and the member's text history and counts are the very objects they
    were computed from: a member's repeated feeds over one pool (its RANKING_POOL_TTL_SECONDS) compute them once.
    Least recently used out past `max_members`. Decisions are scored in worker threads: under a lock."""

    def __init__(self, max_members: int = PROFILES_KEPT) -> None:
        self.max_members = max_members
        self._kept: OrderedDict[str, tuple[Any, Any, Any, tuple[np.ndarray, np.ndarray]]] = OrderedDict()
        self._lock = threading.Lock()
        # Computed and answered from what was kept (tests and benchmarks).
        self.computed = 0
        self.hits = 0

    def of(self, block: ItemBlock, member: MemberState) -> tuple[np.ndarray, np.ndarray] | None:
        words, history, counts = block.text_words, member.text_history, member.text_counts
        if words is None or history is None:
            return None
        with self._lock:
            kept = self._kept.get(member.member_id)
            if kept is not None and kept[0] is words and kept[1] is history and kept[2] is counts:
                self._kept.move_to_end(member.member_id)
                self.hits += 1
                return kept[3]
        text = pool_text_similarity(block, member)
        if text is None:
            return None
        with self._lock:
            self.computed += 1
            self._kept[member.member_id] = (words, history, counts, text)
            self._kept.move_to_end(member.member_id)
            while len(self._kept) > self.max_members:
                self._kept.popitem(last=False)
        return text

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()


def member_state(
    member_id: str,
    engaged: Engagements | None,
    now: datetime,
    *,
    limit: int,
    profiles: MemberProfiles | None = None,
    keep: bool = True,
) -> MemberState:
    """The member's features from their last engagements known before `now` (none: a newcomer): training's
    HISTORY_LIMIT of them, or `limit` (RANKING_HISTORY_LIMIT) if the feed reads fewer, which then differ from
    training's for members with more history. `profiles`: the moment-free part kept per member (`keep`)."""
    empty_text = EMPTY_TEXT
    if engaged is None:
        return MemberState(member_id=member_id, text_history=empty_text)
    last = engaged.last(min(limit, HISTORY_LIMIT))
    profile = profiles.of(member_id, last, keep=keep) if profiles is not None and len(last) else None
    return member_state_at(member_id, now.timestamp(), last, empty_text=empty_text, profile=profile)
