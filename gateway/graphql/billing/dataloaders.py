"""Loaders of members' live subscriptions, one instance per request."""

from __future__ import annotations

from strawberry.dataloader import DataLoader

from billing_service.client import BillingClient
from billing_service.schemas import SubscriptionRead
from gateway.graphql.loaders import Key, scoped_batch


class MembershipByMemberIdLoader(DataLoader[Key, SubscriptionRead | None]):
    def __init__(self, billing: BillingClient) -> None:
        super().__init__(load_fn=scoped_batch(billing.lookup_memberships))
