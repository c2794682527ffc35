"""The community's past as arrays, queryable "as of" any moment: item counters and member state at time t.

Training asks these for every decision it rebuilds, so that each group sees only what serving would have
seen then (no future leakage). Counters are prefix sums over events sorted by (item, time).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from distribution_service.ranking.features import (
    VELOCITY_DAYS,
    CandidateColumns,
    MemberState,
    popularity_window_start,
    recent_window_start,
)
from distribution_service.ranking.member_features import HISTORY_LIMIT, Engagements, member_state_at
from distribution_service.ranking.text import text_matrix

DAY = 86_400.0
# Keys are item * KEY_STRIDE + milliseconds since KEY_BASE: a single sorted array answers "events of item i before
# t" at the database's own resolution (a BSON date holds milliseconds), as serving's counters see them. Whole
# seconds, as keys once were, hid from training an impression made earlier in the same second as a feed that
# serving's counters had already counted. 10**13 ms is 317 years from KEY_BASE; items up to 900,000.
KEY_STRIDE = 10**13
KEY_BASE_MS = 946_684_800_000  # 2000-01-01T00:00:00Z


def time_key(t: np.ndarray | float) -> np.ndarray:
    """Whole milliseconds since KEY_BASE, clipped into the stride (an instant outside the range counts as its
    end, so "before t" keeps its meaning). A small epsilon keeps a millisecond-exact float from flooring below."""
    ms = np.floor(np.asarray(t, dtype=float) * 1000.0 + 1e-3).astype(np.int64) - KEY_BASE_MS
    return np.clip(ms, 0, KEY_STRIDE - 1)


# The strongest grade (answers, shares): what content_answers and member_answer_share count.
STRONGEST_GRADE = 3


@dataclass(frozen=True)
class Catalog:
    """Every item that can be a candidate: created time (epoch seconds) and what ranking knows of it."""

    content_ids: list[str]
    created: np.ndarray
    kinds: list[str]
    author_ids: list[str | None]
    tags: list[tuple[str, ...]]
    author_tiers: list[str | None]
    exposure_boost: np.ndarray
    # Each item's title, tags and body as one text (markup removed); None when the items' text is not known.
    texts: list[str] | None = None

    def __len__(self) -> int:
        return len(self.content_ids)


def text_rows(catalog: Catalog) -> Any:
    """Every item's text row (`text.text_matrix`), or None when the catalog has no text."""
    return None if catalog.texts is None else text_matrix(catalog.texts)


@dataclass(frozen=True)
class EventLog:
    """Events as columns, each item given as its index in the catalog; sorted by time.

    `times` is when an event happened (what anchors a decision and labels it); `known` is when the platform
    could know it (what features may read). They differ for date-only events (Stack Exchange favourites,
    accepts, votes): such an event happened at the start of its day but is known only from the next day.
    """

    member_ids: np.ndarray
    items: np.ndarray
    times: np.ndarray
    grades: np.ndarray
    weights: np.ndarray
    is_impression: np.ndarray
    is_open: np.ndarray
    known: np.ndarray
    # Each event's thread as a catalog index (an answer's question), -1 for none: activity on a reply is
    # activity of its thread too, as serving's `last_at` counter counts it (store/item_counters.py).
    threads: np.ndarray

    @staticmethod
    def sorted_by_time(
        member_ids: list[str],
        items: list[int],
        times: list[float],
        grades: list[int],
        weights: list[float],
        is_impression: list[bool],
        is_open: list[bool],
        known: list[float] | None = None,
        threads: list[int] | None = None,
    ) -> EventLog:
        t = np.asarray(times, dtype=float)
        order = np.argsort(t, kind="stable")
        k = t if known is None else np.maximum(np.asarray(known, dtype=float), t)
        return EventLog(
            member_ids=np.asarray(member_ids, dtype=object)[order],
            items=np.asarray(items, dtype=np.int64)[order],
            times=t[order],
            grades=np.asarray(grades, dtype=np.int32)[order],
            weights=np.asarray(weights, dtype=float)[order],
            is_impression=np.asarray(is_impression, dtype=bool)[order],
            is_open=np.asarray(is_open, dtype=bool)[order],
            known=k[order],
            threads=(np.full(len(t), -1) if threads is None else np.asarray(threads)).astype(np.int64)[order],
        )

    def __len__(self) -> int:
        return len(self.times)


