"""The revenue report: every figure from the ledger (plus subscriptions for churn, users for spend)."""

from __future__ import annotations

from datetime import datetime

from infra.schemas import ApiModel


class StreamShare(ApiModel):
    stream: str
    amount_cents: int
    share: float
    target_share: float


class PlanBreakdown(ApiModel):
    plan_id: str
    plan_name: str
    mrr_cents: int
    subscribers: int


class TierBreakdown(ApiModel):
    """Money paid in the period by members of one value tier (users_service's tiers)."""

    tier: str
    paying_members: int
    paid_cents: int


class LayerBreakdown(ApiModel):
    """Money paid in the period by members of one RFM pyramid layer (users_service's BASE / ACTIVATED / CORE)."""

    layer: str
    paying_members: int
    paid_cents: int


class Funnel(ApiModel):
    engaged_members: int
    paying_members: int
    value_added_buyers: int
    conversion: float
    target: float


class RevenueReport(ApiModel):
    period: str
    start: datetime
    end: datetime
    currency: str
    revenue_cents: int
    costs_cents: int
    gross_margin: float | None
    gross_margin_target_low: float
    gross_margin_target_high: float
    mrr_cents: int
    arr_cents: int
    arpu_cents: int
    arpu_target_cents: int
    paying_members: int
    logo_churn: float | None
    revenue_churn: float | None
    mix: list[StreamShare]
    ltv_cents: int | None
    cac_cents: int | None
    ltv_to_cac: float | None
    ltv_to_cac_target: float
    cvr: float | None
    cvr_target: float
    trial_conversion: float | None
    funnel: Funnel
    by_plan: list[PlanBreakdown]
    cash_collected_cents: int
    refunds_cents: int
    by_tier: list[TierBreakdown] = []
    by_rfm_layer: list[LayerBreakdown] = []
