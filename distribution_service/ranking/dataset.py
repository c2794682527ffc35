"""Query groups for learning to rank: one group per distribution decision (member, slot, scene), with every
candidate that was (or would have been) scored, graded labels, and the decision's feature matrix.

Two sources, the logged one first:
- Logged decisions (the feed and slot runs log every scored candidate with its exact feature vector and the
  position it was shown at): labels are the member's events on those items in the following window.
- Engagement only (imported communities have no impressions): at each engagement the member's candidate set
  is rebuilt as the candidate generator would have offered it then (content existing at that moment, created
  or active in the last 30 days, that the member had not engaged with), labelled by what the member engaged
  with in the following window. Negatives are sampled uniformly from that set (seeded), so that no ranker's
  own signal (popularity, freshness) decides which items it is judged against.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from distribution_service.ranking.features import DecisionContext, build_matrix
from distribution_service.ranking.history import Catalog, EventLog, ItemHistory, MemberHistory

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
    tiers: dict[str, str] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[Group]:
    """Groups whose decision time is in [since, until); labels never look past `until`."""
    items_h = ItemHistory(catalog, log)
    members_h = MemberHistory(catalog, log)
    rng = np.random.default_rng(seed)
    engaged = np.flatnonzero((log.grades > 0) & (log.times >= since) & (log.times < until))
    next_free: dict[str, float] = {}
    groups: list[Group] = []
    for done, e in enumerate(engaged):
        if progress is not None and done % 500 == 0:
            progress(done, len(engaged))
        member, t = str(log.member_ids[e]), float(log.times[e])
        # Anonymous engagement (a member id of "") counts for the item's popularity but makes no decision.
        if not member or t < next_free.get(member, -np.inf):
            continue
        next_free[member] = t + window
        end = min(t + window, until)
        mine = np.flatnonzero(log.member_ids == member)
        in_window = mine[(log.times[mine] >= t) & (log.times[mine] < end) & (log.grades[mine] > 0)]
        labels_by_item: dict[int, int] = {}
        for i in in_window:
            item = int(log.items[i])
            labels_by_item[item] = max(labels_by_item.get(item, 0), int(log.grades[i]))
        before = set(members_h.engaged_before(member, t).tolist())
        exists = catalog.created < t
        positives = np.array(sorted(i for i in labels_by_item if exists[i] and i not in before), dtype=np.int64)
        if len(positives) == 0:
            continue
        alive = items_h.alive(t, days=ALIVE_DAYS)
        pool = np.setdiff1d(alive, np.concatenate([positives, np.fromiter(before, dtype=np.int64)]))
        room = max(0, max_candidates - len(positives))
        negatives = rng.choice(pool, size=min(room, len(pool)), replace=False) if len(pool) else pool
        items = np.concatenate([positives[:max_candidates], np.sort(negatives)])
        # Shuffled, so that no ranker gains from ties being broken in the candidates' given order.
        items = items[rng.permutation(len(items))]
        labels = np.array([labels_by_item.get(int(i), 0) for i in items], dtype=np.int32)
        state = members_h.state_at(member, t, tier=(tiers or {}).get(member))
        context = decision_context(t, timezone)
        features = build_matrix(state, items_h.columns_at(items, t), context)
        groups.append(Group(member, t, items, labels, features, cold_start=state.history_size == 0))
    return groups


def time_split(times: np.ndarray, *, since: float, until: float, test_fraction: float = 0.2) -> float:
    """The moment after which the last `test_fraction` of the window's engagement happened."""
    inside = times[(times >= since) & (times < until)]
    if len(inside) == 0:
        return since + (until - since) * (1 - test_fraction)
    return float(np.quantile(inside, 1 - test_fraction))


def iso(t: float) -> str:
    return (datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=t)).isoformat()
