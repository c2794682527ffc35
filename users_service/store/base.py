"""What every users store module shares: the document type, one transaction, and a [start, end) period filter."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, TypeVar

from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from infra.mongo import run_transaction

Doc = dict[str, Any]
Session = AsyncClientSession
T = TypeVar("T")


async def in_transaction(db: AsyncDatabase[Doc], callback: Callable[[Session], Awaitable[T]]) -> T:
    """Run `callback` in one MongoDB transaction: retried whole on transient errors, bounded in time, and on a
    journaled database acknowledged once on disk (see infra.mongo.run_transaction)."""
    return await run_transaction(db, callback)


def in_period(match: Doc, field: str, start: datetime | None, end: datetime | None) -> Doc:
    """`match` narrowed to `field` in [start, end); an open end is no bound."""
    window: Doc = {}
    if start is not None:
        window["$gte"] = start
    if end is not None:
        window["$lt"] = end
    return {**match, field: window} if window else match
