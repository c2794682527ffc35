"""Background jobs: operators start a tier run or an LTV training and poll `job(id)` instead of waiting on one call.

users_service stores and runs the jobs; the gateway only checks the operator and renders the job.
"""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from gateway.context import Info
from gateway.graphql.users.inputs import RecomputeTiersInput, TrainLtvModelInput
from gateway.graphql.users.types import LtvModel, TierRun
from users_service.schemas import JobKind, JobRead, JobStatus, LtvModelRead, LtvTrain, TierRunRead

strawberry.enum(JobKind, name="JobKind", description="What a background job does.")
strawberry.enum(
    JobStatus,
    name="JobStatus",
    description="RUNNING until it ends SUCCEEDED or FAILED; a job whose process died reads FAILED.",
)


@strawberry.type(description="A background job of the community: a tier run or an LTV training.")
class Job:
    id: strawberry.ID = strawberry.field(description="The job's id, for `job(id:)`.")
    kind: JobKind = strawberry.field(description="What the job does.")
    status: JobStatus = strawberry.field(description="Where the job stands.")
    progress: float = strawberry.field(description="The share done, 0 to 1 (1 once SUCCEEDED).")
    started_at: datetime = strawberry.field(description="When the job was started.")
    finished_at: datetime | None = strawberry.field(description="When it ended; null while RUNNING.")
    error: str | None = strawberry.field(description="Why it FAILED; null otherwise.")
    error_code: str | None = strawberry.field(description="The failure's code (e.g. BAD_USER_INPUT); null otherwise.")
    result: JSON | None = strawberry.field(
        description="The synchronous mutation's answer as JSON once SUCCEEDED (a tier run or an LTV version)."
    )
    tier_run: TierRun | None = strawberry.field(description="A TIER_RUN's run once SUCCEEDED, as `recomputeTiers`.")
    ltv_model: LtvModel | None = strawberry.field(
        description="An LTV_TRAINING's version once SUCCEEDED, as `trainLtvModel` answers it."
    )

    @staticmethod
    def from_read(read: JobRead) -> Job:
        done = read.status is JobStatus.SUCCEEDED and read.result is not None
        tier_run = ltv_model = None
        if done and read.kind is JobKind.TIER_RUN:
            tier_run = TierRun.from_read(TierRunRead.model_validate(read.result))
        if done and read.kind is JobKind.LTV_TRAINING:
            ltv_model = LtvModel.from_read(LtvModelRead.model_validate(read.result))
        return Job(
            id=strawberry.ID(read.id),
            kind=read.kind,
            status=read.status,
            progress=read.progress,
            started_at=read.started_at,
            finished_at=read.finished_at,
            error=read.error,
            error_code=read.error_code,
            result=JSON(read.result) if read.result is not None else None,
            tier_run=tier_run,
            ltv_model=ltv_model,
        )


@strawberry.type(description="The tier run just started in the background.")
class StartTierRunPayload:
    job: Job = strawberry.field(description="The RUNNING job; poll `job(id:)` for its progress and run.")


@strawberry.type(description="The LTV training just started in the background.")
class StartLtvTrainingPayload:
    job: Job = strawberry.field(description="The RUNNING job; poll `job(id:)` for its progress and version.")


@strawberry.type
class JobQuery:
    @strawberry.field(description="Operators: a background job of the community, with its progress and result.")
    async def job(self, info: Info, id: strawberry.ID, community_id: strawberry.ID | None = None) -> Job:
        cid = (await info.context.require_operator(community_id)).community_id
        return Job.from_read(await info.context.services.users.get_job(cid, str(id)))


@strawberry.type
class JobMutation:
    @strawberry.mutation(description="Operators: start the tier batch job in the background; answers at once.")
    async def start_tier_run(self, info: Info, input: RecomputeTiersInput) -> StartTierRunPayload:
        cid = (await info.context.require_operator(input.community_id)).community_id
        job = await info.context.services.users.start_tier_run(cid, input.as_of)
        return StartTierRunPayload(job=Job.from_read(job))

    @strawberry.mutation(description="Operators: start training a new LTV version in the background; answers at once.")
    async def start_ltv_training(self, info: Info, input: TrainLtvModelInput) -> StartLtvTrainingPayload:
        cid = (await info.context.require_operator(input.community_id)).community_id
        train_in = LtvTrain(horizon_days=input.horizon_days, min_members=input.min_members)
        job = await info.context.services.users.start_ltv_training(cid, train_in)
        return StartLtvTrainingPayload(job=Job.from_read(job))
