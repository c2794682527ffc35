"""Public enums of members and communities: the users service's own enums under their GraphQL names."""

from __future__ import annotations

import strawberry

from users_service.schemas import Channel as AcquisitionChannel
from users_service.schemas import Layer as RfmLayer
from users_service.schemas import Perk, ProposalStatus, Role, Tier
from users_service.schemas import ProgramKind as TrialProgramKind
from users_service.schemas import Recommendation as ProposalRecommendation
from users_service.schemas import Stage as LifecycleStage

# Each call registers the service's enum as a GraphQL enum, by member name; the declaration order is the
# service's (for Tier: the tier order, lowest first).
strawberry.enum(Role, name="Role", description="What a member may do in a community.")
strawberry.enum(Tier, name="Tier", description="A member's value tier (nine tiers; see docs/architecture.md).")
strawberry.enum(
    RfmLayer, name="RfmLayer", description="A layer of the RFM pyramid: BASE 75%, ACTIVATED 15%, CORE 10% by default."
)
strawberry.enum(
    Perk,
    name="Perk",
    description="What a layer's treatment grants; `LayerTreatment.effects` says what each does where it acts.",
)
strawberry.enum(AcquisitionChannel, name="AcquisitionChannel", description="Where a sign-up came from.")
strawberry.enum(
    ProposalStatus,
    name="ProposalStatus",
    description="member proposal → expert review → decision → execution feedback.",
)
strawberry.enum(ProposalRecommendation, name="ProposalRecommendation")
strawberry.enum(
    LifecycleStage,
    name="LifecycleStage",
    description="Lifecycle stage by age: launch 0-6 months, growth 6-18, maturity 18-36, expansion 36+.",
)
strawberry.enum(
    TrialProgramKind,
    name="TrialProgramKind",
    description="EXPERIENCE_CAMP: 7 days, measured by conversion; GROWTH_PLAN: 21 days, by retention.",
)

__all__ = [
    "AcquisitionChannel",
    "LifecycleStage",
    "Perk",
    "ProposalRecommendation",
    "ProposalStatus",
    "RfmLayer",
    "Role",
    "Tier",
    "TrialProgramKind",
]
