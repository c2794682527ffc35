"""The wrapper's update patch (infra/database_server.install_update_catalog_per_command): an `update` command in a
user transaction reads each collection's catalog once, and stores exactly what SecantusDB as released stores."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import bson
import pytest

from infra.database_server import install_update_catalog_per_command
from tests.infra.test_database_server import collections_read

DB = "probe"
INDEXES: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    ("community_key_unique", {"community_id": 1, "key": 1}, {"unique": True}),
    ("partial_flag", {"flag": 1}, {"partialFilterExpression": {"flag": {"$exists": True}}}),
    ("tags", {"tags": 1}, {}),
    ("vals", {"vals": 1}, {}),  # scalar until an op of the command stores an array: marked multikey mid-command
    ("rank", {"rank": 1}, {}),  # a sort walks it until an op stores an array there
    ("place_2dsphere", {"place": "2dsphere"}, {}),
    ("name_ci", {"name": 1}, {"collation": {"locale": "en", "strength": 2}}),
]
# The storage methods and the command the patch replaces, put back after each test.
PATCHED = ("_iter_indexes", "_coll_options", "_ensure_collection", "_maybe_mark_multikey", "_write_coll_options")


@pytest.fixture
def restored(monkeypatch: pytest.MonkeyPatch) -> None:
    from secantus import commands
    from secantus.storage import Storage

    for name in PATCHED:
        monkeypatch.setattr(Storage, name, getattr(Storage, name))
    monkeypatch.setitem(commands._HANDLERS, "update", commands._HANDLERS["update"])


def base_docs() -> list[dict[str, Any]]:
    return [
        {"_id": n, "community_id": 1, "key": n, "rank": n, "tags": [f"t{n % 3}"], "vals": n % 4, "name": f"Name{n % 4}"}
        | ({"flag": True} if n % 2 else {})
        | {"place": {"type": "Point", "coordinates": [n % 10, n % 5]}}
        for n in range(10)
    ]


def update_ops() -> list[dict[str, Any]]:
    """Ops on every kind of index: an indexed field moved, a partial index entered and left, an array onto a scalar
    index (then found by it), upserts by `_id` and by fields, a duplicate key and a bad point refused between them."""
    return [
        {"q": {"_id": 1}, "u": {"$set": {"key": 100, "name": "RENAMED"}}},
        {"q": {"_id": 2}, "u": {"$set": {"flag": False}}},
        {"q": {"_id": 3}, "u": {"$unset": {"flag": ""}}},
        {"q": {"_id": 4}, "u": {"$set": {"vals": [7, 8]}}},
        {"q": {"vals": 8}, "u": {"$inc": {"hits": 1}}},
        {"q": {"_id": 5}, "u": {"$push": {"tags": "extra"}}},
        {"q": {"tags": "extra"}, "u": {"$set": {"seen": True}}},
        {"q": {"_id": 6}, "u": {"$set": {"key": 100}}},  # refused: (1, 100) is _id 1's now
        {"q": {"_id": 7}, "u": {"$set": {"place": {"type": "Point", "coordinates": [500, 0]}}}},  # refused
        {"q": {"_id": 50}, "u": {"$set": {"community_id": 1, "key": 50, "tags": ["a", "b"]}}, "upsert": True},
        {"q": {"community_id": 1, "key": 60}, "u": {"$setOnInsert": {"_id": 60, "flag": True}}, "upsert": True},
        {"q": {"name": "name2"}, "u": {"$set": {"vals": 9}}, "collation": {"locale": "en", "strength": 2}},
        {"q": {"flag": True}, "u": {"$inc": {"hits": 10}}, "multi": True},
        {"q": {"_id": 0}, "u": {"community_id": 1, "key": 0, "rank": 0, "tags": [], "vals": [1, 2, 3]}},  # replaced
        {"q": {}, "u": {"$set": {"first": 1}}, "sort": {"rank": -1}},
        {"q": {"_id": 8}, "u": {"$set": {"rank": [-5, 99]}}},
        {"q": {}, "u": {"$set": {"first": 2}}, "sort": {"rank": -1}},  # 8 now (mongod: its largest element)
        {"q": {}, "u": {"$set": {"last": 1}}, "sort": {"rank": 1}},  # 8 too (its smallest)
    ]


def table_rows(storage: Any, table: str) -> list[tuple[Any, ...]]:
    return [(key, value) for key, value in storage._collect_prefix(table, (DB,))]


def catalog_rows(storage: Any) -> list[tuple[Any, ...]]:
    """The collections' options without their UUIDs (minted at random by createIndex)."""
    from secantus.storage import _COLL_TABLE

    rows = []
    for key, value in storage._collect_prefix(_COLL_TABLE, (DB,)):
        options = bson.decode(value) if value else {}
        rows.append((key, {k: v for k, v in options.items() if k != "uuid"}))
    return rows


