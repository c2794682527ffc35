"""What serving keeps of a feed's member between feeds, each the same as computing afresh and made again the
moment what it was made of changes: a member_recent document decoded once per bytes, the member's event columns
and engagements (while the same entries come back, the same events are known at the moment and their items' facts
are unexpired), their moment-free profile, their text cosines with a pool."""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace
from datetime import UTC, timedelta

import bson
import numpy as np
from bson import ObjectId
from bson.codec_options import CodecOptions, DatetimeConversion
from bson.datetime_ms import DatetimeMS

from distribution_service.ranking.features import DecisionContext, item_block, member_matrix
from distribution_service.ranking.member_features import DAY, Engagements, member_state_at
from distribution_service.ranking.text import item_text, text_matrix
from distribution_service.service.member_state import MemberProfiles, PoolTexts, member_state
from distribution_service.store import Doc
from distribution_service.store.decoded_docs import DecodedDocs, raw_id
from tests.unit.distribution_service.test_feature_inputs_engagements import CID, NOW, cached_inputs, history
from tests.unit.distribution_service.test_member_matrix import pool

MS: CodecOptions[Doc] = CodecOptions(datetime_conversion=DatetimeConversion.DATETIME_MS)


def as_read(docs: list[Doc]) -> list[Doc]:
    """Events as member_recent reads them (dates as milliseconds)."""
    return [{**d, "occurred_at": DatetimeMS(d["occurred_at"].replace(tzinfo=UTC))} for d in docs]


def test_the_same_bytes_decode_once_and_other_bytes_afresh() -> None:
    kept = DecodedDocs(MS)
    first = bson.encode({"_id": "c:m", "events": [{"n": 1}]})
    changed = bson.encode({"_id": "c:m", "events": [{"n": 2}, {"n": 1}]})
    made: list[Doc] = []

    def prepare(doc: Doc) -> Doc:
        made.append(doc)
        return doc

    # when
    a = kept.get("c:m", first, prepare)
    again = kept.get("c:m", bytes(bytearray(first)), prepare)  # equal bytes, another object (a new read)
    b = kept.get("c:m", changed, prepare)
    # then
    assert again is a
    assert a == {"_id": "c:m", "events": [{"n": 1}]}
    assert b == {"_id": "c:m", "events": [{"n": 2}, {"n": 1}]}
    assert (kept.decodes, kept.hits, len(made)) == (2, 1, 2)


def test_decoded_documents_are_bounded_by_their_bytes_least_recently_read_out() -> None:
    raws = {k: bson.encode({"_id": k, "pad": "x" * 1_000}) for k in ("a", "b", "c")}
    kept = DecodedDocs(MS, max_bytes=2 * len(raws["a"]))
    kept.get("a", raws["a"], dict)
    kept.get("b", raws["b"], dict)
    kept.get("a", raws["a"], dict)  # "a" read last: "b" goes first
    # when
    kept.get("c", raws["c"], dict)
    # then
    assert len(kept) == 2
    assert {key for key, _ in kept._kept} == {"a", "c"}


def test_a_raw_documents_id_is_read_from_its_bytes() -> None:
    assert raw_id(bson.encode({"_id": "6b16:6b17", "events": []})) == "6b16:6b17"
    assert raw_id(memoryview(bson.encode({"_id": "k"}))) == "k"
    oid = ObjectId()
    assert raw_id(bson.encode({"_id": oid})) == oid


async def test_a_members_repeated_engagements_are_the_same_object_and_equal_a_fresh_computation() -> None:
    items = [str(ObjectId()) for _ in range(7)]
    inputs = cached_inputs(items)
    docs = as_read(history(items))
    # when: the same entries twice (the store hands a document's decoded entries back), in a new list each time
    first = (await inputs.engagements(CID, {"m": list(docs)}, NOW))["m"]
    again = (await inputs.engagements(CID, {"m": list(docs)}, NOW))["m"]
    fresh = (await cached_inputs(items).engagements(CID, {"m": list(docs)}, NOW))["m"]
    # a second later: no event becomes known in between (the history's latest event is 5 minutes ahead of NOW)
    moment_later = (await inputs.engagements(CID, {"m": list(docs)}, NOW + timedelta(seconds=1)))["m"]
    # then
    assert again is first
    assert moment_later is first
    assert first.times.tolist() == fresh.times.tolist()
    assert first.weights.tolist() == fresh.weights.tolist()
    assert list(first.tags) == list(fresh.tags)
    assert np.array_equal(first.text.toarray(), fresh.text.toarray())


