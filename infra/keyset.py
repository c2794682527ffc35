"""One keyset page of a collection, newest first on (`field`, _id): the read behind every Relay connection.

Two equality-and-range queries instead of one `$or` (which SecantusDB's planner answers with a collection scan):
the rest of the cursor's own instant first (ties, by id), then everything older. `index` names the index on
(match fields..., field desc, _id desc) that serves both in the page's order.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bson import ObjectId
from pymongo import DESCENDING
from pymongo.asynchronous.collection import AsyncCollection

from infra import cursors
from infra.errors import BadInputError

Doc = dict[str, Any]


async def read_keyset_page(
    collection: AsyncCollection[Doc],
    match: Doc,
    *,
    field: str,
    after: tuple[datetime, ObjectId] | None,
    limit: int,
    index: str,
    projection: Doc | None = None,
) -> list[Doc]:
    order = [(field, DESCENDING), ("_id", DESCENDING)]
    found: list[Doc] = []
    rest = dict(match)
    if after is not None:
        at, last_id = after
        ties = collection.find({**match, field: at, "_id": {"$lt": last_id}}, projection).sort(order).hint(index)
        found = [doc async for doc in ties.limit(limit)]
        rest[field] = {"$lt": at}
    if len(found) < limit:
        older = collection.find(rest, projection).sort(order).hint(index).limit(limit - len(found))
        found += [doc async for doc in older]
    return found


MAX_PAGE = 100


def page_request(first: int, after: str | None) -> tuple[int, tuple[datetime, ObjectId] | None]:
    """(how many to read: one more than `first`, to know whether a next page exists; the position after which to
    read), or BAD_USER_INPUT naming `first` or `after`."""
    if not 1 <= first <= MAX_PAGE:
        raise BadInputError(f"first must be between 1 and {MAX_PAGE}", field="first")
    if not after:
        return first + 1, None
    try:
        return first + 1, cursors.decode(after)
    except cursors.CursorError as exc:
        raise BadInputError("after is not a cursor of this list", field="after") from exc


def page_cursors(stamps: list[tuple[datetime, str]], first: int) -> tuple[list[str], bool]:
    """The cursors of the first `first` items read (by their (date-time, id)), and whether more were there."""
    return [cursors.encode(at, item_id) for at, item_id in stamps[:first]], len(stamps) > first
