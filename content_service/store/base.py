"""What every content store module shares: the document type and running a callback in one transaction."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.mongo_client import AsyncMongoClient

Doc = dict[str, Any]
Session = AsyncClientSession
T = TypeVar("T")


async def in_transaction(client: AsyncMongoClient[Doc], callback: Callable[[Session], Awaitable[T]]) -> T:
    """Run `callback` in one MongoDB transaction (retried by the driver on transient conflicts)."""
    async with client.start_session() as session:
        result: T = await session.with_transaction(callback)
        return result


def in_community(doc: Doc | None, community_id: Any) -> Doc | None:
    """`doc` if it belongs to the community, else None: reads by `_id` alone (SecantusDB's point lookup; `_id`
    plus another field is a collection scan there) keep tenancy by checking the community here."""
    return doc if doc is not None and doc.get("community_id") == community_id else None
