"""What the ingest worker's client spends merging a push into a member's packed `member_recent` entries.

    python -m benchmarks.member_recent_merge [--repeat 2000] [--rounds 5]

A member's document with RECENT_KEPT (100) entries, as a take of events from many members finds it, and a push of
one event newer than all of them (a `recordEvent` under `events_many_members`: about one push a member an event):
merged by decoding the kept entries, merging by `_id` and date and encoding them again (what every push did before
store/packed_recent.py), and merged as bytes (`member_recent.merged`, the kept entries copied undecoded). Also a
push of 100 newer events (a member's `recordEvents` of 100), and one older event (a late one: `merged` then takes
the slow way, so its figure is the slow merge plus the check). This process's CPU microseconds per merge, medians of
--rounds rounds of --repeat merges each, the modes alternating; both results are checked byte for byte. One JSON
line.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from bson import ObjectId
from bson.codec_options import CodecOptions

from benchmarks.common import print_summary
from distribution_service.store.base import Doc
from distribution_service.store.member_recent import (
    PACKED,
    RECENT_KEPT,
    entry,
    merged,
    newest_first,
    pack,
    stored_entries,
)

CODEC: CodecOptions[Doc] = CodecOptions(tz_aware=True)


def events(n: int, newest: datetime) -> list[Doc]:
    """`n` engagement entries, newest first, a second apart (the fields an entry keeps)."""
    return [
        entry(
            {
                "_id": ObjectId(),
                "content_id": ObjectId(),
                "type": "OPEN",
                "occurred_at": newest - timedelta(seconds=k),
                "tags": ["python", "asyncio"],
                "author_id": ObjectId(),
                "kind": "UGC",
                "dwell_ms": 1200 + k,
            }
        )
        for k in range(n)
    ]


def slow_merge(stored: Doc, pushed: list[Doc]) -> bytes:
    """The merge every push made before: the kept entries decoded, merged by `_id` and date, encoded again."""
    kept = stored_entries(stored, CODEC)
    return bytes(pack(newest_first([*pushed, *kept], RECENT_KEPT)))


def per_merge_us(merge: Callable[[], Any], repeat: int) -> float:
    started = time.process_time()
    for _ in range(repeat):
        merge()
    return 1e6 * (time.process_time() - started) / repeat


def run(repeat: int, rounds: int) -> dict[str, Any]:
    now = datetime.now(UTC)
    stored = {"_id": "community:member", PACKED: pack(events(RECENT_KEPT, now))}
    cases = {
        "one_newer": events(1, now + timedelta(minutes=1)),
        "hundred_newer": events(100, now + timedelta(hours=1)),
        "one_older": events(1, now - timedelta(seconds=30, milliseconds=500)),
    }
    figures: dict[str, Any] = {"repeat": repeat, "rounds": rounds, "kept_entries": RECENT_KEPT}
    for name, pushed in cases.items():
        assert bytes(merged(stored, pushed, CODEC)) == slow_merge(stored, pushed)
        decoded: list[float] = []
        as_bytes: list[float] = []

        def slow_way(pushed: list[Doc] = pushed) -> bytes:
            return slow_merge(stored, pushed)

        def as_bytes_way(pushed: list[Doc] = pushed) -> Any:
            return merged(stored, pushed, CODEC)

        for _ in range(rounds):
            decoded.append(per_merge_us(slow_way, repeat))
            as_bytes.append(per_merge_us(as_bytes_way, repeat))
        slow, fast = statistics.median(decoded), statistics.median(as_bytes)
        figures[name] = {
            "decoded_us": round(slow, 1),
            "merged_us": round(fast, 1),
            "ratio": round(fast / slow, 4),
        }
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print_summary(run(args.repeat, args.rounds))


if __name__ == "__main__":
    main()
