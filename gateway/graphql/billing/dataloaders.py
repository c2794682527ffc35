"""Loaders of members' live subscriptions, one instance per request."""

from __future__ import annotations

from strawberry.dataloader import DataLoader

from billing_service.client import BillingClient
from billing_service.schemas import InvoiceRead, PaymentRead, PlanRead, SubscriptionRead
from gateway.graphql.loaders import Key, scoped_batch
from infra.errors import ServiceError


class MembershipByMemberIdLoader(DataLoader[Key, SubscriptionRead | None]):
    def __init__(self, billing: BillingClient) -> None:
        super().__init__(load_fn=scoped_batch(billing.lookup_memberships))


class PlansByCommunityLoader(DataLoader[str, list[PlanRead]]):
    """A community's plans, read once per request however many subscriptions name one."""

    def __init__(self, billing: BillingClient) -> None:
        async def load(community_ids: list[str]) -> list[list[PlanRead] | BaseException]:
            results: list[list[PlanRead] | BaseException] = []
            for community_id in community_ids:
                try:
                    results.append(await billing.list_plans(community_id))
                except ServiceError as exc:
                    results.append(exc)
            return results

        super().__init__(load_fn=load)


class PaymentByIdLoader(DataLoader[Key, PaymentRead | None]):
    def __init__(self, billing: BillingClient) -> None:
        super().__init__(load_fn=scoped_batch(billing.lookup_payments))


class InvoiceByIdLoader(DataLoader[Key, InvoiceRead | None]):
    def __init__(self, billing: BillingClient) -> None:
        super().__init__(load_fn=scoped_batch(billing.lookup_invoices))
