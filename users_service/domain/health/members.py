"""Members: stickiness, retention and voice (3 primary), and the 11 secondary indicators beneath them."""

from __future__ import annotations

from users_service.domain.health.formulas import LAYERS, WINDOW_DAYS, minus, num, per, ratio, scaled, total
from users_service.domain.health.model import (
    Dimension,
    Direction,
    Figures,
    Formula,
    Indicator,
    IndicatorLevel,
    Thresholds,
)

P, S = IndicatorLevel.PRIMARY, IndicatorLevel.SECONDARY
M = Dimension.MEMBERS
UP, DOWN = Direction.HIGHER, Direction.LOWER


def _dau(f: Figures) -> float | None:
    return scaled(num(f, "member_days"), 1 / WINDOW_DAYS)


def _nps(f: Figures) -> float | None:
    return scaled(ratio(minus(num(f, "nps_promoters"), num(f, "nps_detractors")), num(f, "nps_responses")), 100)


def _dormant(f: Figures) -> float | None:
    active = per(f, "active_90", "members")
    return None if active is None else round(1 - active, 6)


def _layer(name: str) -> Formula:
    return lambda f: ratio(num(f, name), total(f, LAYERS))


INDICATORS = (
    Indicator(
        "stickiness",
        "Stickiness (DAU/MAU)",
        P,
        M,
        "ratio",
        UP,
        "average daily engaged members over W (member_days / 30) ÷ members engaged in W (mau)",
        "playbook names DAU/MAU; its '> 1.2' is impossible, industry practice treats ≥ 0.2 as sticky",
        Thresholds(0.2, 0.2, 0.1),
        lambda f: ratio(_dau(f), num(f, "mau")),
    ),
    Indicator(
        "memberRetention",
        "30-day member retention",
        P,
        M,
        "ratio",
        UP,
        "members engaged in both the previous 30 days and W (retained) ÷ members engaged in the previous 30 days",
        "playbook: the 21-day growth plan lifts retention to 41%",
        Thresholds(0.41, 0.3, 0.2),
        lambda f: per(f, "retained", "mau_previous"),
    ),
    Indicator(
        "nps",
        "Net Promoter Score",
        P,
        M,
        "points",
        UP,
        "100 × (promoters − detractors) ÷ NPS responses of the last 90 days",
        "playbook: NPS > 40 is excellent; Bain: below 0 is a warning sign",
        Thresholds(40, 20, 0),
        _nps,
    ),
    Indicator(
        "dailyActiveMembers",
        "Daily active members (DAU)",
        S,
        M,
        "members",
        UP,
        "member_days / 30: distinct (member, UTC day) pairs with an engagement event in W, per day",
        "0.2 × the playbook's growth-stage MAU of 100,000",
        Thresholds(20_000, 1_000, 100),
        _dau,
        "stickiness",
    ),
    Indicator(
        "weeklyActiveMembers",
        "Weekly active members (WAU)",
        S,
        M,
        "members",
        UP,
        "distinct members with an engagement event in the 7 days before the snapshot",
        "0.5 × the playbook's growth-stage MAU of 100,000",
        Thresholds(50_000, 2_500, 250),
        lambda f: num(f, "wau"),
        "stickiness",
    ),
    Indicator(
        "monthlyActiveMembers",
        "Monthly active members (MAU)",
        S,
        M,
        "members",
        UP,
        "distinct members with an engagement event (any event but an impression) in W",
        "playbook: growth stage passes 100,000 monthly actives; launch seeds 5,000",
        Thresholds(100_000, 5_000, 500),
        lambda f: num(f, "mau"),
        "stickiness",
    ),
    Indicator(
        "weeklyStickiness",
        "Weekly stickiness (WAU/MAU)",
        S,
        M,
        "ratio",
        UP,
        "wau ÷ mau",
        "industry practice: WAU/MAU of 0.5 and more for habitual products",
        Thresholds(0.5, 0.4, 0.25),
        lambda f: per(f, "wau", "mau"),
        "stickiness",
    ),
    Indicator(
        "memberGrowth",
        "Member growth",
        S,
        M,
        "ratio",
        UP,
        "members who joined in W ÷ members who had joined before W",
        "industry practice: 5% monthly growth for a growing community",
        Thresholds(0.05, 0.02, 0.005),
        lambda f: per(f, "joined", "members_at_start"),
        "memberRetention",
    ),
    Indicator(
        "dormantShare",
        "Dormant members",
        S,
        M,
        "ratio",
        DOWN,
        "1 − members engaged in the last 90 days ÷ all members",
        "industry practice (90-9-1 participation): most members lurk; above 90% dormant is a dying community",
        Thresholds(0.5, 0.7, 0.9),
        _dormant,
        "memberRetention",
    ),
    Indicator(
        "eventsPerActive",
        "Engagement events per active member",
        S,
        M,
        "events",
        UP,
        "engagement events in W ÷ mau",
        "platform default: about one engagement event every three days",
        Thresholds(10, 4, 1),
        lambda f: per(f, "engagement_events", "mau"),
        "memberRetention",
    ),
    Indicator(
        "kocShare",
        "KOC share of the core group",
        S,
        M,
        "ratio",
        UP,
        "KOC and ambassador tiers ÷ the core group (active contributor tier and above)",
        "playbook: KOCs at least 30% of the core group at launch",
        Thresholds(0.3, 0.2, 0.1),
        lambda f: per(f, "koc", "core_group"),
        "nps",
    ),
    Indicator(
        "coreLayerShare",
        "RFM core layer share",
        S,
        M,
        "ratio",
        UP,
        "members in the CORE RFM layer ÷ members in all layers",
        "playbook RFM pyramid: core layer 10%",
        Thresholds(0.1, 0.07, 0.04),
        _layer("layer_core"),
        "nps",
    ),
    Indicator(
        "activatedLayerShare",
        "RFM activated layer share",
        S,
        M,
        "ratio",
        UP,
        "members in the ACTIVATED RFM layer ÷ members in all layers",
        "playbook RFM pyramid: activated layer 15%",
        Thresholds(0.15, 0.1, 0.05),
        _layer("layer_activated"),
        "nps",
    ),
    Indicator(
        "npsResponses",
        "NPS responses (90 days)",
        S,
        M,
        "responses",
        UP,
        "NPS responses in the 90 days before the snapshot",
        "sampling practice: about 400 responses give ±5 points at 95% confidence",
        Thresholds(400, 100, 30),
        lambda f: num(f, "nps_responses"),
        "nps",
    ),
)