def in_transaction(storage: Any, commands: Iterator[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each command through the server's `update` handler, all in one user transaction, then committed."""
    from secantus import commands as handlers
    from secantus.cursors import CursorRegistry

    ctx = handlers.CommandContext(connection_id=1, storage=storage, cursors=CursorRegistry(), db_name=DB)
    handle = storage.begin_user_transaction()
    with storage.use_user_transaction(handle):
        replies = [handlers._HANDLERS["update"](command, ctx) for command in commands]
    storage.commit_user_transaction(handle)
    storage._close_user_txn_session(handle)
    return replies


def stored_after_updates(storage: Any) -> dict[str, Any]:
    """One bulk update of every kind on an indexed collection and one upserting into a new collection, in a
    transaction; the replies, every table's rows and what reads through the indexes find."""
    from secantus.storage import _IDX_ENTRIES_TABLE, _IDX_TABLE, _UNIQ_TABLE, _doc_table_for

    for name, keys, options in INDEXES:
        storage.create_index(DB, "docs", name, keys, options)
    storage.insert(DB, "docs", base_docs())
    replies = in_transaction(
        storage,
        iter(
            [
                {"update": "docs", "ordered": False, "updates": update_ops()},
                {
                    "update": "fresh",
                    "updates": [{"q": {"_id": n}, "u": {"$set": {"n": n}}, "upsert": True} for n in range(3)],
                },
            ]
        ),
    )
    reads = [
        sorted(d["_id"] for d in storage.find_matching(DB, "docs", query))
        for query in ({"vals": 8}, {"vals": 2}, {"tags": "extra"}, {"flag": True}, {"community_id": 1, "key": 100})
    ]
    return {
        "replies": [
            {k: v for k, v in reply.items() if k not in {"operationTime", "$clusterTime"}} for reply in replies
        ],
        "docs": table_rows(storage, _doc_table_for(DB, "docs")),
        "fresh": table_rows(storage, _doc_table_for(DB, "fresh")),
        "indexes": table_rows(storage, _IDX_TABLE),
        "entries": table_rows(storage, _IDX_ENTRIES_TABLE),
        "unique": table_rows(storage, _UNIQ_TABLE),
        "collections": catalog_rows(storage),
        "reads": reads,
    }


@pytest.mark.usefixtures("restored")
def test_an_update_command_in_a_transaction_stores_the_same_with_its_catalog_read_once() -> None:
    from secantus.storage import Storage

    before = stored_after_updates(Storage(":memory:", enable_oplog=False))
    install_update_catalog_per_command()
    after = stored_after_updates(Storage(":memory:", enable_oplog=False))
    # then: the same replies (the duplicate and the bad point refused), rows, index entries, flags and reads
    assert after == before
    assert [e["index"] for e in after["replies"][0]["writeErrors"]] == [7, 8]
    assert after["reads"][0] == [4]  # found through the index the command itself marked multikey
    marked = {key[2] for key, value in after["indexes"] if bson.decode(value)["options"].get("multikey")}
    assert "vals" in marked
    assert after["fresh"]


@pytest.mark.usefixtures("restored")
def test_what_a_command_writes_to_the_catalog_its_later_reads_see(monkeypatch: pytest.MonkeyPatch) -> None:
    """An index its op marked multikey (the sort picker skips those) and a collection its upsert created: read
    again, not from what the command read before."""
    from secantus import commands as handlers
    from secantus.storage import Storage

    seen: list[tuple[set[str], dict[str, Any] | None]] = []
    update = handlers._HANDLERS["update"]

    def update_then_look(doc: dict[str, Any], ctx: Any) -> dict[str, Any]:
        before = (ctx.storage._multikey_index_names(DB, "docs"), ctx.storage._coll_options(DB, "fresh"))
        reply: dict[str, Any] = update(doc, ctx)
        seen.append(before)
        seen.append((ctx.storage._multikey_index_names(DB, "docs"), ctx.storage._coll_options(DB, "fresh")))
        return reply

    # The patch wraps this handler: its reads run inside the command's catalog.
    monkeypatch.setitem(handlers._HANDLERS, "update", update_then_look)
    install_update_catalog_per_command()
    storage = Storage(":memory:", enable_oplog=False)
    storage.create_index(DB, "docs", "vals", {"vals": 1}, {})
    storage.insert(DB, "docs", [{"_id": 1, "vals": 1}])
    in_transaction(
        storage,
        iter(
            [
                {"update": "docs", "updates": [{"q": {"_id": 1}, "u": {"$set": {"vals": [1, 2]}}}]},
                {"update": "fresh", "updates": [{"q": {"_id": 1}, "u": {"$set": {"n": 1}}, "upsert": True}]},
            ]
        ),
    )
    assert seen[0][0] == set()
    assert seen[1][0] == {"vals"}
    assert seen[2][1] is None
    assert seen[3][1] == {}


@pytest.mark.usefixtures("restored")
@pytest.mark.parametrize("transaction", [True, False])
def test_the_catalog_is_read_once_a_command_only_in_a_transaction(
    transaction: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Outside a transaction each op takes a fresh snapshot, and an index another connection created between two
    ops must be written by the second: there the catalog is read op by op, as released."""
    from secantus import commands as handlers
    from secantus.cursors import CursorRegistry
    from secantus.storage import Storage

    reads = collections_read(monkeypatch, "_iter_indexes")
    install_update_catalog_per_command()
    storage = Storage(":memory:", enable_oplog=False)
    storage.create_index(DB, "many", "k", {"k": 1}, {})
    command = {
        "update": "many",
        "updates": [{"q": {"_id": n}, "u": {"$set": {"k": n}}, "upsert": True} for n in range(100)],
    }
    reads.clear()
    if transaction:
        replies = in_transaction(storage, iter([command]))
    else:
        ctx = handlers.CommandContext(connection_id=1, storage=storage, cursors=CursorRegistry(), db_name=DB)
        replies = [handlers._HANDLERS["update"](command, ctx)]
    read_by_the_command = reads.count("many")
    assert replies[0]["n"] == 100
    assert len(storage.find_matching(DB, "many", {"k": {"$gte": 0}})) == 100
    # once for the command's 100 upserts in a transaction; outside one, several times an op as released
    assert read_by_the_command == 1 if transaction else read_by_the_command >= 300