class ItemHistory:
    def __init__(self, catalog: Catalog, log: EventLog, *, text: Any = None) -> None:
        self.catalog = catalog
        self.text = text
        engaged = log.grades > 0
        # Features read what was known before t: every counter is keyed by the moment an event became known.
        keys = log.items * KEY_STRIDE + time_key(log.known)
        order = np.argsort(keys, kind="stable")
        self.keys = keys[order]
        zero = np.zeros(1)
        self.cum_engaged = np.concatenate([zero, np.cumsum(engaged[order])])
        self.cum_weight = np.concatenate([zero, np.cumsum(np.where(engaged, log.weights, 0.0)[order])])
        self.cum_impressions = np.concatenate([zero, np.cumsum(log.is_impression[order])])
        self.cum_opens = np.concatenate([zero, np.cumsum(log.is_open[order])])
        self.cum_strongest = np.concatenate([zero, np.cumsum((log.grades >= STRONGEST_GRADE)[order])])
        # Every (item, tag) pair flattened once, for the community's tag shares at any t.
        tag_names = sorted({tag for tags in catalog.tags for tag in tags})
        tag_index = {tag: k for k, tag in enumerate(tag_names)}
        self.tag_names = tag_names
        self.tag_owner = np.array([i for i, tags in enumerate(catalog.tags) for _ in tags], dtype=np.int64)
        self.tag_code = np.array([tag_index[tag] for tags in catalog.tags for tag in tags], dtype=np.int64)
        # Where each item's events start in the sorted arrays.
        self.starts = np.searchsorted(self.keys, np.arange(len(catalog) + 1) * KEY_STRIDE)
        # Activity (any event but an impression: being shown is not being active, as serving's `last_at` counter
        # says), keyed by item and known moment; an event on a reply is activity of its thread as well.
        active = ~log.is_impression
        on_thread = active & (log.threads >= 0)
        act_items = np.concatenate([log.items[active], log.threads[on_thread]])
        act_known = np.concatenate([log.known[active], log.known[on_thread]])
        act_keys = act_items * KEY_STRIDE + time_key(act_known)
        act_order = np.argsort(act_keys, kind="stable")
        self.act_keys, self.act_times = act_keys[act_order], act_known[act_order]
        self.act_starts = np.searchsorted(self.act_keys, np.arange(len(catalog) + 1) * KEY_STRIDE)

    def _pos(self, items: np.ndarray, t: float) -> np.ndarray:
        return np.searchsorted(self.keys, items * KEY_STRIDE + time_key(t), side="left")

    def last_activity(self, items: np.ndarray, t: float) -> np.ndarray:
        """Time of each item's last activity (any event but an impression) known before t, or its creation if
        later (serving's rule: the later of `last_at` and publication)."""
        pos = np.searchsorted(self.act_keys, items * KEY_STRIDE + time_key(t), side="left")
        created = self.catalog.created[items]
        if not len(self.act_times):
            return created.astype(float)
        last = self.act_times[np.maximum(pos - 1, 0)]
        return np.where(pos > self.act_starts[items], np.maximum(last, created), created)

    def alive(self, t: float, *, days: float) -> np.ndarray:
        """Items existing at t that were created or active in the last `days` days."""
        items = np.arange(len(self.catalog))
        created = self.catalog.created
        recent = t - days * DAY
        exists = created < t
        return items[exists & ((created >= recent) | (self.last_activity(items, t) >= recent))]

    def tag_shares(self, t: float) -> dict[str, float]:
        """Each tag's share of the community's engagement weight known before t (summed over its items)."""
        if len(self.tag_owner) == 0:
            return {}
        items = np.arange(len(self.catalog))
        weight = self.cum_weight[self._pos(items, t)] - self.cum_weight[self.starts[items]]
        per_tag = np.bincount(self.tag_code, weights=weight[self.tag_owner], minlength=len(self.tag_names))
        total = per_tag.sum()
        if total <= 0:
            return {}
        return {self.tag_names[k]: float(per_tag[k] / total) for k in np.flatnonzero(per_tag)}

    def columns_at(self, items: np.ndarray, t: float) -> CandidateColumns:
        pos = self._pos(items, t)
        start = self.starts[items]
        pos_7d = self._pos(items, popularity_window_start(t))
        pos_1d = self._pos(items, recent_window_start(t, VELOCITY_DAYS))
        c = self.catalog
        return CandidateColumns(
            content_ids=[c.content_ids[i] for i in items],
            kinds=[c.kinds[i] for i in items],
            author_ids=[c.author_ids[i] for i in items],
            tags=[c.tags[i] for i in items],
            age_days=(t - c.created[items]) / DAY,
            impressions=self.cum_impressions[pos] - self.cum_impressions[start],
            opens=self.cum_opens[pos] - self.cum_opens[start],
            engagement=self.cum_weight[pos] - self.cum_weight[start],
            engagement_7d=self.cum_weight[pos] - self.cum_weight[np.maximum(pos_7d, start)],
            last_activity_days=(t - self.last_activity(items, t)) / DAY,
            author_tiers=[c.author_tiers[i] for i in items],
            exposure_boost=c.exposure_boost[items],
            answers=self.cum_strongest[pos] - self.cum_strongest[start],
            engagement_1d=self.cum_weight[pos] - self.cum_weight[np.maximum(pos_1d, start)],
            text_rows=None if self.text is None else self.text[items],
        )


