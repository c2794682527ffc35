"""Experiment changes, operators only: create, start, ramp, stop, check guardrails, finish."""

from __future__ import annotations

import strawberry

from distribution_service.schemas import ExperimentFinish
from gateway.context import Info
from gateway.graphql.experiments.inputs import (
    CreateExperimentInput,
    ExperimentRefInput,
    FinishExperimentInput,
    SetExperimentRolloutInput,
    SetExperimentWeightsInput,
)
from gateway.graphql.experiments.types import (
    CheckExperimentGuardrailsPayload,
    CreateExperimentPayload,
    Experiment,
    ExperimentPayload,
    ExperimentResult,
    FinishExperimentPayload,
    GuardrailBreach,
    GuardrailValue,
)


@strawberry.type
class ExperimentMutation:
    @strawberry.mutation(description="Operators: a new experiment (DRAFT), checked whole before it is written.")
    async def create_experiment(self, info: Info, input: CreateExperimentInput) -> CreateExperimentPayload:
        cid = (await info.context.require_operator(input.community_id)).community_id
        spec = input.to_spec()
        created = await info.context.services.distribution.create_experiment(cid, spec)
        return CreateExperimentPayload(experiment=Experiment.from_read(created))

    @strawberry.mutation(description="Operators: start a DRAFT experiment; members are assigned from now on.")
    async def start_experiment(self, info: Info, input: ExperimentRefInput) -> ExperimentPayload:
        cid = (await info.context.require_operator(input.community_id)).community_id
        started = await info.context.services.distribution.start_experiment(cid, str(input.id))
        return ExperimentPayload(experiment=Experiment.from_read(started))

    @strawberry.mutation(description="Operators: ramp a gray release (members already in stay in their arm).")
    async def set_experiment_rollout(self, info: Info, input: SetExperimentRolloutInput) -> ExperimentPayload:
        cid = (await info.context.require_operator(input.community_id)).community_id
        read = await info.context.services.distribution.set_experiment_rollout(cid, str(input.id), input.share)
        return ExperimentPayload(experiment=Experiment.from_read(read))

    @strawberry.mutation(
        description="Operators: ramp the arms' weights; members already in a treatment stay in it (sticky)."
    )
    async def set_experiment_weights(self, info: Info, input: SetExperimentWeightsInput) -> ExperimentPayload:
        cid = (await info.context.require_operator(input.community_id)).community_id
        read = await info.context.services.distribution.set_experiment_weights(cid, str(input.id), input.weights)
        return ExperimentPayload(experiment=Experiment.from_read(read))

    @strawberry.mutation(description="Operators: stop a running experiment; everyone gets the default again.")
    async def stop_experiment(self, info: Info, input: ExperimentRefInput) -> ExperimentPayload:
        cid = (await info.context.require_operator(input.community_id)).community_id
        stopped = await info.context.services.distribution.stop_experiment(cid, str(input.id))
        return ExperimentPayload(experiment=Experiment.from_read(stopped))

    @strawberry.mutation(
        description="Operators: measure the guardrails now (the scheduler does so every minute); a breach rolls "
        "the experiment back and notifies the community's webhook."
    )
    async def check_experiment_guardrails(
        self, info: Info, input: ExperimentRefInput
    ) -> CheckExperimentGuardrailsPayload:
        cid = (await info.context.require_operator(input.community_id)).community_id
        check = await info.context.services.distribution.check_experiment_guardrails(cid, str(input.id))
        return CheckExperimentGuardrailsPayload(
            experiment=Experiment.from_read(check.experiment),
            values=[
                GuardrailValue(metric=k, value=v, control_value=check.control_values.get(k))  # type: ignore[arg-type]
                for k, v in sorted(check.values.items())
            ],
            breaches=[
                GuardrailBreach(metric=b.metric, value=b.value, max=b.max, control_value=b.control_value)
                for b in check.breaches
            ],
            rolled_back=check.rolled_back,
        )

    @strawberry.mutation(
        description="Operators: end an experiment and record it in the results database (hypothesis, arms, "
        "sample, effect, interval, decision). Finishing again answers the recorded result."
    )
    async def finish_experiment(self, info: Info, input: FinishExperimentInput) -> FinishExperimentPayload:
        cid = (await info.context.require_operator(input.community_id)).community_id
        finish = ExperimentFinish(decision=input.decision, notes=input.notes)
        result = await info.context.services.distribution.finish_experiment(cid, str(input.id), finish)
        return FinishExperimentPayload(result=ExperimentResult.from_read(result))
