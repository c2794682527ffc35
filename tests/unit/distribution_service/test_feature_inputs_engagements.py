"""FeatureInputs.engagements, built as columns, equals the per-event definition it replaced: training's `known_at`
and `grade` applied event by event, kept in a stable sort by when each event became known."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import numpy as np
from bson import ObjectId
from bson.datetime_ms import DatetimeMS

from distribution_service.domain.honeycomb import ENGAGEMENT_WEIGHT, EventType
from distribution_service.domain.labels import LONG_DWELL_MS, grade
from distribution_service.ranking.history import STRONGEST_GRADE
from distribution_service.ranking.member_features import known_at, median
from distribution_service.ranking.text import item_text, text_matrix
from distribution_service.service.feature_inputs import FeatureInputs, ItemFacts, content_ids
from distribution_service.store import Doc

CID = ObjectId()
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def history(items: list[str]) -> list[Doc]:
    """Newest first, as a feed reads it: every type, long and short dwells, events dated exactly at midnight
    (known a day later, some after NOW), ties in time, and one in the future."""
    types = [e.value for e in EventType]
    docs: list[Doc] = []
    for k in range(60):
        at = NOW - timedelta(hours=7 * k)
        if k % 9 == 0:
            at = at.replace(hour=0, minute=0)
        if k % 11 == 0:
            at = NOW + timedelta(minutes=5)
        doc: Doc = {"content_id": ObjectId(items[k % len(items)]), "type": types[k % len(types)], "occurred_at": at}
        if doc["type"] == EventType.DWELL.value:
            doc["dwell_ms"] = LONG_DWELL_MS if k % 2 else 1_000
        docs.append({**doc, "occurred_at": at.replace(tzinfo=None)})
    docs.sort(key=lambda d: d["occurred_at"], reverse=True)
    return docs


def cached_inputs(items: list[str]) -> FeatureInputs:
    """Inputs whose cache already holds every item's facts (what a warm process reads: no lookup)."""
    inputs = FeatureInputs(None, None)  # type: ignore[arg-type]
    rows = text_matrix([item_text(f"title {i}", "body", [f"t{i[-1]}"]) for i in items])
    for k, item in enumerate(items):
        facts = ItemFacts(1_700_000_000.0 + k, (f"t{item[-1]}",), f"a{k % 3}", "UGC", rows[k])
        inputs._items.setdefault(CID, {})[item] = (time.monotonic() + 600.0, facts)
    return inputs


def by_definition(
    docs: list[Doc], facts: dict[str, ItemFacts]
) -> tuple[list[float], list[float], list[bool], list[str]]:
    """The per-event definition: known_at and grade of each event, oldest first, stably sorted by known time."""
    kept = []
    for d in reversed(docs):
        event_type = EventType(d["type"])
        known = known_at(d["occurred_at"].replace(tzinfo=UTC).timestamp())
        if known < NOW.timestamp() and grade(event_type, d.get("dwell_ms")) > 0:
            kept.append((known, d, event_type))
    kept.sort(key=lambda k: k[0])
    return (
        [k for k, _, _ in kept],
        [ENGAGEMENT_WEIGHT[e] for _, _, e in kept],
        [grade(e, d.get("dwell_ms")) >= STRONGEST_GRADE for _, d, e in kept],
        [str(d["content_id"]) for _, d, _ in kept],
    )


async def test_columns_equal_the_per_event_definition() -> None:
    items = [str(ObjectId()) for _ in range(7)]
    inputs = cached_inputs(items)
    docs = history(items)
    # when
    engaged = (await inputs.engagements(CID, {"m": docs, "newcomer": []}, NOW))["m"]
    # then
    facts = {i: inputs._items[CID][i][1] for i in items}
    times, weights, strongest, kept_ids = by_definition(docs, facts)
    assert 0 < len(engaged) < len(docs)
    assert engaged.times.tolist() == times
    assert engaged.weights.tolist() == weights
    assert engaged.strongest.tolist() == strongest
    assert engaged.created.tolist() == [facts[i].created for i in kept_ids]
    assert list(engaged.tags) == [facts[i].tags for i in kept_ids]
    assert list(engaged.author_ids) == [facts[i].author_id for i in kept_ids]
    # each engaged item's text row once, each engagement pointing at its item's
    expected_text = np.vstack([facts[i].text.toarray() for i in kept_ids])
    assert engaged.text_of is not None
    assert engaged.text.shape[0] == len(set(kept_ids)) < len(kept_ids)
    assert np.array_equal(engaged.text.toarray()[engaged.text_of], expected_text)


