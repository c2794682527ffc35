"""Per-request DataLoaders: one batched call per service however many items a response holds."""

from __future__ import annotations

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
    """Every domain's loaders, built fresh for each request so that nothing is cached across callers."""

    def __init__(self, users: UsersClient, content: ContentClient, billing: BillingClient, viewer: ViewerRef) -> None:
        self.member_by_id = MemberByIdLoader(users)
        # The caller behind the request: up to MEMBER_READ_TTL_SECONDS old (infra/kept_docs.py).
        self.caller_by_id = MemberByIdLoader(users, cached=True)
        self.content_by_id = ContentByIdLoader(content, viewer)
        # A feed's items: pieces up to CONTENT_CARD_TTL_SECONDS old (infra/kept_docs.py).
        self.feed_content_by_id = ContentByIdLoader(content, viewer, cached=True)
        self.membership_by_member_id = MembershipByMemberIdLoader(billing)
        self.community_by_id = CommunityByIdLoader(users)
        self.campaign_by_id = CampaignByIdLoader(users)
        self.plans_by_community = PlansByCommunityLoader(billing)
        self.payment_by_id = PaymentByIdLoader(billing)
        self.subscription_by_id = SubscriptionByIdLoader(billing)
        self.invoice_by_id = InvoiceByIdLoader(billing)
