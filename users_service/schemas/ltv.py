"""LTV on the wire: a training request and each trained version's evaluation."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field

from infra.schemas import ApiInput, ApiModel

__all__ = [
    "LtvCalibrationBin",
    "LtvErrors",
    "LtvModelList",
    "LtvModelRead",
    "LtvTrain",
]


class LtvTrain(ApiInput):
    # 365 days: the "value over the next 12 months". Shorter horizons suit short histories.
    horizon_days: Annotated[int, Field(ge=7, le=1095)] = 365
    min_members: Annotated[int, Field(ge=2, le=100_000)] = 10


class LtvErrors(ApiModel):
    mae: float
    rmse: float


class LtvCalibrationBin(ApiModel):
    members: int
    predicted_mean: float
    actual_mean: float


class LtvModelRead(ApiModel):
    """One trained version: how it was split in time and how it did against the baselines on the later period."""

    version: int
    trained_at: datetime
    horizon_days: int
    train_cutoff: datetime
    test_cutoff: datetime
    train_members: int
    test_members: int
    features: list[str]
    model: LtvErrors
    naive: LtvErrors
    mean: LtvErrors
    beats_naive: bool
    total_ratio: float | None
    calibration: list[LtvCalibrationBin]
    predicted_members: int
    note: str | None = None


class LtvModelList(ApiModel):
    models: list[LtvModelRead]