class MemberHistory:
    """Each member's engagement events in the order they became known: their state at any t is
    `member_features.member_state_at` over the last HISTORY_LIMIT of them, as serving reads it."""

    def __init__(self, catalog: Catalog, log: EventLog, *, text: Any = None, limit: int = HISTORY_LIMIT) -> None:
        self.catalog = catalog
        self.text = text
        self.limit = limit
        engaged = log.grades > 0
        self.by_member: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = {}
        members = log.member_ids[engaged]
        # A member's history is what was known of it: date-only events count from the next day.
        order = np.lexsort((log.known[engaged], members.astype(str)))
        members = members[order]
        items, times, weights = log.items[engaged][order], log.known[engaged][order], log.weights[engaged][order]
        strongest = log.grades[engaged][order] >= STRONGEST_GRADE
        bounds = np.flatnonzero(members[1:] != members[:-1]) + 1
        for lo, hi in zip(np.r_[0, bounds], np.r_[bounds, len(members)], strict=True):
            if hi > lo:
                self.by_member[str(members[lo])] = (items[lo:hi], times[lo:hi], weights[lo:hi], strongest[lo:hi])

    def engaged_before(self, member_id: str, t: float) -> np.ndarray:
        history = self.by_member.get(member_id)
        if history is None:
            return np.zeros(0, dtype=np.int64)
        return history[0][: np.searchsorted(history[1], t, side="left")]

    def engagements_at(self, member_id: str, t: float) -> Engagements:
        """The member's last `limit` engagements known before t, oldest first."""
        history = self.by_member.get(member_id)
        if history is None:
            history = (np.zeros(0, dtype=np.int64), np.zeros(0), np.zeros(0), np.zeros(0, dtype=bool))
        items, times, weights, strongest = history
        hi = int(np.searchsorted(times, t, side="left"))
        lo = max(0, hi - self.limit)
        past = items[lo:hi]
        c = self.catalog
        return Engagements(
            times=times[lo:hi],
            weights=weights[lo:hi],
            strongest=strongest[lo:hi],
            created=c.created[past],
            tags=[c.tags[i] for i in past],
            author_ids=[c.author_ids[i] or "" for i in past],
            kinds=[c.kinds[i] for i in past],
            text=None if self.text is None else self.text[past],
        )

    def state_at(self, member_id: str, t: float) -> MemberState:
        empty_text = None if self.text is None else self.text[:0]
        return member_state_at(member_id, t, self.engagements_at(member_id, t), empty_text=empty_text)
