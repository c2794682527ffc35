"""A community's logged events and decisions, read from distribution's database, as training arrays. A live
decision's shown items are its impressions (store/decisions.py): read from it, as events.

Items come from content_service (through its client): every item an event or a decision names, plus today's
candidates. An item that was deleted since is kept with what the events knew of it (its tags, author, kind).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime

import numpy as np
from bson import ObjectId

from content_service.client import ContentClient
from content_service.schemas import SERVICE_VIEWER as SERVICE
from distribution_service.domain import decision_log
from distribution_service.domain.honeycomb import ENGAGEMENT_WEIGHT, EventType
from distribution_service.domain.labels import grade
from distribution_service.ranking.dataset import LABEL_WINDOW_SECONDS, Group
from distribution_service.ranking.history import Catalog, EventLog
from distribution_service.ranking.member_features import known_at
from distribution_service.ranking.text import item_text
from distribution_service.ranking.training import TrainingData
from distribution_service.store import DistributionStore, Doc
from infra.moments import as_utc

LOOKUP_CHUNK = 500
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _ts(value: datetime) -> float:
    return as_utc(value).timestamp()


def label_start(decision: Doc) -> float:
    """Where a decision's label window opens: when it was made (`made_at`). A feed's decision describes its items
    as of its pool's moment (`at`, up to RANKING_POOL_TTL_SECONDS earlier), and what the member did between that
    moment and the decision must never label it. Decisions logged before `made_at` existed open at `at`."""
    return _ts(decision.get("made_at") or decision["at"])


def known_ts(value: datetime) -> float:
    """When an event became known (`member_features.known_at`: a date-only event from the next day)."""
    return known_at(_ts(value))


DAY = 86_400.0


async def _catalog(
    content: ContentClient,
    community_id: str,
    ids: list[str],
    events: list[Doc],
    *,
    today: bool,
    drop_unknown: bool = False,
) -> Catalog:
    """The items events and decisions name; with `today`, also today's candidates and their running boosts
    (a run cut in the past reads neither: both are what is known now, not then). With `drop_unknown`, an id
    that content_service does not know and no event names is left out (a judgment list's typo is no item)."""
    snapshot = {str(e["content_id"]): e for e in events}
    boosts = {s.id: s.exposure_boost for s in await content.candidates(community_id, limit=500)} if today else {}
    ids = list(dict.fromkeys(ids + list(boosts)))
    found = []
    for lo in range(0, len(ids), LOOKUP_CHUNK):
        found += await content.lookup(community_id, ids[lo : lo + LOOKUP_CHUNK], viewer=SERVICE)
    created, kinds, authors, tags, kept, texts = [], [], [], [], [], []
    for content_id, read in zip(ids, found, strict=True):
        if read is None and drop_unknown and content_id not in snapshot:
            continue
        kept.append(content_id)
        if read is not None:
            created.append(_ts(read.published_at or read.created_at))
            kinds.append(read.kind.value)
            authors.append(read.author_id)
            tags.append(tuple(read.tags))
            texts.append(item_text(read.title, read.body, read.tags))
        else:
            seen = snapshot.get(content_id, {})
            created.append(0.0)
            kinds.append(str(seen.get("kind") or "UGC"))
            authors.append(seen.get("author_id"))
            tags.append(tuple(seen.get("tags") or ()))
            # A deleted item's text is gone: its tags are all the text index can know of it.
            texts.append(item_text("", "", tags[-1]))
    return Catalog(
        content_ids=kept,
        created=np.array(created),
        kinds=kinds,
        author_ids=authors,
        tags=tags,
        author_tiers=[None] * len(ids),
        exposure_boost=np.array([boosts.get(i, 1.0) for i in kept]),
        texts=texts,
    )


def answered_decisions(heads: list[Doc], events: list[Doc]) -> list[ObjectId]:
    """The decisions that an engagement event may label: one that names the decision, or one of the member's
    that names none and falls in the decision's label window (the rule `_logged_groups` applies per item)."""
    attributed: set[ObjectId] = set()
    unattributed: dict[str, list[float]] = defaultdict(list)
    for e in events:
        if e["type"] == EventType.IMPRESSION.value:
            continue
        if e.get("decision_id") is not None:
            attributed.add(e["decision_id"])
        else:
            unattributed[str(e["member_id"])].append(_ts(e["occurred_at"]))
    times = {member: np.sort(np.array(ts)) for member, ts in unattributed.items()}
    answered = []
    for d in heads:
        at = label_start(d)
        mine = times.get(str(d["member_id"]))
        in_window = mine is not None and np.searchsorted(mine, at, "left") < np.searchsorted(
            mine, at + LABEL_WINDOW_SECONDS, "left"
        )
        if d["_id"] in attributed or in_window:
            answered.append(d["_id"])
    return answered


def answering_events(decisions: list[Doc], events: list[Doc]) -> np.ndarray:
    """For each event, whether it answers a logged decision (it names one, or it is the member's and falls in
    the label window of one of theirs): such an event labels that decision and opens no rebuilt group."""
    starts: dict[str, list[float]] = defaultdict(list)
    for d in decisions:
        starts[str(d["member_id"])].append(label_start(d))
    ordered = {member: np.sort(np.array(ts)) for member, ts in starts.items()}
    out = np.zeros(len(events), dtype=bool)
    for k, e in enumerate(events):
        if e.get("decision_id") is not None:
            out[k] = True
            continue
        mine = ordered.get(str(e["member_id"]))
        if mine is not None:
            t = _ts(e["occurred_at"])
            # The last decision at or before t, if its window still covers t.
            pos = int(np.searchsorted(mine, t, "right")) - 1
            out[k] = pos >= 0 and t < mine[pos] + LABEL_WINDOW_SECONDS
    return out


def _logged_groups(decisions: list[Doc], events: list[Doc], index: dict[str, int]) -> list[Group]:
    """One group per logged decision: its logged features, the shown positions, labels from what followed."""
    by_member_item: dict[tuple[str, str], list[Doc]] = defaultdict(list)
    for e in events:
        if e["type"] != EventType.IMPRESSION.value:
            by_member_item[(str(e["member_id"]), str(e["content_id"]))].append(e)
    groups = []
    for d in decisions:
        at = label_start(d)
        member = str(d["member_id"])
        items = [str(c) for c in decision_log.candidate_ids(d)]
        shown = {str(s["content_id"]): int(s["position"]) for s in d["shown"]}
        labels = np.zeros(len(items), dtype=np.int32)
        for k, item in enumerate(items):
            for e in by_member_item.get((member, item), []):
                attributed = e.get("decision_id") == d["_id"]
                in_window = at <= _ts(e["occurred_at"]) < at + LABEL_WINDOW_SECONDS
                if attributed or (e.get("decision_id") is None and in_window):
                    labels[k] = max(labels[k], grade(EventType(e["type"]), e.get("dwell_ms")))
        if labels.max(initial=0) == 0:
            continue
        groups.append(
            Group(
                member_id=member,
                at=at,
                items=np.array([index[i] for i in items], dtype=np.int64),
                labels=labels,
                features=decision_log.features(d).astype(np.float32),
                # Candidates scored but not shown share one position after the last shown one.
                positions=np.array([shown.get(i, len(shown)) for i in items], dtype=np.int32),
            )
        )
    return groups


def _threads(events: list[Doc]) -> list[str]:
    """The threads events' items reply to: items of the catalog too, so that their activity can be counted."""
    return [str(e["thread_id"]) for e in events if e.get("thread_id") is not None]


def _event_log(events: list[Doc], index: dict[str, int]) -> EventLog:
    types = [EventType(e["type"]) for e in events]
    return EventLog.sorted_by_time(
        member_ids=[str(e["member_id"]) for e in events],
        items=[index[str(e["content_id"])] for e in events],
        times=[_ts(e["occurred_at"]) for e in events],
        known=[known_ts(e["occurred_at"]) for e in events],
        grades=[grade(t, e.get("dwell_ms")) for t, e in zip(types, events, strict=True)],
        weights=[ENGAGEMENT_WEIGHT[t] for t in types],
        is_impression=[t is EventType.IMPRESSION for t in types],
        is_open=[t in (EventType.OPEN, EventType.CLICK) for t in types],
        # The thread the event's item replies to, as its stored event says (what serving's counters counted).
        threads=[index.get(str(e.get("thread_id")), -1) for e in events],
    )


async def _events_before(store: DistributionStore, cid: ObjectId, until: datetime) -> list[Doc]:
    # Counters need the whole past, not only the window: an item's popularity at `since` is its history.
    events = await store.list_events_between(cid, EPOCH, until)
    # A live decision's shown items are its impressions (store/decisions.py): as the events an older version stored.
    events += await store.decisions.list_impressions_between(cid, EPOCH, until)
    # Anonymous imported signals (votes) count for items' popularity, as the serving counters do; member "".
    events += [{**s, "member_id": ""} for s in await store.list_item_signals_between(cid, EPOCH, until)]
    # In time order here, so that per-event flags line up with the log (sorted stably by time).
    events.sort(key=lambda e: _ts(e["occurred_at"]))
    return events


async def _first_event_time(store: DistributionStore, cid: ObjectId) -> datetime | None:
    """The community's first event, a served impression (a counted decision's) included."""
    times = [t for t in (await store.get_first_event_time(cid), await store.decisions.first_impression_time(cid)) if t]
    return min(times) if times else None


async def load_history(
    store: DistributionStore, content: ContentClient, *, community_id: str, until: datetime, item_ids: list[str]
) -> tuple[Catalog, EventLog]:
    """Every event before `until` and the items they and `item_ids` name: what `rank` scores judgment lists
    from, each group as of its own moment."""
    events = await _events_before(store, ObjectId(community_id), until)
    asked = [i for i in item_ids if ObjectId.is_valid(i)]
    ids = list(dict.fromkeys([str(e["content_id"]) for e in events] + _threads(events) + asked))
    catalog = await _catalog(content, community_id, ids, events, today=False, drop_unknown=True)
    return catalog, _event_log(events, {c: i for i, c in enumerate(catalog.content_ids)})


async def load_training_data(
    store: DistributionStore,
    content: ContentClient,
    *,
    community_id: str,
    slug: str,
    timezone: str,
    since: datetime | None,
    until: datetime | None,
) -> TrainingData:
    cid = ObjectId(community_id)
    now = datetime.now(UTC)
    until = until or now
    events = await _events_before(store, cid, until)
    first = await _first_event_time(store, cid)
    since = since or first or until
    # Only a decision something answered can make a group (the rest have no positive label): read those whole.
    heads = await store.list_decision_heads_between(cid, since, until)
    decisions = await store.list_decisions_by_ids(cid, answered_decisions(heads, events))
    ids = [str(e["content_id"]) for e in events] + _threads(events)
    ids += [str(c) for d in decisions for c in decision_log.candidate_ids(d)]
    catalog = await _catalog(content, community_id, list(dict.fromkeys(ids)), events, today=until >= now)
    index = {c: i for i, c in enumerate(catalog.content_ids)}
    log = _event_log(events, index)
    return TrainingData(
        community=slug,
        catalog=catalog,
        log=log,
        since=_ts(since),
        until=_ts(until),
        timezone=timezone,
        logged_groups=_logged_groups(decisions, events, index),
        skip_anchor=answering_events(heads, events),
    )
