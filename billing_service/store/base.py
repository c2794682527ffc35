"""What every billing store module shares: the document type and running a callback in one transaction."""

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
