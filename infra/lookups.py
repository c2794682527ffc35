"""Reads of many documents by key: `$in` in small chunks, whatever the number of keys.

SecantusDB matches each fetched document against the whole `$in` list, one value after the other, so a query over
n keys costs n x n comparisons: 1,000 keys in one query took 2.7 s of server CPU where the same keys in chunks of
50 took 0.3 s (2,000-document collection). Chunks of IN_CHUNK keep a lookup linear in its keys; below that size
the round trips start to cost more than the matching saves.

A lookup by `_id` sends the server `{_id: {$in}}` alone and checks the rest of `match` (equalities, e.g. the
community) on each document it answers: SecantusDB reads by its `_id` index only a filter of `_id` alone; with any
other field beside it (`{_id: {$in}, community_id}`) it scans the whole collection (explain: COLLSCAN, every
document examined), so the caller's member read cost the server in proportion to the community's members
(~0.75 ms at 2,000 members against ~0.2 ms by `_id`: docs/performance.md, "A feed for a member not kept").
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any

from bson import ObjectId
from pymongo.asynchronous.collection import AsyncCollection

Doc = dict[str, Any]

IN_CHUNK = 32


async def find_in(
    collection: AsyncCollection[Doc],
    match: Doc,
    field: str,
    values: Sequence[Any],
    *,
    projection: Doc | None = None,
    chunk: int = IN_CHUNK,
) -> AsyncIterator[Doc]:
    """The documents matching `match` whose `field` is one of `values`, read IN_CHUNK values per query."""
    if field == "_id" and match and _plain(match, projection):
        async for doc in _find_by_id(collection, match, values, projection=projection, chunk=chunk):
            yield doc
        return
    for start in range(0, len(values), chunk):
        # The keyed field first, as the indexes list it (a lookup by `_id` is `_find_by_id`'s: see above).
        query = {field: {"$in": list(values[start : start + chunk])}, **match}
        async for doc in collection.find(query, projection=projection):
            yield doc


def _plain(match: Doc, projection: Doc | None) -> bool:
    """Whether every condition of `match` is an equality to an ObjectId (a scope such as the community), which a
    document's own value satisfies exactly when it is equal to it (never an array, for these fields), and a
    projection leaves them readable (an inclusion gets them added; an exclusion must not name them)."""
    equalities = all(isinstance(value, ObjectId) and not key.startswith("$") for key, value in match.items())
    readable = projection is None or _inclusion(projection) or not any(key in projection for key in match)
    return equalities and readable


def _inclusion(projection: Doc) -> bool:
    return any(value for key, value in projection.items() if key != "_id")


async def _find_by_id(
    collection: AsyncCollection[Doc], match: Doc, values: Sequence[Any], *, projection: Doc | None, chunk: int
) -> AsyncIterator[Doc]:
    """`find_in` by `_id`: the server reads `{_id: {$in}}` by its index; `match` is checked here, on the fields a
    projection is given to read as well (and left out again of what it did not ask for)."""
    added: list[str] = []
    if projection is not None and _inclusion(projection):
        added = [key for key in match if not projection.get(key)]
        projection = {**projection, **dict.fromkeys(added, 1)}
    for start in range(0, len(values), chunk):
        query = {"_id": {"$in": list(values[start : start + chunk])}}
        async for doc in collection.find(query, projection=projection):
            if all(doc.get(key) == value for key, value in match.items()):
                for key in added:
                    del doc[key]
                yield doc
