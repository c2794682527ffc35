"""Commerce figures for users_service's health indicators, all read from the ledger and subscriptions."""

from __future__ import annotations

from datetime import datetime

from infra.schemas import ApiModel


class CommerceFigures(ApiModel):
    """Over W, the 30 days before `as_of`; "previous" is the 30 days before W. Money in minor units."""

    as_of: datetime
    revenue_cents: int
    revenue_previous_cents: int
    membership_cents: int
    value_added_cents: int
    costs_cents: int
    refunds_cents: int
    sales: int  # membership charges and value-added sales
    sales_cents: int
    payers: int
    payers_previous: int
    repeat_payers: int  # paid in both windows
    new_payers: int  # paid in W and never before
    live_at_start: int  # subscriptions live at the start of W
    churned: int  # of those, ended in W
    trials_ended: int
    trials_converted: int
    ltv_cents: int | None  # member ARPU × gross margin ÷ monthly logo churn


class MemberPayments(ApiModel):
    """One member's membership charges and value-added sales in W, and whether they paid in the previous window."""

    member_id: str
    sales: int
    sales_cents: int
    previous: bool


class MemberPaymentsList(ApiModel):
    """Every member who paid in W or the previous window; the health indicators group them by segment."""

    as_of: datetime
    items: list[MemberPayments]
