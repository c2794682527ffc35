"""The wire contract of experiments: design, assignments, analysis, guardrails and the results database."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from distribution_service.domain.experiment_enums import (
    Audience,
    Channel,
    ExperimentDecision,
    ExperimentKind,
    ExperimentMetric,
    ExperimentStatus,
    ExportFormat,
    GuardrailMetric,
)
from distribution_service.domain.honeycomb import Slot
from infra.schemas import ApiInput, ApiModel, Id

Name = Annotated[str, StringConstraints(min_length=1, max_length=80, strip_whitespace=True)]
Share = Annotated[float, Field(ge=0.0, le=1.0)]
MAX_ARMS = 8


class ArmSpec(ApiInput):
    name: Name
    weight: Share
    push_copy: Annotated[str, StringConstraints(max_length=500)] | None = None
    golden_slot: Slot | None = None
    flags: dict[Annotated[str, StringConstraints(min_length=1, max_length=64)], str] = {}
    reward: dict[Annotated[str, StringConstraints(min_length=1, max_length=64)], float] = {}
    ranker_version: Annotated[str, StringConstraints(min_length=1, max_length=128)] | None = None


class TargetingSpec(ApiInput):
    tiers: list[str] = []
    rfm_layers: list[str] = []
    channels: list[Channel] = []
    audience: Audience = Audience.ALL


class GuardrailSpec(ApiInput):
    """A rollback trigger: an absolute `max` and, optionally, a most-allowed relative increase over control."""

    metric: GuardrailMetric
    max: Annotated[float, Field(ge=0.0)]
    # 0.2: the treatment may be at most 20% worse than control (judged with an always-valid test).
    max_increase_over_control: Annotated[float, Field(ge=0.0, le=10.0)] | None = None
    # Below this many members (uses, for ERROR_RATE) in either arm the relative test is not judged.
    min_members_per_arm: Annotated[int, Field(ge=1, le=10_000_000)] | None = None


class RolloutStep(ApiInput):
    at: datetime
    share: Share


class ExperimentCreate(ApiInput):
    name: Name
    hypothesis: Annotated[str, StringConstraints(min_length=1, max_length=2000)]
    kind: ExperimentKind = ExperimentKind.AB
    arms: list[ArmSpec] = Field(min_length=2, max_length=MAX_ARMS)
    targeting: TargetingSpec = TargetingSpec()
    layer: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = None
    layer_share: Annotated[float, Field(gt=0.0, le=1.0)] = 1.0
    rollout: Share = 1.0
    schedule: list[RolloutStep] = Field(default=[], max_length=20)
    guardrails: list[GuardrailSpec] = Field(default=[], max_length=10)
    primary_metric: ExperimentMetric = ExperimentMetric.OPEN_RATE
    # Pre-registered: arm labels stay hidden in results until this many members are exposed.
    target_sample: Annotated[int, Field(ge=2, le=100_000_000)] = 100_000
    # The relative effect the test is sized for (also the always-valid interval's mixture scale).
    mde: Annotated[float, Field(gt=0.0, le=10.0)] | None = None
    pre_period_days: Annotated[int, Field(ge=0, le=90)] = 14


class ArmRead(ApiModel):
    name: str
    weight: float
    push_copy: str | None = None
    golden_slot: Slot | None = None
    flags: dict[str, str] = {}
    reward: dict[str, float] = {}
    ranker_version: str | None = None


class ExperimentRead(ApiModel):
    id: str
    name: str
    hypothesis: str
    kind: ExperimentKind
    status: ExperimentStatus
    arms: list[ArmRead]
    targeting: TargetingSpec
    layer: str | None
    layer_range: list[int] | None
    rollout: float
    schedule: list[RolloutStep]
    guardrails: list[GuardrailSpec]
    primary_metric: ExperimentMetric
    target_sample: int
    mde: float | None
    pre_period_days: int
    exposures: int = 0
    created_at: datetime
    started_at: datetime | None = None
    stopped_at: datetime | None = None
    stop_reason: str | None = None


class ExperimentList(ApiModel):
    items: list[ExperimentRead]


class RolloutUpdate(ApiInput):
    share: Share


class WeightsUpdate(ApiInput):
    # One weight per arm, in the arms' order.
    weights: list[Share] = Field(min_length=2, max_length=MAX_ARMS)


class ExperimentFinish(ApiInput):
    decision: ExperimentDecision
    notes: Annotated[str, StringConstraints(max_length=2000)] = ""


class MemberArm(ApiModel):
    """One experiment's arm for a member: what it changes. The arm name stays inside the platform."""

    experiment_id: str
    arm: str
    push_copy: str | None = None
    golden_slot: Slot | None = None
    flags: dict[str, str] = {}
    reward: dict[str, float] = {}
    ranker_version: str | None = None


