"""Object types of experiments: the design, the readout, guardrail checks, the results database, power plans."""

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
    ExperimentStatus,
    ExportFormat,
    GuardrailMetric,
)
from gateway.graphql.users.enums import RfmLayer, Tier


@strawberry.type(description="One layout flag: a key front-ends read and its value for this member.")
class ExperimentFlag:
    key: str = strawberry.field(description="The flag's name, as the front-end reads it.")
    value: str = strawberry.field(description="Its value (front-ends parse numbers and booleans themselves).")


@strawberry.type(description="One reward parameter an arm sets (campaigns read it for the member).")
class RewardParameter:
    name: str = strawberry.field(description="The parameter's name, e.g. `points`.")
    value: float = strawberry.field(description="Its value in this arm.")


@strawberry.type(description="One arm of an experiment and what it changes.")
class ExperimentArm:
    name: str = strawberry.field(description="The arm's name; the first arm is the control.")
    weight: float = strawberry.field(description="Share of the experiment's members in this arm.")
    push_copy: str | None = strawberry.field(description="The push text this arm sends; null keeps the default.")
    golden_slot: Slot | None = strawberry.field(description="The golden slot this arm pushes in; null keeps each.")
    flags: list[ExperimentFlag] = strawberry.field(description="Layout flags front-ends read (experimentFlags).")
    reward: list[RewardParameter] = strawberry.field(description="Reward parameters of this arm.")
    ranker_version: str | None = strawberry.field(
        description="A registered model version (or `heuristic`) that ranks this arm's feeds and pushes."
    )

    @staticmethod
    def from_read(arm: s.ArmRead) -> ExperimentArm:
        return ExperimentArm(
            name=arm.name,
            weight=arm.weight,
            push_copy=arm.push_copy,
            golden_slot=arm.golden_slot,
            flags=[ExperimentFlag(key=k, value=v) for k, v in arm.flags.items()],
            reward=[RewardParameter(name=k, value=v) for k, v in arm.reward.items()],
            ranker_version=arm.ranker_version,
        )


@strawberry.type(description="Who may enter an experiment; empty lists mean everyone.")
class ExperimentTargeting:
    tiers: list[Tier] = strawberry.field(description="Member tiers admitted.")
    rfm_layers: list[RfmLayer] = strawberry.field(description="RFM layers admitted.")
    channels: list[Channel] = strawberry.field(description="Channels where the experiment applies.")
    audience: Audience = strawberry.field(description="New members, existing ones, or all.")


@strawberry.type(description="A guardrail: the most a treatment arm may reach before the experiment rolls back.")
class Guardrail:
    metric: GuardrailMetric = strawberry.field(description="What is measured.")
    max: float = strawberry.field(description="The highest value allowed.")
    max_increase_over_control: float | None = strawberry.field(
        default=None, description="The most the treatment may exceed control, as a share of control's value."
    )
    min_members_per_arm: int | None = strawberry.field(
        default=None, description="Members each arm needs before the relative test is judged (null: 100)."
    )


@strawberry.type(description="A step of a gray release's schedule.")
class RolloutStep:
    at: datetime = strawberry.field(description="From when (ISO 8601).")
    share: float = strawberry.field(description="The share of the audience in the experiment from then on.")


