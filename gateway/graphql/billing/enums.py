"""Public enums of billing.

Copies: billing's wire schemas use these enums but do not export them yet; tests/unit/gateway/test_enums.py
holds each to the service's own.
"""

from __future__ import annotations

from enum import Enum

import strawberry


@strawberry.enum
class PlanInterval(Enum):
    MONTH = "MONTH"
    QUARTER = "QUARTER"
    YEAR = "YEAR"


@strawberry.enum
class SubscriptionStatus(Enum):
    TRIALING = "TRIALING"
    ACTIVE = "ACTIVE"
    PAST_DUE = "PAST_DUE"
    CANCELED = "CANCELED"
    EXPIRED = "EXPIRED"
    INCOMPLETE = "INCOMPLETE"