class MemberAssignments(ApiModel):
    items: list[MemberArm]


class AssignmentRequest(ApiInput):
    member_id: Id
    channel: Channel


class ExperimentFlags(ApiModel):
    """The layout flags front-ends read for one member, merged over every experiment the member is in."""

    flags: dict[str, str]


class ArmMetrics(ApiModel):
    label: str
    members: int
    open_rate: float
    ctr: float
    share_rate: float
    conversion: float
    revenue_per_member: float


class ComparisonRead(ApiModel):
    label: str
    metric: ExperimentMetric
    diff: float
    relative: float | None
    # Interval ends are null while an arm has too few members to bound them.
    ci_low: float | None
    ci_high: float | None
    seq_low: float | None
    seq_high: float | None
    p_value: float
    always_valid_p: float
    cuped_diff: float
    cuped_seq_low: float | None
    cuped_seq_high: float | None
    variance_reduction: float
    significant: bool


class SrmRead(ApiModel):
    observed: dict[str, int]
    expected_share: dict[str, float]
    chi2: float
    p_value: float
    flagged: bool


class InterleavingRead(ApiModel):
    decisions: int
    wins_a: int
    wins_b: int
    preference: float
    p_value: float


class ExperimentAnalysis(ApiModel):
    experiment_id: str
    metric: ExperimentMetric
    sample: int
    target_sample: int
    blinded: bool
    control: str
    arms: list[ArmMetrics]
    comparisons: list[ComparisonRead]
    srm: SrmRead
    interleaving: InterleavingRead | None = None


class GuardrailBreach(ApiModel):
    metric: GuardrailMetric
    value: float
    max: float  # the limit passed: the absolute max, or (1 + margin) × control's value
    control_value: float | None = None  # set when the breach is relative to control


class GuardrailCheck(ApiModel):
    experiment: ExperimentRead
    values: dict[str, float]
    control_values: dict[str, float] = {}
    breaches: list[GuardrailBreach]
    rolled_back: bool


class ExperimentResult(ApiModel):
    id: str
    experiment_id: str
    name: str
    hypothesis: str
    arms: list[ArmRead]
    metric: ExperimentMetric
    sample: int
    samples: dict[str, int]
    effect: float
    relative_effect: float | None
    # The always-valid (CUPED) interval of the effect; null when an arm was too small to bound it.
    interval_low: float | None
    interval_high: float | None
    decision: ExperimentDecision
    notes: str
    srm_flagged: bool
    started_at: datetime | None
    finished_at: datetime


class ExperimentResults(ApiModel):
    items: list[ExperimentResult]


class ResultsExport(ApiModel):
    format: ExportFormat
    content_type: str
    body: str


class PowerRequest(ApiInput):
    baseline: Annotated[float, Field(gt=0.0)]
    # Standard deviation of the metric per member; omitted for a rate (then sqrt(p(1-p))).
    sd: Annotated[float, Field(gt=0.0)] | None = None
    mde_relative: Annotated[float, Field(gt=0.0, le=10.0)]
    arms: Annotated[int, Field(ge=2, le=MAX_ARMS)] = 2
    alpha: Annotated[float, Field(gt=0.0, lt=0.5)] = 0.05
    power: Annotated[float, Field(gt=0.5, lt=1.0)] = 0.8


class DetectableAt(ApiModel):
    total: int
    absolute: float
    relative: float | None


class PowerPlan(ApiModel):
    baseline: float
    sd: float
    mde_absolute: float
    mde_relative: float
    alpha: float
    power: float
    per_arm: int
    total: int
    meets_floor: bool
    detectable: list[DetectableAt]
