"""billing_service's only MongoDB module: plans, subscriptions and idempotency records, scoped by community."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.asynchronous.mongo_client import AsyncMongoClient
from pymongo.errors import DuplicateKeyError

from billing_service.schemas import PlanRead, SubscriptionRead
from infra.errors import ConflictError

Doc = dict[str, Any]
IDEMPOTENCY_RETENTION_SECONDS = 48 * 3600


def _plan(doc: Doc) -> PlanRead:
    return PlanRead(
        id=str(doc["_id"]),
        community_id=str(doc["community_id"]),
        name=doc["name"],
        price_cents=doc["price_cents"],
        currency=doc["currency"],
        interval=doc["interval"],
        trial_days=doc.get("trial_days", 0),
        created_at=doc["created_at"],
    )


def _subscription(doc: Doc, plan: Doc) -> SubscriptionRead:
    return SubscriptionRead(
        id=str(doc["_id"]),
        community_id=str(doc["community_id"]),
        member_id=str(doc["member_id"]),
        plan=_plan(plan),
        status=doc["status"],
        current_period_start=doc["current_period_start"],
        current_period_end=doc["current_period_end"],
        created_at=doc["created_at"],
    )


class BillingStore:
    def __init__(self, client: AsyncMongoClient[Doc], db: AsyncDatabase[Doc]) -> None:
        self.client = client
        self.db = db
        self.plans = db["plans"]
        self.subscriptions = db["subscriptions"]
        self.idempotency = db["idempotency_keys"]

    async def ensure_indexes(self) -> None:
        # list_plans: a community's plans in creation order.
        await self.plans.create_index(
            [("community_id", ASCENDING), ("created_at", ASCENDING)], name="community_created"
        )
        # create_subscription + list_live_subscriptions: at most one live subscription per member.
        await self.subscriptions.create_index(
            [("community_id", ASCENDING), ("member_id", ASCENDING)],
            unique=True,
            partialFilterExpression={"live": True},
            name="community_member_live_unique",
        )
        # create_subscription: a key names one request per member; kept at least 24 hours (48 here).
        await self.idempotency.create_index(
            [("community_id", ASCENDING), ("member_id", ASCENDING), ("key", ASCENDING)],
            unique=True,
            name="community_member_key_unique",
        )
        await self.idempotency.create_index(
            "created_at", expireAfterSeconds=IDEMPOTENCY_RETENTION_SECONDS, name="created_at_ttl"
        )

    # Plans

    async def create_plan(self, community_id: ObjectId, fields: Doc) -> PlanRead:
        doc: Doc = {"community_id": community_id, **fields, "created_at": datetime.now(UTC)}
        result = await self.plans.insert_one(doc)
        doc["_id"] = result.inserted_id
        return _plan(doc)

    async def get_plan_doc(self, community_id: ObjectId, plan_id: ObjectId) -> Doc | None:
        return await self.plans.find_one({"_id": plan_id, "community_id": community_id})

    async def list_plans(self, community_id: ObjectId, *, limit: int) -> list[PlanRead]:
        cursor = self.plans.find({"community_id": community_id}).sort("created_at", ASCENDING).limit(limit)
        return [_plan(doc) async for doc in cursor]

    # Subscriptions

    async def create_subscription(
        self,
        *,
        community_id: ObjectId,
        member_id: ObjectId,
        plan: Doc,
        idempotency_key: str,
        request_hash: str,
        subscription: Doc,
    ) -> SubscriptionRead:
        """Create `subscription` once per idempotency key, in one transaction with the key's record.

        A replay with the same key and request returns the first subscription; the same key with another
        request is a CONFLICT. A concurrent twin that loses the race re-reads the winner's record.
        """

        async def attempt(session: AsyncClientSession) -> SubscriptionRead:
            scope = {"community_id": community_id, "member_id": member_id}
            record = await self.idempotency.find_one({**scope, "key": idempotency_key}, session=session)
            if record is not None:
                return await self._replay(record, request_hash, session)
            if await self.subscriptions.find_one({**scope, "live": True}, {"_id": 1}, session=session):
                raise ConflictError("this member already has a live subscription", field="planId")
            doc = {**scope, **subscription, "live": True}
            result = await self.subscriptions.insert_one(doc, session=session)
            doc["_id"] = result.inserted_id
            await self.idempotency.insert_one(
                {
                    **scope,
                    "key": idempotency_key,
                    "request_hash": request_hash,
                    "subscription_id": result.inserted_id,
                    "created_at": datetime.now(UTC),
                },
                session=session,
            )
            return _subscription(doc, plan)

        for tries_left in (1, 0):
            try:
                async with self.client.start_session() as session:
                    created: SubscriptionRead = await session.with_transaction(attempt)
                    return created
            except DuplicateKeyError as exc:
                if not tries_left:
                    raise ConflictError("a concurrent request holds this subscription; retry", field="planId") from exc
        raise AssertionError("unreachable")

    async def _replay(self, record: Doc, request_hash: str, session: AsyncClientSession) -> SubscriptionRead:
        if record["request_hash"] != request_hash:
            raise ConflictError("this idempotency key was used with different parameters", field="idempotencyKey")
        doc = await self.subscriptions.find_one({"_id": record["subscription_id"]}, session=session)
        plan = await self.plans.find_one({"_id": doc["plan_id"]}, session=session) if doc else None
        if doc is None or plan is None:
            raise ConflictError("the subscription this key created no longer exists", field="idempotencyKey")
        return _subscription(doc, plan)

    async def list_live_subscriptions(
        self, community_id: ObjectId, member_ids: list[ObjectId]
    ) -> dict[str, SubscriptionRead]:
        docs = [
            doc
            async for doc in self.subscriptions.find(
                {"community_id": community_id, "member_id": {"$in": member_ids}, "live": True}
            )
        ]
        plan_ids = list({doc["plan_id"] for doc in docs})
        plans = {p["_id"]: p async for p in self.plans.find({"_id": {"$in": plan_ids}, "community_id": community_id})}
        return {
            str(doc["member_id"]): _subscription(doc, plans[doc["plan_id"]]) for doc in docs if doc["plan_id"] in plans
        }

    async def sum_charged_by_member(self, community_id: ObjectId, since: datetime | None) -> dict[str, int]:
        """One charge per non-trial subscription period started so far (until the ledger replaces this)."""
        match: Doc = {"community_id": community_id, "status": {"$ne": "TRIALING"}}
        if since is not None:
            match["current_period_start"] = {"$gte": since}
        docs = [doc async for doc in self.subscriptions.find(match, {"member_id": 1, "plan_id": 1})]
        plan_ids = list({doc["plan_id"] for doc in docs})
        prices = {p["_id"]: p["price_cents"] async for p in self.plans.find({"_id": {"$in": plan_ids}})}
        totals: dict[str, int] = {}
        for doc in docs:
            member = str(doc["member_id"])
            totals[member] = totals.get(member, 0) + int(prices.get(doc["plan_id"], 0))
        return totals
