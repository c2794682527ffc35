"""Enums of member value, voice, stage and governance (issue 6). Values match users_service's own."""

from __future__ import annotations

from enum import Enum

import strawberry


@strawberry.enum(description="A layer of the RFM pyramid: BASE 75%, ACTIVATED 15%, CORE 10% by default.")
class RfmLayer(Enum):
    BASE = "BASE"
    ACTIVATED = "ACTIVATED"
    CORE = "CORE"


@strawberry.enum(description="Where a sign-up came from.")
class AcquisitionChannel(Enum):
    SEARCH = "SEARCH"
    SOCIAL = "SOCIAL"
    VERTICAL_FORUM = "VERTICAL_FORUM"
    REFERRAL = "REFERRAL"
    PARTNER = "PARTNER"
    OTHER = "OTHER"


@strawberry.enum(description="member proposal → expert review → decision → execution feedback.")
class ProposalStatus(Enum):
    SUBMITTED = "SUBMITTED"
    REVIEWED = "REVIEWED"
    ADOPTED = "ADOPTED"
    REJECTED = "REJECTED"
    IMPLEMENTED = "IMPLEMENTED"


@strawberry.enum
class ProposalRecommendation(Enum):
    APPROVE = "APPROVE"
    REJECT = "REJECT"


@strawberry.enum(description="Lifecycle stage by age: launch 0-6 months, growth 6-18, maturity 18-36, expansion 36+.")
class LifecycleStage(Enum):
    LAUNCH = "LAUNCH"
    GROWTH = "GROWTH"
    MATURITY = "MATURITY"
    EXPANSION = "EXPANSION"


@strawberry.enum(description="EXPERIENCE_CAMP: 7 days, measured by conversion; GROWTH_PLAN: 21 days, by retention.")
class TrialProgramKind(Enum):
    EXPERIENCE_CAMP = "EXPERIENCE_CAMP"
    GROWTH_PLAN = "GROWTH_PLAN"
