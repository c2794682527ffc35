"""Loaders of billing's objects for links and members' live subscriptions, one instance per request."""

from __future__ import annotations

from strawberry.dataloader import DataLoader

from billing_service.client import BillingClient
from billing_service.schemas import InvoiceRead, PaymentRead, PlanRead, SubscriptionRead
from gateway.graphql.loaders import Key, one_by_one, scoped_batch


class MembershipByMemberIdLoader(DataLoader[Key, SubscriptionRead | None]):
    def __init__(self, billing: BillingClient) -> None:
        super().__init__(load_fn=scoped_batch(billing.lookup_memberships))


class PlansByCommunityLoader(DataLoader[str, list[PlanRead]]):
    """A community's plans, read once per request however many subscriptions name one."""

    def __init__(self, billing: BillingClient) -> None:
        super().__init__(load_fn=one_by_one(billing.list_plans))


class PaymentByIdLoader(DataLoader[Key, PaymentRead | None]):
    def __init__(self, billing: BillingClient) -> None:
        super().__init__(load_fn=scoped_batch(billing.lookup_payments))


class SubscriptionByIdLoader(DataLoader[Key, SubscriptionRead | None]):
    def __init__(self, billing: BillingClient) -> None:
        super().__init__(load_fn=scoped_batch(billing.lookup_subscriptions))


class InvoiceByIdLoader(DataLoader[Key, InvoiceRead | None]):
    def __init__(self, billing: BillingClient) -> None:
        super().__init__(load_fn=scoped_batch(billing.lookup_invoices))
