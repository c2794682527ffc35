"""Commerce: conversion, unit economics and ARPU (3 primary), and the 9 secondary indicators beneath them."""

from __future__ import annotations

from users_service.domain.health.formulas import MEMBER_REVENUE, minus, num, per, ratio, total
from users_service.domain.health.model import (
    Dimension,
    Direction,
    Figures,
    Indicator,
    IndicatorLevel,
    Thresholds,
)

P, S = IndicatorLevel.PRIMARY, IndicatorLevel.SECONDARY
B = Dimension.COMMERCE
UP, DOWN = Direction.HIGHER, Direction.LOWER


def _conversion(f: Figures) -> float | None:
    value = per(f, "payers", "mau")
    return None if value is None else min(1.0, value)


def _ltv_to_cac(f: Figures) -> float | None:
    return ratio(num(f, "ltv_cents"), num(f, "cac_cents"))


def _growth(f: Figures) -> float | None:
    grown = per(f, "revenue_cents", "revenue_previous_cents")
    return None if grown is None else round(grown - 1, 6)


INDICATORS = (
    Indicator(
        "conversionRate",
        "Paid conversion rate (CVR)",
        P,
        B,
        "ratio",
        UP,
        "members with a membership charge or value-added sale in W ÷ mau (at most 1)",
        "playbook: CVR above 3% is good",
        Thresholds(0.03, 0.03, 0.01),
        _conversion,
    ),
    Indicator(
        "ltvToCac",
        "LTV / CAC",
        P,
        B,
        "ratio",
        UP,
        "LTV (member ARPU × gross margin ÷ monthly logo churn, from the ledger) ÷ CAC (acquisition spend in W ÷ "
        "members who joined in W, as acquisitionReport computes it)",
        "playbook: LTV/CAC above 3.5 is healthy; industry practice: below 1 loses money on every member",
        Thresholds(3.5, 3, 1),
        _ltv_to_cac,
    ),
    Indicator(
        "arpu",
        "ARPU (paying members)",
        P,
        B,
        "cents",
        UP,
        "(membership + value-added revenue recognised in W) ÷ members who paid in W",
        "playbook: ARPU raised to 28.6 CNY",
        Thresholds(2860, 1430, 715),
        lambda f: ratio(total(f, MEMBER_REVENUE), num(f, "payers")),
    ),
    Indicator(
        "trialConversion",
        "Trial conversion",
        S,
        B,
        "ratio",
        UP,
        "trials ending in W that converted to a paid subscription ÷ trials ending in W",
        "playbook: the 7-day experience camp converts 19.3%",
        Thresholds(0.193, 0.1, 0.05),
        lambda f: per(f, "trials_converted", "trials_ended"),
        "conversionRate",
    ),
    Indicator(
        "membershipRevenueShare",
        "Membership revenue share",
        S,
        B,
        "ratio",
        UP,
        "membership revenue ÷ all revenue in W",
        "playbook four-way monetisation: membership subscriptions 35%",
        Thresholds(0.35, 0.25, 0.15),
        lambda f: per(f, "membership_cents", "revenue_cents"),
        "conversionRate",
    ),
    Indicator(
        "grossMargin",
        "Gross margin",
        S,
        B,
        "ratio",
        UP,
        "(revenue − costs) ÷ revenue in W, from the ledger",
        "playbook: gross margin steady at 58-62%",
        Thresholds(0.58, 0.5, 0.3),
        lambda f: ratio(minus(num(f, "revenue_cents"), num(f, "costs_cents")), num(f, "revenue_cents")),
        "ltvToCac",
    ),
    Indicator(
        "logoChurn",
        "Subscription churn",
        S,
        B,
        "ratio",
        DOWN,
        "subscriptions live at the start of W that ended in W ÷ subscriptions live at the start of W",
        "industry practice (subscription businesses): 3-5% monthly churn; above 10% is alarming",
        Thresholds(0.05, 0.08, 0.15),
        lambda f: per(f, "churned", "live_at_start"),
        "ltvToCac",
    ),
    Indicator(
        "revenueGrowth",
        "Revenue growth",
        S,
        B,
        "ratio",
        UP,
        "revenue in W ÷ revenue in the 30 days before W − 1",
        "industry practice: 5% month-over-month growth; a shrinking month warns",
        Thresholds(0.05, 0, -0.1),
        _growth,
        "arpu",
    ),
    Indicator(
        "repurchaseRate",
        "Repurchase rate",
        S,
        B,
        "ratio",
        UP,
        "members who paid in both the previous 30 days and W ÷ members who paid in the previous 30 days",
        "playbook: the RFM pyramid lifted repurchase by 32%; platform default 30%",
        Thresholds(0.3, 0.2, 0.1),
        lambda f: per(f, "repeat_payers", "payers_previous"),
        "arpu",
    ),
    Indicator(
        "averageOrderValue",
        "Average order value",
        S,
        B,
        "cents",
        UP,
        "amount of membership charges and value-added sales in W ÷ their number",
        "playbook: order value +28.4%; default the playbook's ARPU of 28.6 CNY",
        Thresholds(2860, 1430, 715),
        lambda f: per(f, "sales_cents", "sales"),
        "arpu",
    ),
    Indicator(
        "valueAddedRevenueShare",
        "Value-added revenue share",
        S,
        B,
        "ratio",
        UP,
        "value-added revenue ÷ all revenue in W",
        "playbook four-way monetisation: value-added services 28%",
        Thresholds(0.28, 0.2, 0.1),
        lambda f: per(f, "value_added_cents", "revenue_cents"),
        "arpu",
    ),
    Indicator(
        "refundRate",
        "Refund rate",
        S,
        B,
        "ratio",
        DOWN,
        "refunds paid back in W ÷ revenue in W",
        "industry practice (digital goods): 2% refunds; above 10% signals a product or billing fault",
        Thresholds(0.02, 0.05, 0.1),
        lambda f: per(f, "refunds_cents", "revenue_cents"),
        "arpu",
    ),
)
