"""Stripe's idempotency semantics for every money-moving operation.

A key (<= 255 characters) is scoped to its caller. The first request with a key records it, runs, and saves
its final result - a body or an error - once the operation ran; a replay with the same parameters returns that
result; the same key with other parameters is a CONFLICT. A request refused by validation (`prepare`) saves
nothing. A request whose runner failed or crashed part-way is resumed by the next request with its key once the
lease lapses (at once when the failure was caught): `proceed` must therefore be safe to run again.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from bson import ObjectId
from pymongo.errors import DuplicateKeyError

from billing_service.store import BillingStore, Doc, Session
from infra.errors import ConflictError, ServiceError, UnavailableError, error_from_body

P = TypeVar("P")


def fingerprint(params: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(params, sort_keys=True, default=str).encode()).hexdigest()


class IdempotentRunner:
    def __init__(self, store: BillingStore, *, lease_seconds: float, wait_seconds: float) -> None:
        self.store = store
        self.lease_seconds = lease_seconds
        self.wait_seconds = wait_seconds

    async def run(
        self,
        *,
        community_id: ObjectId,
        scope: str,
        key: str,
        params: dict[str, Any],
        prepare: Callable[[], Awaitable[P]],
        start: Callable[[Session, P], Awaitable[Doc]],
        proceed: Callable[[Doc], Awaitable[Doc]],
        on_duplicate: Callable[[DuplicateKeyError], ServiceError] | None = None,
    ) -> Doc:
        """The operation's body: the saved one on a replay, else from `start` (one transaction) then `proceed`."""
        request_hash = fingerprint(params)
        records = self.store.idempotency
        deadline = time.monotonic() + self.wait_seconds
        delay = 0.01
        while True:
            record = await records.find(community_id, scope, key)
            if record is None:
                try:
                    prepared = await prepare()
                except ServiceError:
                    if await records.find(community_id, scope, key) is not None:
                        continue  # a twin committed while we validated: what it did is the answer
                    raise

                async def begin(session: Session, prepared: P = prepared) -> Doc:
                    ref = await start(session, prepared)
                    await records.start(
                        session,
                        community_id=community_id,
                        scope=scope,
                        key=key,
                        request_hash=request_hash,
                        lease=self.lease_seconds,
                        ref=ref,
                    )
                    return ref

                try:
                    ref = await self.store.transaction(begin)
                except DuplicateKeyError as exc:
                    if await records.find(community_id, scope, key) is not None:
                        continue  # a twin with the same key got there first: answer as a replay
                    raise (on_duplicate(exc) if on_duplicate else ConflictError("a concurrent request won")) from exc
                return await self._proceed(community_id, scope, key, {"ref": ref}, proceed)
            if record["request_hash"] != request_hash:
                raise ConflictError("this idempotency key was used with different parameters", field="idempotencyKey")
            if record["state"] == "done":
                return self._replay(record)
            if await records.acquire(community_id, scope, key, self.lease_seconds):
                return await self._proceed(community_id, scope, key, record, proceed)
            # A twin holds the lease: wait for its result, or for its lease to lapse (it crashed) and take over.
            if time.monotonic() > deadline:
                raise ConflictError("a request with this idempotency key is in progress; retry", field="idempotencyKey")
            await asyncio.sleep(delay)
            delay = min(delay * 1.5, 0.2)

    async def _proceed(
        self, community_id: ObjectId, scope: str, key: str, record: Doc, proceed: Callable[[Doc], Awaitable[Doc]]
    ) -> Doc:
        records = self.store.idempotency
        try:
            body = await proceed(record["ref"])
        except UnavailableError:
            await records.release(community_id, scope, key)
            raise
        except ServiceError as exc:
            # The operation ran and failed for good (a decline): replays get the same error.
            await records.complete(community_id, scope, key, {"error": exc.to_body(), "status": exc.status})
            raise
        except BaseException:
            await records.release(community_id, scope, key)
            raise
        await records.complete(community_id, scope, key, {"body": body})
        return body

    @staticmethod
    def _replay(record: Doc) -> Doc:
        result = record["result"]
        if "error" in result:
            raise error_from_body(result["error"], result["status"])
        body: Doc = result["body"]
        return body
