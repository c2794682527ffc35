"""Inputs of the experiment mutations and the power calculator."""

from __future__ import annotations

from datetime import datetime

import strawberry

from distribution_service import schemas as s
from gateway.graphql.distribution.enums import Slot
from gateway.graphql.experiments.enums import (
    Audience,
    Channel,
    ExperimentDecision,
    ExperimentKind,
    ExperimentMetric,
    GuardrailMetric,
)
from gateway.graphql.users.enums import RfmLayer, Tier

COMMUNITY = "The community; required with the admin key, else the caller's own."


@strawberry.input(description="A layout flag an arm sets.")
class ExperimentFlagInput:
    key: str = strawberry.field(description="The flag's name (1-64 characters).")
    value: str = strawberry.field(description="Its value in this arm.")


@strawberry.input(description="A reward parameter an arm sets.")
class RewardParameterInput:
    name: str = strawberry.field(description="The parameter's name (1-64 characters).")
    value: float = strawberry.field(description="Its value in this arm.")


@strawberry.input(description="One arm; the first arm of an experiment is its control.")
class ExperimentArmInput:
    name: str = strawberry.field(description="A name unique in the experiment (1-80 characters).")
    weight: float = strawberry.field(
        description="Share of the experiment's members; weights sum to 1 and a treatment holds at most 1/k of k."
    )
    push_copy: str | None = strawberry.field(default=None, description="The push text this arm sends.")
    golden_slot: Slot | None = strawberry.field(default=None, description="The golden slot this arm pushes in.")
    flags: list[ExperimentFlagInput] = strawberry.field(default_factory=list, description="Layout flags it sets.")
    reward: list[RewardParameterInput] = strawberry.field(default_factory=list, description="Reward parameters.")
    ranker_version: str | None = strawberry.field(
        default=None,
        description="A registered model version, or `heuristic` (the fallback at the deployment's weights, whatever "
        "version its feeds report), that ranks this arm's feeds.",
    )

    def to_spec(self) -> s.ArmSpec:
        return s.ArmSpec(
            name=self.name,
            weight=self.weight,
            push_copy=self.push_copy,
            golden_slot=self.golden_slot.value if self.golden_slot else None,
            flags={f.key: f.value for f in self.flags},
            reward={r.name: r.value for r in self.reward},
            ranker_version=self.ranker_version,
        )


@strawberry.input(description="Who may enter; empty lists admit everyone.")
class ExperimentTargetingInput:
    tiers: list[Tier] = strawberry.field(default_factory=list, description="Member tiers admitted.")
    rfm_layers: list[RfmLayer] = strawberry.field(default_factory=list, description="RFM layers admitted.")
    channels: list[Channel] = strawberry.field(default_factory=list, description="Channels it applies on.")
    audience: Audience = strawberry.field(default=Audience.ALL, description="New members, existing ones, or all.")


@strawberry.input(description="A guardrail of the gray release.")
class GuardrailInput:
    metric: GuardrailMetric = strawberry.field(description="What is measured over the treatment arms.")
    max: float = strawberry.field(description="The highest value allowed; above it the experiment rolls back.")
    max_increase_over_control: float | None = strawberry.field(
        default=None,
        description="Also roll back when the treatment arms are worse than control by more than this share of "
        "control's value (0.2: 20%), judged by an always-valid test at 1% so checking every minute does not "
        "inflate false alarms. Null: the absolute max only.",
    )
    min_members_per_arm: int | None = strawberry.field(
        default=None,
        description="The relative test is judged once each arm has this many exposed members (uses, for "
        "ERROR_RATE); default 100.",
    )


@strawberry.input(description="A step of the rollout schedule.")
class RolloutStepInput:
    at: datetime = strawberry.field(description="From when (with a time zone).")
    share: float = strawberry.field(description="The share of the audience in the experiment from then on (0-1).")


