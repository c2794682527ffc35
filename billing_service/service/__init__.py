"""billing_service's rules, composed: one facade over the per-concept services that routes call."""

from __future__ import annotations

from datetime import timedelta

from billing_service.domain.dunning import DunningPolicy
from billing_service.payments.faults import FaultPoints
from billing_service.payments.provider import PaymentProvider
from billing_service.service.analytics import AnalyticsService
from billing_service.service.charging import PaymentFlow
from billing_service.service.commerce import CommerceService
from billing_service.service.coupons import CouponsService
from billing_service.service.cycle import BillingCycle
from billing_service.service.figures import FiguresService
from billing_service.service.idempotency import IdempotentRunner
from billing_service.service.invoices import InvoiceService
from billing_service.service.members import MemberCheck
from billing_service.service.membership import MembershipBook
from billing_service.service.recognition import Recognition
from billing_service.service.refunds import RefundService
from billing_service.service.rewards import RewardsService
from billing_service.service.subscriptions import SubscriptionService
from billing_service.store import BillingStore
from distribution_service.client import DistributionClient
from infra.settings import Settings
from users_service.client import UsersClient


def replay_wait_seconds(settings: Settings) -> float:
    """How long a twin request waits for the first one's result: at most half the gateway's service timeout, so
    that its "in progress; retry" CONFLICT reaches the client before the gateway gives up with UNAVAILABLE."""
    return max(0.0, min(settings.billing_replay_wait_seconds, settings.service_timeout_seconds / 2))


class BillingService:
    def __init__(
        self,
        store: BillingStore,
        provider: PaymentProvider,
        settings: Settings,
        *,
        users: UsersClient | None = None,
        distribution: DistributionClient | None = None,
    ) -> None:
        self.store = store
        self.provider = provider
        self.faults = FaultPoints()
        default_method = None if settings.is_production else settings.billing_default_payment_method
        policy = DunningPolicy(
            retry_days=tuple(settings.billing_dunning_retry_days),
            notice_day=settings.billing_dunning_notice_day,
            block_day=settings.billing_dunning_block_day,
            cancel_day=settings.billing_dunning_cancel_day,
        )
        members = MemberCheck(users)
        self.invoices = InvoiceService(
            store, members, tax_rate_bps=settings.billing_tax_rate_bps, cjk_font=settings.invoice_cjk_font
        )
        self.flow = PaymentFlow(
            store, provider, self.invoices, tax_rate_bps=settings.billing_tax_rate_bps, faults=self.faults
        )
        runner = IdempotentRunner(
            store,
            lease_seconds=settings.billing_payment_lease_seconds,
            wait_seconds=replay_wait_seconds(settings),
        )
        recognition = Recognition(store)
        book = MembershipBook(store, self.flow, recognition, policy)
        self.coupons = CouponsService(store)
        self.subscriptions = SubscriptionService(
            store, self.flow, runner, recognition, users, self.coupons, default_method=default_method
        )
        self.commerce = CommerceService(store, self.flow, runner, recognition, members, default_method=default_method)
        self.refunds = RefundService(store, self.flow, runner)
        self.rewards = RewardsService(store)
        self.cycle = BillingCycle(
            store,
            self.flow,
            book,
            recognition,
            policy,
            default_method=default_method,
            production=settings.is_production,
            pending_grace=timedelta(seconds=settings.billing_payment_lease_seconds),
        )
        self.analytics = AnalyticsService(store, settings, users, distribution)
        self.figures = FiguresService(store)