@strawberry.type(description="An experiment: its arms, audience, gray release and where it stands.")
class Experiment:
    id: strawberry.ID = strawberry.field(description="The experiment's id.")
    name: str = strawberry.field(description="A short name.")
    hypothesis: str = strawberry.field(description="The pre-registered hypothesis.")
    kind: ExperimentKind = strawberry.field(description="A/B or interleaving.")
    status: ExperimentStatus = strawberry.field(description="Where it stands.")
    arms: list[ExperimentArm] = strawberry.field(description="Its arms, control first.")
    targeting: ExperimentTargeting = strawberry.field(description="Who may enter.")
    layer: str | None = strawberry.field(description="Its layer: experiments of one layer never share a member.")
    layer_range: list[int] | None = strawberry.field(description="Its [start, end) of the layer's 10,000 buckets.")
    rollout: float = strawberry.field(
        description="Share of the audience currently in the experiment (0 after a rollback)."
    )
    schedule: list[RolloutStep] = strawberry.field(description="How the rollout ramps.")
    guardrails: list[Guardrail] = strawberry.field(description="Breaching one rolls the experiment back.")
    primary_metric: ExperimentMetric = strawberry.field(description="The metric the decision rests on.")
    target_sample: int = strawberry.field(description="Pre-registered members; arm labels are hidden until then.")
    mde: float | None = strawberry.field(description="The relative effect the test is sized for.")
    pre_period_days: int = strawberry.field(description="Days before the start read for CUPED.")
    exposures: int = strawberry.field(description="Members exposed so far (counted when one experiment is read).")
    created_at: datetime = strawberry.field(description="When it was created.")
    started_at: datetime | None = strawberry.field(description="When it started.")
    stopped_at: datetime | None = strawberry.field(description="When it stopped, rolled back or finished.")
    stop_reason: str | None = strawberry.field(description="Why it stopped (a breached guardrail names itself).")

    @staticmethod
    def from_read(e: s.ExperimentRead) -> Experiment:
        return Experiment(
            id=strawberry.ID(e.id),
            name=e.name,
            hypothesis=e.hypothesis,
            kind=e.kind,
            status=e.status,
            arms=[ExperimentArm.from_read(a) for a in e.arms],
            targeting=ExperimentTargeting(
                tiers=[Tier(t) for t in e.targeting.tiers],
                rfm_layers=[RfmLayer(layer) for layer in e.targeting.rfm_layers],
                channels=list(e.targeting.channels),
                audience=e.targeting.audience,
            ),
            layer=e.layer,
            layer_range=e.layer_range,
            rollout=e.rollout,
            schedule=[RolloutStep(at=r.at, share=r.share) for r in e.schedule],
            guardrails=[
                Guardrail(
                    metric=g.metric,
                    max=g.max,
                    max_increase_over_control=g.max_increase_over_control,
                    min_members_per_arm=g.min_members_per_arm,
                )
                for g in e.guardrails
            ],
            primary_metric=e.primary_metric,
            target_sample=e.target_sample,
            mde=e.mde,
            pre_period_days=e.pre_period_days,
            exposures=e.exposures,
            created_at=e.created_at,
            started_at=e.started_at,
            stopped_at=e.stopped_at,
            stop_reason=e.stop_reason,
        )


@strawberry.type(description="An arm's metrics over its exposed members.")
class ExperimentArmMetrics:
    label: str = strawberry.field(description="The arm's name, or a neutral label while the results are blind.")
    members: int = strawberry.field(description="Members exposed.")
    open_rate: float = strawberry.field(description="Share of members who opened anything after exposure.")
    ctr: float = strawberry.field(description="Clicks per impression.")
    share_rate: float = strawberry.field(description="Shares per impression.")
    conversion: float = strawberry.field(description="Share of members who paid (from the ledger).")
    revenue_per_member: float = strawberry.field(description="Revenue per member, minor units, net of refunds.")


@strawberry.type(description="One arm against control on the primary metric.")
class ExperimentComparison:
    label: str = strawberry.field(description="The arm compared (a neutral label while blind).")
    metric: ExperimentMetric = strawberry.field(description="The metric compared.")
    diff: float = strawberry.field(description="Its mean minus control's.")
    relative: float | None = strawberry.field(description="The difference over control's mean.")
    ci_low: float | None = strawberry.field(description="Fixed-horizon 95% interval, low end (one planned look).")
    ci_high: float | None = strawberry.field(description="Fixed-horizon 95% interval, high end.")
    seq_low: float | None = strawberry.field(description="Always-valid 95% interval, low end (safe to peek).")
    seq_high: float | None = strawberry.field(description="Always-valid 95% interval, high end.")
    p_value: float = strawberry.field(description="Welch's t-test p-value (fixed horizon).")
    always_valid_p: float = strawberry.field(description="The mSPRT's always-valid p-value.")
    cuped_diff: float = strawberry.field(description="The difference after CUPED on the pre-period.")
    cuped_seq_low: float | None = strawberry.field(description="Always-valid interval after CUPED, low end.")
    cuped_seq_high: float | None = strawberry.field(description="Always-valid interval after CUPED, high end.")
    variance_reduction: float = strawberry.field(description="Share of variance CUPED removed.")
    significant: bool = strawberry.field(description="The CUPED always-valid interval excludes zero.")