@strawberry.input(description="A new experiment, created as a DRAFT.")
class CreateExperimentInput:
    name: str = strawberry.field(description="A short name (1-80 characters).")
    hypothesis: str = strawberry.field(description="The hypothesis, pre-registered with the sample.")
    arms: list[ExperimentArmInput] = strawberry.field(description="2-8 arms, control first.")
    kind: ExperimentKind = strawberry.field(default=ExperimentKind.AB, description="A/B (default) or interleaving.")
    targeting: ExperimentTargetingInput | None = strawberry.field(default=None, description="Who may enter.")
    layer: str | None = strawberry.field(
        default=None, description="A layer name: experiments of one layer never share a member."
    )
    layer_share: float = strawberry.field(default=1.0, description="The share of the layer it takes (default all).")
    rollout: float = strawberry.field(default=1.0, description="The share of the audience in it at the start.")
    schedule: list[RolloutStepInput] = strawberry.field(default_factory=list, description="How the rollout ramps.")
    guardrails: list[GuardrailInput] = strawberry.field(default_factory=list, description="Rollback triggers.")
    primary_metric: ExperimentMetric = strawberry.field(
        default=ExperimentMetric.OPEN_RATE, description="The metric the decision rests on."
    )
    target_sample: int = strawberry.field(
        default=100_000, description="Pre-registered members; arm labels stay hidden in results until reached."
    )
    mde: float | None = strawberry.field(default=None, description="The relative effect the test is sized for.")
    pre_period_days: int = strawberry.field(default=14, description="Days before the start read for CUPED (0-90).")
    community_id: strawberry.ID | None = strawberry.field(default=None, description=COMMUNITY)

    def to_spec(self) -> s.ExperimentCreate:
        t = self.targeting or ExperimentTargetingInput()
        return s.ExperimentCreate.model_validate(
            {
                "name": self.name,
                "hypothesis": self.hypothesis,
                "kind": self.kind.value,
                "arms": [a.to_spec() for a in self.arms],
                "targeting": {
                    "tiers": [x.value for x in t.tiers],
                    "rfm_layers": [x.value for x in t.rfm_layers],
                    "channels": [x.value for x in t.channels],
                    "audience": t.audience.value,
                },
                "layer": self.layer,
                "layer_share": self.layer_share,
                "rollout": self.rollout,
                "schedule": [{"at": r.at, "share": r.share} for r in self.schedule],
                "guardrails": [
                    {
                        "metric": g.metric.value,
                        "max": g.max,
                        "maxIncreaseOverControl": g.max_increase_over_control,
                        "minMembersPerArm": g.min_members_per_arm,
                    }
                    for g in self.guardrails
                ],
                "primary_metric": self.primary_metric.value,
                "target_sample": self.target_sample,
                "mde": self.mde,
                "pre_period_days": self.pre_period_days,
            }
        )


@strawberry.input(description="An experiment to act on.")
class ExperimentRefInput:
    id: strawberry.ID = strawberry.field(description="The experiment's id.")
    community_id: strawberry.ID | None = strawberry.field(default=None, description=COMMUNITY)


@strawberry.input(description="A new rollout share for a running (or draft) experiment.")
class SetExperimentRolloutInput:
    id: strawberry.ID = strawberry.field(description="The experiment's id.")
    share: float = strawberry.field(description="The share of the audience in it (0-1); raising it only adds members.")
    community_id: strawberry.ID | None = strawberry.field(default=None, description=COMMUNITY)


@strawberry.input(description="New arm weights for a running (or draft) experiment.")
class SetExperimentWeightsInput:
    id: strawberry.ID = strawberry.field(description="The experiment's id.")
    weights: list[float] = strawberry.field(
        description="One weight per arm, in the arms' order; members only move from control into a treatment."
    )
    community_id: strawberry.ID | None = strawberry.field(default=None, description=COMMUNITY)


@strawberry.input(description="End an experiment and record its result.")
class FinishExperimentInput:
    id: strawberry.ID = strawberry.field(description="The experiment's id.")
    decision: ExperimentDecision = strawberry.field(description="What was decided.")
    notes: str = strawberry.field(default="", description="Why (up to 2,000 characters).")
    community_id: strawberry.ID | None = strawberry.field(default=None, description=COMMUNITY)


@strawberry.input(description="A sample-size question.")
class ExperimentPowerInput:
    baseline: float = strawberry.field(description="Control's mean of the metric (a rate for rates).")
    mde_relative: float = strawberry.field(description="The relative effect to detect, e.g. 0.05.")
    sd: float | None = strawberry.field(
        default=None, description="Standard deviation per member; omit for a rate (sqrt(p(1-p)))."
    )
    arms: int = strawberry.field(default=2, description="Arms, control included (2-8).")
    alpha: float = strawberry.field(default=0.05, description="Two-sided significance level.")
    power: float = strawberry.field(default=0.8, description="Chance to detect the effect if real.")
