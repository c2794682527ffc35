"""What SecantusDB's per-document rebuild of a collection's index options costs a write, by the indexes it has.

    python -m benchmarks.index_options [--rounds 3] [--inserts 20]

In process, on SecantusDB's `Storage` (in memory, no oplog), no server or network: the CPU milliseconds of
inserting 100 event-shaped documents (median of --rounds rounds of --inserts inserts) into a collection with no
secondary index, and with the index sets `events` had (`UEO`: the partial unique client-id index, the engagement
index and the time-window index) and has (`EO`), each `plain` and `once` — the second with `_index_options_map`
built once per collection and insert chunk instead of once per document and call (the upstream fix, as the
development server installs it: `infra/database_server.install_chunk_index_options`).
Also the CPU milliseconds of one `$inc` upsert of an `item_stats`-shaped document found by its unique
`(community_id, content_id)` index, by a string `_id` (no secondary index: item_stats now), and by a string `_id`
with the unique index kept. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from bson import ObjectId

from benchmarks.common import print_summary
from infra.database_server import install_chunk_index_options

IndexSpec = tuple[str, dict[str, int], dict[str, Any]]
PARTIAL_UNIQUE: IndexSpec = (
    "community_client_event_unique",
    {"community_id": 1, "client_event_id": 1},
    {"unique": True, "partialFilterExpression": {"client_event_id": {"$type": "string"}}},
)
ENGAGED: IndexSpec = (
    "community_engaged_member_occurred_at",
    {"community_id": 1, "engaged": 1, "member_id": 1, "occurred_at": -1},
    {},
)
WINDOW: IndexSpec = ("community_occurred_at", {"community_id": 1, "occurred_at": 1}, {})
INDEX_SETS: dict[str, list[IndexSpec]] = {
    "none": [],
    "EO": [ENGAGED, WINDOW],
    "UEO": [PARTIAL_UNIQUE, ENGAGED, WINDOW],
}
UPDATE = {"$inc": {"counts.OPEN": 1, "engagement": 1.0}, "$set": {"updated_at": 1}}


def event_docs(community: ObjectId, member: ObjectId, items: list[ObjectId]) -> list[dict[str, Any]]:
    now = datetime.now(UTC)
    return [
        {
            "community_id": community,
            "member_id": member,
            "content_id": item,
            "type": "OPEN",
            "occurred_at": now,
            "received_at": now,
            "tags": ["t"],
            "author_id": str(member),
            "kind": "UGC",
            "engaged": True,
        }
        for item in items
    ]


def cpu_ms(work: Callable[[], object], times: int) -> float:
    started = time.process_time()
    for _ in range(times):
        work()
    return 1000 * (time.process_time() - started) / times


def inserts(rounds: int, count: int, *, once: bool) -> dict[str, float]:
    from secantus.storage import Storage

    if once:
        install_chunk_index_options()
    storage = Storage(":memory:", enable_oplog=False)
    community, member = ObjectId(), ObjectId()
    items = [ObjectId() for _ in range(100)]
    for name, indexes in INDEX_SETS.items():
        for index, keys, options in indexes:
            storage.create_index("probe", name, index, keys, options)
    figures: dict[str, list[float]] = {name: [] for name in INDEX_SETS}
    for _ in range(rounds):
        for name in INDEX_SETS:

            def insert(collection: str = name) -> object:
                return storage.insert("probe", collection, event_docs(community, member, items))

            figures[name].append(cpu_ms(insert, count))
    return {name: round(statistics.median(values), 2) for name, values in figures.items()}


def updates(rounds: int) -> dict[str, float]:
    """`by_unique_index`: found by `(community_id, content_id)` on its unique index (item_stats before it was keyed
    by item); `by_string_id`: by `_id`, no secondary index (item_stats now); `by_string_id_index_kept`: by `_id`
    with the unique index still there (the planner skipped, the per-document index work not)."""
    from secantus.storage import Storage

    storage = Storage(":memory:", enable_oplog=False)
    community = ObjectId()
    items = [ObjectId() for _ in range(100)]
    for collection in ("by_index", "by_id_index_kept"):
        storage.create_index(
            "probe", collection, "community_content_unique", {"community_id": 1, "content_id": 1}, {"unique": True}
        )
    storage.insert("probe", "by_index", [{"community_id": community, "content_id": i} for i in items])
    for collection in ("by_id", "by_id_index_kept"):
        docs = [{"_id": f"{community}:{i}", "community_id": community, "content_id": i} for i in items]
        storage.insert("probe", collection, docs)

    def by_fields(item: ObjectId) -> dict[str, Any]:
        return {"community_id": community, "content_id": item}

    def by_key(item: ObjectId) -> dict[str, Any]:
        return {"_id": f"{community}:{item}"}

    ways: dict[str, tuple[str, Callable[[ObjectId], dict[str, Any]]]] = {
        "by_unique_index": ("by_index", by_fields),
        "by_string_id": ("by_id", by_key),
        "by_string_id_index_kept": ("by_id_index_kept", by_key),
    }
    figures: dict[str, list[float]] = {name: [] for name in ways}
    for _ in range(rounds):
        for name, (collection, found) in ways.items():

            def update_all(collection: str = collection, found: Callable[[ObjectId], dict[str, Any]] = found) -> object:
                return [storage.update_matching("probe", collection, found(i), UPDATE, upsert=True) for i in items]

            figures[name].append(cpu_ms(update_all, 3) / 100)
    return {name: round(statistics.median(values), 3) for name, values in figures.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--inserts", type=int, default=20)
    args = parser.parse_args()
    figures: dict[str, Any] = {
        "insert100_cpu_ms": inserts(args.rounds, args.inserts, once=False),
        "upsert_cpu_ms": updates(args.rounds),
    }
    # Last: the patch stays in this process.
    figures["insert100_cpu_ms_options_built_once"] = inserts(args.rounds, args.inserts, once=True)
    print_summary(figures)


if __name__ == "__main__":
    main()
