"""A member_recent push merged as bytes (store/packed_recent.py) writes exactly what the merge by `_id` and date
writes, and declines whatever it cannot merge that way."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import bson
from bson import ObjectId
from bson.codec_options import CodecOptions

from distribution_service.store.base import Doc
from distribution_service.store.member_recent import (
    EVENTS,
    PACKED,
    RECENT_KEPT,
    _when,
    merged,
    newest_first,
    pack,
    stored_entries,
)
from distribution_service.store.packed_recent import entry_slices, packed_of, prepended

CODEC: CodecOptions[Doc] = CodecOptions(tz_aware=True)
NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


def entries(n: int, *, newest: datetime, step_seconds: int = 7) -> list[Doc]:
    """`n` entries, newest first, `step_seconds` apart, the fields a kept entry has."""
    return [
        {
            "_id": ObjectId(),
            "content_id": ObjectId(),
            "type": "OPEN",
            "occurred_at": newest - timedelta(seconds=step_seconds * k),
            "tags": [f"t{k % 3}"],
            "author_id": f"a{k % 4}",
            "kind": "UGC",
            "dwell_ms": k,
        }
        for k in range(n)
    ]


def slow(stored: Doc | None, pushed: list[Doc]) -> bytes:
    """The merge by `_id` and date, as every push made it before."""
    kept = stored_entries(stored, CODEC) if stored is not None else []
    return bytes(pack(newest_first([*pushed, *kept], RECENT_KEPT)))


def test_the_packed_layout_is_read_and_written_back_byte_for_byte() -> None:
    for n in (0, 1, 57, RECENT_KEPT):
        packed = bytes(pack(entries(n, newest=NOW)))
        slices = entry_slices(packed, RECENT_KEPT)
        assert slices is not None
        assert len(slices) == n
        assert bytes(packed_of(slices)) == packed


def test_pushes_newer_than_every_kept_entry_merge_as_bytes_to_what_the_slow_merge_writes() -> None:
    rng = random.Random(14)
    for _ in range(200):
        kept = entries(rng.choice((0, 1, 40, 99, RECENT_KEPT)), newest=NOW)
        pushed = entries(rng.choice((1, 2, 30, RECENT_KEPT, RECENT_KEPT + 20)), newest=NOW + timedelta(hours=1))
        rng.shuffle(pushed)  # a take's events in any order
        stored = {"_id": "c:m", PACKED: pack(kept)}
        fast = prepended(bytes(pack(kept)), newest_first(pushed, RECENT_KEPT), RECENT_KEPT, CODEC, _when)
        assert fast is not None
        assert bytes(fast) == slow(stored, pushed)
        assert bytes(merged(stored, pushed, CODEC)) == slow(stored, pushed)


def test_a_push_not_newer_than_the_newest_kept_entry_is_merged_by_id_and_date() -> None:
    kept = entries(RECENT_KEPT, newest=NOW)
    packed = bytes(pack(kept))
    older = entries(3, newest=NOW - timedelta(seconds=30), step_seconds=1)  # among the kept ones
    same_time = [{**entries(1, newest=NOW)[0]}]  # as old as the newest kept
    again = [dict(kept[0])]  # an event pushed twice
    for pushed in (older, same_time, again, [*entries(2, newest=NOW + timedelta(hours=1)), *older]):
        newest = newest_first(pushed, RECENT_KEPT)
        assert prepended(packed, newest, RECENT_KEPT, CODEC, _when) is None
        stored = {"_id": "c:m", PACKED: pack(kept)}
        result = bson.decode(bytes(merged(stored, pushed, CODEC)), CODEC)[EVENTS]
        assert bytes(merged(stored, pushed, CODEC)) == slow(stored, pushed)
        assert len({e["_id"] for e in result}) == len(result) == RECENT_KEPT
    # the event pushed twice is kept once, where it was
    assert [e["_id"] for e in bson.decode(slow({PACKED: pack(kept)}, again), CODEC)[EVENTS]] == [e["_id"] for e in kept]


def test_a_document_an_older_version_wrote_or_bytes_of_another_layout_are_merged_the_slow_way() -> None:
    kept = entries(10, newest=NOW)
    pushed = entries(2, newest=NOW + timedelta(hours=1))
    older_array = {"_id": "c:m", EVENTS: kept}
    beside = {"_id": "c:m", PACKED: pack(kept[:5]), EVENTS: kept[5:]}
    for stored in (older_array, beside, None):
        assert bytes(merged(stored, pushed, CODEC)) == slow(stored, pushed)
    other_layout = bson.encode({"entries": kept})
    assert entry_slices(other_layout, RECENT_KEPT) is None
    not_documents = bson.encode({EVENTS: [1, 2, 3]})
    assert entry_slices(not_documents, RECENT_KEPT) is None
    assert prepended(not_documents, pushed, RECENT_KEPT, CODEC, _when) is None
