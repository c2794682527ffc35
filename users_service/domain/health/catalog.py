"""The whole catalogue, in display order (primary first, by dimension), and what it computes from figures."""

from __future__ import annotations

from users_service.domain.health import commerce, community, content, members
from users_service.domain.health.breakdowns import Breakdown, BreakdownDimension
from users_service.domain.health.formulas import per
from users_service.domain.health.model import Figures, Indicator, IndicatorLevel

CATALOG: tuple[Indicator, ...] = tuple(
    sorted(
        (*members.INDICATORS, *content.INDICATORS, *commerce.INDICATORS, *community.INDICATORS),
        key=lambda i: i.level is not IndicatorLevel.PRIMARY,
    )
)
BY_KEY: dict[str, Indicator] = {i.key: i for i in CATALOG}

# Indicators whose critical breach opens a crisis incident unless an operator turns it off (setHealthTarget
# opensIncident): those that measure members' trust or safety, where the crisis procedure (facts, statement,
# compensation, review) is the right response. A dip in engagement, output or revenue is a business problem: an
# alert, not a public statement.
OPENS_INCIDENT: frozenset[str] = frozenset(
    {
        "nps",  # a collapse of members' recommendation: detractors outnumber promoters
        "complaintRate",  # complaints per active member past what moderation absorbs
        "peakHourlyComplaints",  # the playbook's level-1 warning, more than 50 complaints in an hour
        "refundRate",  # refunds past 10%: a product or billing fault members are paying for
    }
)

ALL_DIMENSIONS = (BreakdownDimension.TIER, BreakdownDimension.RFM_LAYER, BreakdownDimension.CHANNEL)
# Which indicators are broken down, and by what: only those made of member-level figures, where a segment's
# value is a question an operator acts on. Content indicators (CTR, the content mix, publishing) measure pieces,
# not members; shares of members (layers, tiers) would restate the segment itself; commerce totals from the
# ledger's accounts (margin, revenue growth) are not attributable to members.
BREAKDOWNS: dict[str, Breakdown] = {
    "stickiness": Breakdown(ALL_DIMENSIONS, "mau", "which members come back daily: habit by tier, layer and source"),
    "memberRetention": Breakdown(
        ALL_DIMENSIONS, "mau_previous", "who stays: retention by channel tells good acquisition from bad"
    ),
    "nps": Breakdown(ALL_DIMENSIONS, "nps_responses", "whose voice: detractors concentrated in one tier or layer"),
    "conversionRate": Breakdown(ALL_DIMENSIONS, "mau", "which engaged members pay, and from which channel"),
    # Not by RFM layer: the layers are scored on monetary value, so ARPU per layer restates how they were cut.
    # Recognised revenue cannot be split by member, so a segment's ARPU is its payers' sales in W ÷ its payers.
    "arpu": Breakdown(
        (BreakdownDimension.TIER, BreakdownDimension.CHANNEL),
        "payers",
        "what a paying member is worth per tier and channel (cash basis: their sales in W)",
        lambda f: per(f, "sales_cents", "payers"),
    ),
}


def at_level(level: IndicatorLevel) -> list[Indicator]:
    return [i for i in CATALOG if i.level is level]


def compute_all(figures: Figures) -> dict[str, float | None]:
    """Every indicator's value from one set of figures; a missing figure leaves its indicators at None."""
    return {i.key: i.compute(figures) for i in CATALOG}
