"""billing_service's only MongoDB package: one module per concept, composed here."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.asynchronous.mongo_client import AsyncMongoClient

from billing_service.store.base import Doc, Session, in_transaction
from billing_service.store.commerce import CommerceStore
from billing_service.store.coupons import CouponsStore
from billing_service.store.idempotency import IdempotencyStore
from billing_service.store.invoices import InvoicesStore
from billing_service.store.ledger import LedgerStore
from billing_service.store.payments import PaymentsStore
from billing_service.store.rewards import RewardsStore
from billing_service.store.subscriptions import SubscriptionsStore
from infra.outbox import Outbox

__all__ = ["BillingStore", "Doc", "Session"]
T = TypeVar("T")


class BillingStore:
    def __init__(self, client: AsyncMongoClient[Doc], db: AsyncDatabase[Doc]) -> None:
        self.client = client
        self.db = db
        self.ledger = LedgerStore(db)
        self.idempotency = IdempotencyStore(db)
        self.payments = PaymentsStore(db)
        self.subscriptions = SubscriptionsStore(db)
        self.coupons = CouponsStore(db)
        self.invoices = InvoicesStore(db)
        self.commerce = CommerceStore(db)
        self.rewards = RewardsStore(db)
        # Webhook events (payment.succeeded, subscription.canceled), written in the transaction of the change.
        self.outbox = Outbox(db["outbox"])
        # Set by the app to wake the outbox relay once events are committed.
        self.on_commit: Callable[[], None] = lambda: None

    async def ensure_indexes(self) -> None:
        parts = (
            self.ledger,
            self.idempotency,
            self.payments,
            self.subscriptions,
            self.coupons,
            self.invoices,
            self.commerce,
            self.rewards,
            self.outbox,
        )
        for part in parts:
            await part.ensure_indexes()

    async def transaction(self, callback: Callable[[Session], Awaitable[T]]) -> T:
        result = await in_transaction(self.db, callback)
        self.on_commit()
        return result