async def test_new_entries_a_later_moment_or_expired_facts_make_the_engagements_again() -> None:
    items = [str(ObjectId()) for _ in range(7)]
    inputs = cached_inputs(items)
    docs = as_read(history(items))
    first = (await inputs.engagements(CID, {"m": docs}, NOW))["m"]
    # when: a new engagement (a new document: new entries, the newest first)
    newer = as_read([{"content_id": ObjectId(items[0]), "type": "SHARE", "occurred_at": NOW - timedelta(seconds=1)}])
    grown = (await inputs.engagements(CID, {"m": newer + docs}, NOW))["m"]
    # then: one more engagement
    assert len(grown) == len(first) + 1
    # when: a day later, the events dated at midnight (known a day after) are known too
    later = (await inputs.engagements(CID, {"m": newer + docs}, NOW + timedelta(days=1)))["m"]
    # then
    assert len(later) > len(grown)
    # when: the items' facts expire (the first of them) and are read again, with new tags
    short = time.monotonic() + 0.05
    for item in items:
        inputs._items[CID][item] = (short, inputs._items[CID][item][1])
    kept = (await inputs.engagements(CID, {"m": newer + docs}, NOW))["m"]
    await asyncio.sleep(0.1)

    async def read_missing(cid: ObjectId, missing: list[str], snapshots: dict[str, Doc] | None) -> None:
        for item in missing:
            facts = inputs._items[cid][item][1]
            inputs._items[cid][item] = (time.monotonic() + 600.0, replace(facts, tags=("renamed",)))

    inputs._read_missing = read_missing  # type: ignore[method-assign]
    renewed = (await inputs.engagements(CID, {"m": newer + docs}, NOW))["m"]
    # then: made again from the facts read again, not handed back
    assert renewed is not kept
    assert set(renewed.tags) == {("renamed",)}
    assert renewed.times.tolist() == kept.times.tolist()


def test_a_profile_is_kept_for_the_same_engagements_and_made_for_new_ones() -> None:
    profiles = MemberProfiles(max_members=1)
    engaged = _engagements(4)
    # when
    state = member_state("m", engaged, NOW, limit=100, profiles=profiles)
    again = member_state("m", engaged, NOW + timedelta(hours=1), limit=100, profiles=profiles)
    other = member_state("m", _engagements(5), NOW, limit=100, profiles=profiles)
    # then: the moment's columns follow the moment; the profile is the same one until the engagements change
    assert again.tag_affinity is state.tag_affinity
    assert again.recency_days > state.recency_days
    assert profiles.made == 2
    assert other.history_size == 5.0
    fresh = member_state_at("m", NOW.timestamp(), engaged)
    assert (state.tag_affinity, state.answer_share, state.typical_age_days) == (
        fresh.tag_affinity,
        fresh.answer_share,
        fresh.typical_age_days,
    )


def test_a_members_kept_text_cosines_give_the_matrix_computed_afresh_and_follow_a_new_pool_or_history() -> None:
    rng = np.random.default_rng(5)
    context = DecisionContext("EVENING", "BEFORE_DECISION", 3, 19.5, tag_shares={"ml": 0.5})
    block = item_block(pool(40, rng), context)
    state = member_state_at("m", NOW.timestamp(), _engagements(6))
    texts = PoolTexts()
    rows = np.arange(0, 40, 3)
    # when
    kept = member_matrix(block, state, rows, texts.of(block, state))
    again = member_matrix(block, state, rows, texts.of(block, state))
    # then: the same matrix as computed without, once computed
    np.testing.assert_array_equal(kept, member_matrix(block, state, rows))
    np.testing.assert_array_equal(again, kept)
    assert (texts.computed, texts.hits) == (1, 1)
    # when: another pool, then another history
    other_block = item_block(pool(40, np.random.default_rng(6)), context)
    texts.of(other_block, state)
    other_state = member_state_at("m", NOW.timestamp(), _engagements(7))
    np.testing.assert_array_equal(
        member_matrix(other_block, other_state, rows, texts.of(other_block, other_state)),
        member_matrix(other_block, other_state, rows),
    )
    # then
    assert texts.computed == 3


def _engagements(n: int) -> Engagements:
    t = NOW.timestamp()
    return Engagements(
        times=t - DAY * np.arange(n, 0, -1, dtype=float),
        weights=np.ones(n),
        strongest=np.arange(n) % 2 == 0,
        created=t - DAY * np.arange(n + 1, 1, -1, dtype=float),
        tags=[("ml",) if k % 2 else ("go", "rust") for k in range(n)],
        author_ids=[f"a{k % 3}" for k in range(n)],
        kinds=["UGC"] * n,
        text=text_matrix([item_text(f"title {k}", f"body ml words {k}", ["ml"]) for k in range(n)]),
    )


async def test_a_slot_runs_members_columns_are_made_once_kept_by_nobody_and_give_the_same_engagements() -> None:
    items = [str(ObjectId()) for _ in range(7)]
    inputs = cached_inputs(items)
    histories = {"a": as_read(history(items)), "b": as_read(history(items[2:]))}
    # when: a slot run's batch (keep=False) makes the columns once for its content ids and its engagements
    made = inputs.columns_of(CID, histories, keep=False)
    engaged = await inputs.engagements(CID, histories, NOW, {m: c.ids for m, c in made.items()}, keep=False, made=made)
    fresh = await cached_inputs(items).engagements(CID, histories, NOW, keep=False)
    # then: the same engagements as made without them, nothing kept and nothing recorded for a next call
    assert not inputs._members
    assert all(c.last is None for c in made.values())
    for m in histories:
        assert engaged[m].times.tolist() == fresh[m].times.tolist()
        assert engaged[m].weights.tolist() == fresh[m].weights.tolist()
        assert list(engaged[m].author_ids) == list(fresh[m].author_ids)
        assert np.array_equal(engaged[m].text.toarray(), fresh[m].text.toarray())
