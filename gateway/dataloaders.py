"""Per-request DataLoaders: one batched call per service however many items a response holds."""

from __future__ import annotations

from functools import cached_property

from billing_service.client import BillingClient
from content_service.client import ContentClient
from content_service.schemas import ViewerRef
from gateway.graphql.billing.dataloaders import (
    InvoiceByIdLoader,
    MembershipByMemberIdLoader,
    PaymentByIdLoader,
    PlansByCommunityLoader,
    SubscriptionByIdLoader,
)
from gateway.graphql.content.dataloaders import ContentByIdLoader
from gateway.graphql.users.dataloaders import CampaignByIdLoader, CommunityByIdLoader, MemberByIdLoader
from users_service.client import UsersClient


class Loaders:
    """Every domain's loaders, fresh for each request so that nothing is cached across callers; each built on its
    first use (most requests use one or two of the eleven: a `recordEvent` only `caller_by_id`)."""

    def __init__(self, users: UsersClient, content: ContentClient, billing: BillingClient, viewer: ViewerRef) -> None:
        self._users = users
        self._content = content
        self._billing = billing
        self._viewer = viewer

    @cached_property
    def member_by_id(self) -> MemberByIdLoader:
        return MemberByIdLoader(self._users)

    @cached_property
    def caller_by_id(self) -> MemberByIdLoader:
        """The caller behind the request: up to MEMBER_READ_TTL_SECONDS old (infra/kept_docs.py)."""
        return MemberByIdLoader(self._users, cached=True)

    @cached_property
    def content_by_id(self) -> ContentByIdLoader:
        return ContentByIdLoader(self._content, self._viewer)

    @cached_property
    def feed_content_by_id(self) -> ContentByIdLoader:
        """A feed's items: pieces up to CONTENT_CARD_TTL_SECONDS old (infra/kept_docs.py)."""
        return ContentByIdLoader(self._content, self._viewer, cached=True)

    @cached_property
    def membership_by_member_id(self) -> MembershipByMemberIdLoader:
        return MembershipByMemberIdLoader(self._billing)

    @cached_property
    def community_by_id(self) -> CommunityByIdLoader:
        return CommunityByIdLoader(self._users)

    @cached_property
    def campaign_by_id(self) -> CampaignByIdLoader:
        return CampaignByIdLoader(self._users)

    @cached_property
    def plans_by_community(self) -> PlansByCommunityLoader:
        return PlansByCommunityLoader(self._billing)

    @cached_property
    def payment_by_id(self) -> PaymentByIdLoader:
        return PaymentByIdLoader(self._billing)

    @cached_property
    def subscription_by_id(self) -> SubscriptionByIdLoader:
        return SubscriptionByIdLoader(self._billing)

    @cached_property
    def invoice_by_id(self) -> InvoiceByIdLoader:
        return InvoiceByIdLoader(self._billing)
