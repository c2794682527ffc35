"""Member value on the wire: the community's settings, tier runs, the tier distribution and the RFM pyramid."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, model_validator

from infra.schemas import ApiInput, ApiModel
from users_service.domain.layers import Layer
from users_service.domain.perks import Perk
from users_service.domain.tiers import Tier

__all__ = [
    "DEFAULT_TIER_TARGETS",
    "LastActivity",
    "LayerShare",
    "LayerTreatmentRead",
    "PerkEffect",
    "RecomputeRequest",
    "RfmPyramid",
    "TierChangeList",
    "TierChangeRead",
    "TierDistribution",
    "TierMove",
    "TierRunList",
    "TierRunRead",
    "TierShare",
    "TreatmentConfig",
    "TreatmentList",
    "TreatmentRead",
    "ValueConfig",
]

Share = Annotated[float, Field(ge=0.0, le=1.0)]
Days = Annotated[int, Field(ge=1, le=3650)]
Count = Annotated[int, Field(ge=1, le=100_000)]

# The playbook's tier shares (section 1): targets to compare with, never rules.
DEFAULT_TIER_TARGETS: dict[Tier, float] = {Tier.POTENTIAL: 0.38, Tier.ACTIVE_CONTRIBUTOR: 0.22}


class PerkEffect(ApiModel):
    """What one perk does: `acts` when some rule of the platform reads it, else it is a label."""

    perk: Perk
    acts: bool
    effect: str


class TreatmentConfig(ApiModel):
    """A layer's treatment as operators set it: a line for people and the perks the platform acts on."""

    summary: Annotated[str, Field(min_length=1, max_length=200)]
    perks: list[Perk] = Field(max_length=len(Perk))


class TreatmentRead(ApiModel):
    summary: str
    perks: list[Perk]
    effects: list[PerkEffect] = Field(default_factory=list)


class ValueConfig(ApiInput):
    """A community's pyramid proportions and tier thresholds; defaults are the playbook's and Discourse TL3's."""

    base_share: Share = 0.75
    activated_share: Share = 0.15
    core_share: Share = 0.10
    rfm_window_days: Days = 365
    window_days: Days = 100
    grace_days: Annotated[int, Field(ge=0, le=365)] = 14
    new_member_days: Days = 30
    active_min_events: Count = 10
    contributor_min_contents: Count = 1
    koc_min_contents: Count = 5
    koc_min_events: Count = 20
    tier_targets: dict[Tier, Share] = Field(default_factory=lambda: dict(DEFAULT_TIER_TARGETS))
    treatments: dict[Layer, TreatmentConfig] | None = None

    @model_validator(mode="after")
    def _shares_add_up(self) -> ValueConfig:
        if abs(self.base_share + self.activated_share + self.core_share - 1.0) > 1e-6:
            raise ValueError("baseShare + activatedShare + coreShare must be 1")
        return self


class TierShare(ApiModel):
    tier: Tier
    members: int
    share: float
    target_share: float | None


class TierDistribution(ApiModel):
    members: int
    tiers: list[TierShare]
    computed_at: datetime | None


class LayerShare(ApiModel):
    layer: Layer
    members: int
    share: float
    target_share: float
    treatment: TreatmentRead


class LayerTreatmentRead(ApiModel):
    layer: Layer
    treatment: TreatmentRead


class TreatmentList(ApiModel):
    """Every layer's treatment: what other services read to act on a member's layer (a light read, no counts)."""

    layers: list[LayerTreatmentRead]

    def perks_of(self, layer: Layer | str | None) -> frozenset[Perk]:
        return frozenset(p for entry in self.layers if entry.layer == layer for p in entry.treatment.perks)


class RfmPyramid(ApiModel):
    members: int
    layers: list[LayerShare]
    computed_at: datetime | None


class TierMove(ApiModel):
    from_tier: Tier
    to_tier: Tier
    members: int


class TierRunRead(ApiModel):
    id: str
    started_at: datetime
    duration_ms: int
    members: int
    promotions: int
    demotions: int
    layer_changes: int
    moves: list[TierMove]
    # The moment scored as of (runs stored before it was recorded: None).
    as_of: datetime | None = None


class TierRunList(ApiModel):
    runs: list[TierRunRead]


class TierChangeRead(ApiModel):
    from_tier: Tier
    to_tier: Tier
    at: datetime
    run_id: str | None


class TierChangeList(ApiModel):
    changes: list[TierChangeRead]


class RecomputeRequest(ApiInput):
    """Run the job as of a moment (default now): imported histories are scored as of their last activity."""

    as_of: datetime | None = None


class LastActivity(ApiModel):
    at: datetime | None
