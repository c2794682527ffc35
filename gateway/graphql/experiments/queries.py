"""Experiment reads: a member's experimentFlags; for operators, experiments, readouts, results and power."""

from __future__ import annotations

import strawberry

from distribution_service.schemas import PowerRequest
from gateway.context import Info
from gateway.graphql.experiments.enums import ExperimentStatus, ExportFormat
from gateway.graphql.experiments.inputs import ExperimentPowerInput
from gateway.graphql.experiments.types import (
    DetectableEffect,
    Experiment,
    ExperimentAnalysis,
    ExperimentFlag,
    ExperimentResult,
    ExperimentResultsExport,
    PowerPlan,
)


@strawberry.type
class ExperimentQuery:
    @strawberry.field(
        description="The layout flags front-ends read for the caller, merged over the experiments they are in. "
        "Reading them is using them: the caller's exposure to each experiment is logged (once)."
    )
    async def experiment_flags(self, info: Info) -> list[ExperimentFlag]:
        member = await info.context.require_member()
        flags = await info.context.services.distribution.experiment_flags(member.community_id, member.id)
        return [ExperimentFlag(key=k, value=v) for k, v in sorted(flags.items())]

    @strawberry.field(description="The community's experiments, newest first (operators).")
    async def experiments(
        self, info: Info, status: ExperimentStatus | None = None, community_id: strawberry.ID | None = None
    ) -> list[Experiment]:
        cid = (await info.context.require_operator(community_id)).community_id
        found = await info.context.services.distribution.experiments(cid, status.value if status else None)
        return [Experiment.from_read(e) for e in found]

    @strawberry.field(description="One experiment with its exposures so far (operators).")
    async def experiment(self, info: Info, id: strawberry.ID, community_id: strawberry.ID | None = None) -> Experiment:
        cid = (await info.context.require_operator(community_id)).community_id
        return Experiment.from_read(await info.context.services.distribution.experiment(cid, str(id)))

    @strawberry.field(
        description="An experiment's readout (operators): per-arm metrics, effects with always-valid intervals, "
        "CUPED, the sample-ratio check; arm names hidden until the pre-registered sample."
    )
    async def experiment_analysis(
        self, info: Info, id: strawberry.ID, community_id: strawberry.ID | None = None
    ) -> ExperimentAnalysis:
        cid = (await info.context.require_operator(community_id)).community_id
        return ExperimentAnalysis.from_read(await info.context.services.distribution.experiment_analysis(cid, str(id)))

    @strawberry.field(description="The results database: every finished experiment, newest first (operators).")
    async def experiment_results(self, info: Info, community_id: strawberry.ID | None = None) -> list[ExperimentResult]:
        cid = (await info.context.require_operator(community_id)).community_id
        return [ExperimentResult.from_read(r) for r in await info.context.services.distribution.experiment_results(cid)]

    @strawberry.field(description="The results database as a CSV or JSON file (operators).")
    async def export_experiment_results(
        self, info: Info, format: ExportFormat, community_id: strawberry.ID | None = None
    ) -> ExperimentResultsExport:
        cid = (await info.context.require_operator(community_id)).community_id
        export = await info.context.services.distribution.export_experiment_results(cid, format.value)
        return ExperimentResultsExport(format=export.format, content_type=export.content_type, body=export.body)

    @strawberry.field(
        description="Members needed to detect an effect, and what samples up to the playbook's 100,000 floor can "
        "detect (operators)."
    )
    async def experiment_power(
        self, info: Info, input: ExperimentPowerInput, community_id: strawberry.ID | None = None
    ) -> PowerPlan:
        cid = (await info.context.require_operator(community_id)).community_id
        request = PowerRequest(
            baseline=input.baseline,
            sd=input.sd,
            mde_relative=input.mde_relative,
            arms=input.arms,
            alpha=input.alpha,
            power=input.power,
        )
        plan = await info.context.services.distribution.experiment_power(cid, request)
        return PowerPlan(
            **plan.model_dump(exclude={"detectable"}),
            detectable=[DetectableEffect(**d.model_dump()) for d in plan.detectable],
        )
