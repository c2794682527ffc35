"""What every billing store module shares: the document type and running a callback in one transaction."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
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


def in_community(doc: Doc | None, community_id: Any) -> Doc | None:
    """`doc` if it belongs to the community, else None: reads by `_id` alone (SecantusDB's point lookup; `_id`
    plus another field is a collection scan there) keep tenancy by checking the community here."""
    return doc if doc is not None and doc.get("community_id") == community_id else None
