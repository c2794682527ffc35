"""Query groups for learning to rank: one group per distribution decision (member, slot, scene), with every
candidate that was (or would have been) scored, graded labels, and the decision's feature matrix.

Two sources, the logged one first:
- Logged decisions (the feed and slot runs log every scored candidate with its exact feature vector and the
  position it was shown at): labels are the member's events on those items in the following window.
- Engagement only (imported communities have no impressions): at each engagement the member's candidate set
  is rebuilt as the candidate generator would have offered it then (content existing at that moment, created
  or active in the last 30 days, not the member's own, that the member had not engaged with), labelled by what
  the member engaged with in the following window. Positives come from that same pool (an item outside it
  could never have been offered: keeping it as a positive would let a model learn the pool's edge, e.g. "old
  and idle means engaged"). Negatives are sampled uniformly from the pool (seeded), so that no ranker's own
  signal (popularity, freshness) decides which items it is judged against.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from distribution_service.ranking.features import DecisionContext, build_matrix
from distribution_service.ranking.history import Catalog, EventLog, ItemHistory, MemberHistory, text_rows

DAY = 86_400.0
LABEL_WINDOW_SECONDS = DAY
MAX_CANDIDATES = 100
ALIVE_DAYS = 30.0
# Golden slots' local times (hours); a past decision is given the slot nearest its local time.
SLOT_HOURS = {"MORNING": 7.5, "NOON": 12.0, "EVENING": 20.5}


@dataclass(frozen=True)
class Group:
    member_id: str
    at: float
    items: np.ndarray
    labels: np.ndarray
    features: np.ndarray
    positions: np.ndarray | None = None
    # True when the member had no engagement before this decision (the cold-start path ranks them).
    cold_start: bool = False


def decision_context(at: float, timezone: str, *, slot: str | None = None, scene: str | None = None) -> DecisionContext:
    local = datetime.fromtimestamp(at, UTC).astimezone(ZoneInfo(timezone))
    hour = local.hour + local.minute / 60.0
    nearest = min(SLOT_HOURS, key=lambda s: min(abs(hour - SLOT_HOURS[s]), 24 - abs(hour - SLOT_HOURS[s])))
    return DecisionContext(
        slot=slot or nearest, scene=scene or "BEFORE_DECISION", weekday=local.weekday(), local_hour=hour
    )


@dataclass
class Protocol:
    """How groups were built, counted, so that a leak in the protocol shows in the report.

    Positives come only from the pool negatives are drawn from: items that existed at the decision, were
    created or active in the last `alive_days`, were not the member's own (authoring is history, not an
    engagement to predict) and not engaged with before. A positive outside that pool is dropped (counted by
    reason), and a group left without a positive, or without a negative, is dropped (counted by reason).
    """

    alive_days: float = ALIVE_DAYS
    positives_outside_pool: int = 0
    own_items_excluded: int = 0
    positives_dropped: Counter[str] = field(default_factory=Counter)
    groups_dropped: Counter[str] = field(default_factory=Counter)

    def report(self) -> dict[str, Any]:
        return {
            "alive_days": self.alive_days,
            "positives_outside_pool": self.positives_outside_pool,
            "own_items_excluded": self.own_items_excluded,
            "positives_dropped": dict(sorted(self.positives_dropped.items())),
            "groups_dropped": dict(sorted(self.groups_dropped.items())),
        }


def _drop_reason(item: int, *, exists: bool, before: set[int], own: bool, alive: set[int]) -> str | None:
    if not exists:
        return "not_yet_created"
    if item in before:
        return "engaged_before"
    if own:
        return "own_item"
    if item not in alive:
        return "not_alive"
    return None


def engagement_groups(
    catalog: Catalog,
    log: EventLog,
    *,
    since: float,
    until: float,
    timezone: str = "UTC",
    seed: int = 7,
    window: float = LABEL_WINDOW_SECONDS,
    max_candidates: int = MAX_CANDIDATES,
    alive_days: float = ALIVE_DAYS,
    skip_anchor: np.ndarray | None = None,
    protocol: Protocol | None = None,
    progress: Callable[[int, int], None] | None = None,
    text: Any = None,
    anchor_gap: float | None = None,
) -> list[Group]:
    """Groups whose decision time is in [since, until); labels never look past `until`. `skip_anchor` marks
    events that must not open a group (those already answering a logged decision); `protocol` counts what
    was dropped and why; `text` is the items' TF-IDF rows (`history.text_rows`, fitted before the split).
    `anchor_gap` (seconds, default the label window) is how long after one group a member's next engagement
    may open another: a smaller gap gives more (overlapping) groups, for trying more training data."""
    protocol = protocol if protocol is not None else Protocol(alive_days=alive_days)
    items_h = ItemHistory(catalog, log, text=text)
    members_h = MemberHistory(catalog, log, text=text)
    authors = np.array([a or "" for a in catalog.author_ids], dtype=object)
    rng = np.random.default_rng(seed)
    anchors = (log.grades > 0) & (log.times >= since) & (log.times < until)
    if skip_anchor is not None:
        anchors &= ~skip_anchor
    engaged = np.flatnonzero(anchors)
    next_free: dict[str, float] = {}
    groups: list[Group] = []
    for done, e in enumerate(engaged):
        if progress is not None and done % 500 == 0:
            progress(done, len(engaged))
        member, t = str(log.member_ids[e]), float(log.times[e])
        # Anonymous engagement (a member id of "") counts for the item's popularity but makes no decision.
        if not member or t < next_free.get(member, -np.inf):
            continue
        next_free[member] = t + (window if anchor_gap is None else anchor_gap)
        end = min(t + window, until)
        mine = np.flatnonzero(log.member_ids == member)
        in_window = mine[(log.times[mine] >= t) & (log.times[mine] < end) & (log.grades[mine] > 0)]
        labels_by_item: dict[int, int] = {}
        for i in in_window:
            item = int(log.items[i])
            labels_by_item[item] = max(labels_by_item.get(item, 0), int(log.grades[i]))
        before = set(members_h.engaged_before(member, t).tolist())
        alive = items_h.alive(t, days=alive_days)
        alive_set = set(alive.tolist())
        own = authors == member
        kept, reasons = [], []
        for item in sorted(labels_by_item):
            why = _drop_reason(
                item, exists=bool(catalog.created[item] < t), before=before, own=bool(own[item]), alive=alive_set
            )
            if why is None:
                kept.append(item)
            else:
                reasons.append(why)
                protocol.positives_dropped[why] += 1
        positives = np.array(kept, dtype=np.int64)
        if len(positives) == 0:
            if reasons:
                protocol.groups_dropped["+".join(sorted(set(reasons)))] += 1
            continue
        excluded = np.concatenate([positives, np.fromiter(before, dtype=np.int64, count=len(before))])
        own_alive = alive[own[alive]]
        pool = np.setdiff1d(np.setdiff1d(alive, excluded), own_alive)
        if len(pool) == 0:
            protocol.groups_dropped["no_negatives"] += 1
            continue
        protocol.own_items_excluded += int(len(np.setdiff1d(own_alive, excluded))) + reasons.count("own_item")
        # The protocol's promise, checked on every group: a positive is a candidate the pool could have offered.
        outside = int(np.count_nonzero(~np.isin(positives, alive) | own[positives]))
        protocol.positives_outside_pool += outside
        assert outside == 0, "a positive outside the candidate pool"
        room = max(0, max_candidates - len(positives))
        negatives = rng.choice(pool, size=min(room, len(pool)), replace=False)
        items = np.concatenate([positives[:max_candidates], np.sort(negatives)])
        # Shuffled, so that no ranker gains from ties being broken in the candidates' given order.
        items = items[rng.permutation(len(items))]
        labels = np.array([labels_by_item.get(int(i), 0) for i in items], dtype=np.int32)
        state = members_h.state_at(member, t)
        context = replace(decision_context(t, timezone), tag_shares=items_h.tag_shares(t))
        features = build_matrix(state, items_h.columns_at(items, t), context)
        groups.append(Group(member, t, items, labels, features, cold_start=state.history_size == 0))
    return groups


@dataclass(frozen=True)
class TrainingData:
    community: str
    catalog: Catalog
    log: EventLog
    since: float
    until: float
    timezone: str = "UTC"
    # Groups from logged decisions (feed and slot runs), used beside the groups rebuilt from engagement.
    logged_groups: list[Group] = field(default_factory=list)
    # Events that answer a logged decision (one per log row): they label that decision and open no rebuilt group.
    skip_anchor: np.ndarray | None = None
    alive_days: float = ALIVE_DAYS


def split_groups(
    data: TrainingData,
    split: float,
    *,
    protocol: Protocol,
    seed: int,
    progress: Callable[[str], None] = lambda _: None,
) -> tuple[list[Group], list[Group]]:
    """Groups rebuilt from the whole engagement history AND the logged decisions, each side of the split: live
    traffic adds to the past, it never replaces it. Training splits with it, and the promotion gate rebuilds a
    candidate's test groups with it, so both judge on the same groups."""

    def report(done: int, total: int) -> None:
        progress(f"  groups: {done}/{total} engagement events")

    common: dict[str, Any] = {
        "timezone": data.timezone,
        "seed": seed,
        "alive_days": data.alive_days,
        "skip_anchor": data.skip_anchor,
        "protocol": protocol,
        "progress": report,
        "text": text_rows(data.catalog),
    }
    progress("building training groups")
    train = engagement_groups(data.catalog, data.log, since=data.since, until=split, **common)
    progress("building test groups")
    test = engagement_groups(data.catalog, data.log, since=split, until=data.until, **common)
    logged = sorted(data.logged_groups, key=lambda g: g.at)
    train = sorted(train + [g for g in logged if g.at < split], key=lambda g: g.at)
    test = sorted(test + [g for g in logged if g.at >= split], key=lambda g: g.at)
    return train, test


def time_split(times: np.ndarray, *, since: float, until: float, test_fraction: float = 0.2) -> float:
    """The moment after which the last `test_fraction` of the window's engagement happened."""
    inside = times[(times >= since) & (times < until)]
    if len(inside) == 0:
        return since + (until - since) * (1 - test_fraction)
    return float(np.quantile(inside, 1 - test_fraction))


def iso(t: float) -> str:
    return (datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=t)).isoformat()