@strawberry.type(description="Members seen in one arm.")
class ArmCount:
    label: str = strawberry.field(description="The arm (a neutral label while blind).")
    members: int = strawberry.field(description="Members exposed.")
    expected_share: float = strawberry.field(description="The share the design gives it.")


@strawberry.type(description="The sample-ratio check: a chi-square test of members per arm against the design.")
class SampleRatioCheck:
    arms: list[ArmCount] = strawberry.field(description="Observed members and designed share per arm.")
    chi2: float = strawberry.field(description="Pearson's chi-square statistic.")
    p_value: float = strawberry.field(description="Chance of a split this uneven if assignment works.")
    flagged: bool = strawberry.field(description="p < 0.001: the split is broken and no effect can be trusted.")


@strawberry.type(description="An interleaving experiment's outcome: decisions each ranker won by clicks.")
class InterleavingOutcome:
    decisions: int = strawberry.field(description="Interleaved rankings made.")
    wins_a: int = strawberry.field(description="Rankings whose clicks favoured the first arm's ranker.")
    wins_b: int = strawberry.field(description="Rankings whose clicks favoured the second arm's ranker.")
    preference: float = strawberry.field(description="(winsA − winsB) / (winsA + winsB).")
    p_value: float = strawberry.field(description="Exact binomial test against no preference.")


@strawberry.type(description="An experiment's readout from exposures, events and the ledger.")
class ExperimentAnalysis:
    experiment_id: strawberry.ID = strawberry.field(description="The experiment read.")
    metric: ExperimentMetric = strawberry.field(description="The primary metric.")
    sample: int = strawberry.field(description="Members exposed.")
    target_sample: int = strawberry.field(description="The pre-registered sample.")
    blinded: bool = strawberry.field(description="Arm names are hidden until the pre-registered sample.")
    control: str = strawberry.field(description="The reference arm's label.")
    arms: list[ExperimentArmMetrics] = strawberry.field(description="Each arm's metrics.")
    comparisons: list[ExperimentComparison] = strawberry.field(description="Each other arm against the reference.")
    srm: SampleRatioCheck = strawberry.field(description="The sample-ratio check.")
    interleaving: InterleavingOutcome | None = strawberry.field(description="For an interleaving experiment.")

    @staticmethod
    def from_read(a: s.ExperimentAnalysis) -> ExperimentAnalysis:
        return ExperimentAnalysis(
            experiment_id=strawberry.ID(a.experiment_id),
            metric=a.metric,
            sample=a.sample,
            target_sample=a.target_sample,
            blinded=a.blinded,
            control=a.control,
            arms=[ExperimentArmMetrics(**m.model_dump()) for m in a.arms],
            comparisons=[ExperimentComparison(**c.model_dump()) for c in a.comparisons],
            srm=SampleRatioCheck(
                arms=[
                    ArmCount(label=k, members=v, expected_share=a.srm.expected_share.get(k, 0.0))
                    for k, v in a.srm.observed.items()
                ],
                chi2=a.srm.chi2,
                p_value=a.srm.p_value,
                flagged=a.srm.flagged,
            ),
            interleaving=InterleavingOutcome(**a.interleaving.model_dump()) if a.interleaving else None,
        )


@strawberry.type(description="A guardrail that was breached.")
class GuardrailBreach:
    metric: GuardrailMetric = strawberry.field(description="The guardrail.")
    value: float = strawberry.field(description="What the treatment arms reached.")
    max: float = strawberry.field(
        description="The limit passed: the absolute max, or (1 + maxIncreaseOverControl) × control's value."
    )
    control_value: float | None = strawberry.field(
        default=None, description="Control's value, when the breach is relative to control."
    )


@strawberry.type(description="A guardrail's current value over the treatment arms' exposed members.")
class GuardrailValue:
    metric: GuardrailMetric = strawberry.field(description="The guardrail.")
    value: float = strawberry.field(description="Its value now.")
    control_value: float | None = strawberry.field(
        default=None, description="The same metric over control's exposed members."
    )