async def test_dates_read_as_milliseconds_give_the_same_columns_as_datetimes() -> None:
    items = [str(ObjectId()) for _ in range(7)]
    inputs = cached_inputs(items)
    docs = history(items)
    # given: the same events as member_recent reads them (dates as bson DatetimeMS), midnight ones included
    as_ms = [{**d, "occurred_at": DatetimeMS(d["occurred_at"].replace(tzinfo=UTC))} for d in docs]
    # when
    read = await inputs.engagements(CID, {"dates": docs, "ms": as_ms}, NOW)
    # then: bit for bit
    assert 0 < len(read["ms"]) < len(docs)
    assert read["ms"].times.tolist() == read["dates"].times.tolist()
    assert read["ms"].weights.tolist() == read["dates"].weights.tolist()
    assert read["ms"].strongest.tolist() == read["dates"].strongest.tolist()
    assert list(read["ms"].tags) == list(read["dates"].tags)


async def test_content_ids_made_by_the_caller_give_the_same_columns() -> None:
    items = [str(ObjectId()) for _ in range(7)]
    inputs = cached_inputs(items)
    histories = {"m": history(items), "newcomer": []}
    # when: the ranker's seen items and the engagements share one conversion of the ids
    ids = content_ids(histories)
    given, made = await inputs.engagements(CID, histories, NOW, ids), await inputs.engagements(CID, histories, NOW)
    # then
    assert ids["m"] == [str(d["content_id"]) for d in histories["m"]]
    assert given["m"].times.tolist() == made["m"].times.tolist()
    assert list(given["m"].tags) == list(made["m"].tags)
    assert np.array_equal(given["m"].text.toarray(), made["m"].text.toarray())


async def test_a_member_without_events_has_empty_columns() -> None:
    inputs = cached_inputs([str(ObjectId())])
    # when
    engaged = (await inputs.engagements(CID, {"newcomer": []}, NOW))["newcomer"]
    # then
    assert len(engaged) == 0
    assert engaged.text.shape[0] == 0


async def test_events_already_in_known_order_give_the_per_event_definition() -> None:
    items = [str(ObjectId()) for _ in range(7)]
    inputs = cached_inputs(items)
    # given: no midnight date, so the oldest-first events are already in the order they became known (not re-sorted)
    docs = [d for d in history(items) if d["occurred_at"].time() != datetime.min.time()]
    as_ms = [{**d, "occurred_at": DatetimeMS(d["occurred_at"].replace(tzinfo=UTC))} for d in docs]
    # when
    engaged = (await inputs.engagements(CID, {"m": as_ms}, NOW))["m"]
    # then
    times, weights, strongest, kept_ids = by_definition(docs, {i: inputs._items[CID][i][1] for i in items})
    assert len(engaged) == len(times) > 0
    assert engaged.times.tolist() == times
    assert engaged.weights.tolist() == weights
    assert engaged.strongest.tolist() == strongest
    assert list(engaged.author_ids) == [inputs._items[CID][i][1].author_id for i in kept_ids]


def test_the_median_of_member_features_is_numpys() -> None:
    rng = np.random.default_rng(7)
    for n in (1, 2, 3, 10, 99, 100):
        values = rng.normal(size=n) * 1e6
        values[: n // 3] = values[0]  # ties
        assert median(values) == float(np.median(values))
    assert np.isnan(median(np.array([1.0, np.nan, 2.0])))
