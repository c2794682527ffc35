"""LTV model versions for operators: train one, read how each did against the naive baseline."""

from __future__ import annotations

from datetime import datetime

import strawberry

from gateway.context import Info
from gateway.graphql.pagination import check_first
from gateway.graphql.users_value import COMMUNITY_ARG
from users_service.ltv.schemas import LtvErrors, LtvModelRead, LtvTrain


@strawberry.type
class LtvErrorMetrics:
    mae: float
    rmse: float

    @staticmethod
    def from_read(read: LtvErrors) -> LtvErrorMetrics:
        return LtvErrorMetrics(mae=read.mae, rmse=read.rmse)


@strawberry.type(description="Members sorted by prediction and cut into bins: predicted vs actual mean value.")
class LtvCalibration:
    members: int
    predicted_mean: float
    actual_mean: float


@strawberry.type(description="One trained LTV version, evaluated on the later period of a time split.")
class LtvModel:
    version: int
    trained_at: datetime
    horizon_days: int
    train_cutoff: datetime
    test_cutoff: datetime
    train_members: int
    test_members: int
    features: list[str]
    model: LtvErrorMetrics
    naive: LtvErrorMetrics = strawberry.field(description="Each member's value of the previous period, carried on.")
    mean: LtvErrorMetrics = strawberry.field(description="The training mean for everyone.")
    beats_naive: bool
    total_ratio: float | None = strawberry.field(description="Sum predicted / sum actual on the test period.")
    calibration: list[LtvCalibration]
    predicted_members: int
    note: str | None

    @staticmethod
    def from_read(read: LtvModelRead) -> LtvModel:
        return LtvModel(
            version=read.version,
            trained_at=read.trained_at,
            horizon_days=read.horizon_days,
            train_cutoff=read.train_cutoff,
            test_cutoff=read.test_cutoff,
            train_members=read.train_members,
            test_members=read.test_members,
            features=list(read.features),
            model=LtvErrorMetrics.from_read(read.model),
            naive=LtvErrorMetrics.from_read(read.naive),
            mean=LtvErrorMetrics.from_read(read.mean),
            beats_naive=read.beats_naive,
            total_ratio=read.total_ratio,
            calibration=[
                LtvCalibration(members=b.members, predicted_mean=b.predicted_mean, actual_mean=b.actual_mean)
                for b in read.calibration
            ],
            predicted_members=read.predicted_members,
            note=read.note,
        )


@strawberry.input
class TrainLtvModelInput:
    community_id: strawberry.ID | None = strawberry.field(default=None, description=COMMUNITY_ARG)
    horizon_days: int = 365
    min_members: int = 10


@strawberry.type
class LtvQuery:
    @strawberry.field(description="Operators: the community's LTV model versions, newest first.")
    async def ltv_models(
        self, info: Info, first: int = 10, community_id: strawberry.ID | None = None
    ) -> list[LtvModel]:
        cid = await info.context.operator_community(community_id)
        models = await info.context.services.users.list_ltv_models(cid, limit=check_first(first))
        return [LtvModel.from_read(m) for m in models]


@strawberry.type
class LtvMutation:
    @strawberry.mutation(description="Operators: train a new LTV version and predict every member's `ltv`.")
    async def train_ltv_model(self, info: Info, input: TrainLtvModelInput) -> LtvModel:
        cid = await info.context.operator_community(input.community_id)
        train_in = LtvTrain(horizon_days=input.horizon_days, min_members=input.min_members)
        return LtvModel.from_read(await info.context.services.users.train_ltv(cid, train_in))