@strawberry.type(description="A finished experiment in the results database.")
class ExperimentResult:
    id: strawberry.ID = strawberry.field(description="The result's id.")
    experiment_id: strawberry.ID = strawberry.field(description="The experiment.")
    name: str = strawberry.field(description="The experiment's name.")
    hypothesis: str = strawberry.field(description="Its pre-registered hypothesis.")
    arms: list[ExperimentArm] = strawberry.field(description="The arms as designed, control first.")
    metric: ExperimentMetric = strawberry.field(description="The primary metric.")
    sample: int = strawberry.field(description="Members exposed.")
    samples: list[ArmCount] = strawberry.field(description="Members per arm (expectedShare: the arm's weight).")
    effect: float = strawberry.field(description="The first treatment's effect on the metric (CUPED).")
    relative_effect: float | None = strawberry.field(description="The effect over control's mean.")
    interval_low: float | None = strawberry.field(description="Always-valid 95% interval of the effect, low end.")
    interval_high: float | None = strawberry.field(description="Always-valid 95% interval of the effect, high end.")
    decision: ExperimentDecision = strawberry.field(description="What was decided.")
    notes: str = strawberry.field(description="The operator's notes.")
    srm_flagged: bool = strawberry.field(description="The sample-ratio check failed at the end.")
    started_at: datetime | None = strawberry.field(description="When the experiment started.")
    finished_at: datetime = strawberry.field(description="When it finished.")

    @staticmethod
    def from_read(r: s.ExperimentResult) -> ExperimentResult:
        weights = {a.name: a.weight for a in r.arms}
        return ExperimentResult(
            id=strawberry.ID(r.id),
            experiment_id=strawberry.ID(r.experiment_id),
            name=r.name,
            hypothesis=r.hypothesis,
            arms=[ExperimentArm.from_read(a) for a in r.arms],
            metric=r.metric,
            sample=r.sample,
            samples=[ArmCount(label=k, members=v, expected_share=weights.get(k, 0.0)) for k, v in r.samples.items()],
            effect=r.effect,
            relative_effect=r.relative_effect,
            interval_low=r.interval_low,
            interval_high=r.interval_high,
            decision=r.decision,
            notes=r.notes,
            srm_flagged=r.srm_flagged,
            started_at=r.started_at,
            finished_at=r.finished_at,
        )


@strawberry.type(description="The results database as one file.")
class ExperimentResultsExport:
    format: ExportFormat = strawberry.field(description="CSV or JSON.")
    content_type: str = strawberry.field(description="The media type to save or serve it with.")
    body: str = strawberry.field(description="The file's text.")


@strawberry.type(description="The smallest effect a total sample detects.")
class DetectableEffect:
    total: int = strawberry.field(description="Members over all arms.")
    absolute: float = strawberry.field(description="The detectable difference in the metric's units.")
    relative: float | None = strawberry.field(description="The same over the baseline.")


@strawberry.type(description="Sample size for an effect, and what smaller samples can detect.")
class PowerPlan:
    baseline: float = strawberry.field(description="Control's mean.")
    sd: float = strawberry.field(description="Standard deviation per member used.")
    mde_absolute: float = strawberry.field(description="The effect sized for, in the metric's units.")
    mde_relative: float = strawberry.field(description="The effect sized for, relative.")
    alpha: float = strawberry.field(description="Two-sided significance level.")
    power: float = strawberry.field(description="Chance to detect the effect if it is real.")
    per_arm: int = strawberry.field(description="Members needed per arm.")
    total: int = strawberry.field(description="Members needed over all arms.")
    meets_floor: bool = strawberry.field(description="The total fits within the playbook's 100,000 floor.")
    detectable: list[DetectableEffect] = strawberry.field(
        description="What totals up to the 100,000 floor can detect at this power."
    )


@strawberry.type(description="The new experiment (a DRAFT until started).")
class CreateExperimentPayload:
    experiment: Experiment = strawberry.field(description="The experiment as created.")


@strawberry.type(description="The experiment after the change.")
class ExperimentPayload:
    experiment: Experiment = strawberry.field(description="The experiment as it now stands.")


@strawberry.type(description="The result recorded in the results database.")
class FinishExperimentPayload:
    result: ExperimentResult = strawberry.field(description="The finished experiment's result.")


@strawberry.type(description="Guardrails measured now; a breach has already rolled the experiment back.")
class CheckExperimentGuardrailsPayload:
    experiment: Experiment = strawberry.field(description="The experiment after the check.")
    values: list[GuardrailValue] = strawberry.field(description="Each guardrail's value.")
    breaches: list[GuardrailBreach] = strawberry.field(description="The guardrails breached.")
    rolled_back: bool = strawberry.field(description="This check rolled the experiment back (and notified).")
