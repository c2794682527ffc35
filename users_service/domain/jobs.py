"""Background jobs: what kinds there are, the states one goes through, and when a RUNNING one counts as dead."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from enum import StrEnum


class JobKind(StrEnum):
    TIER_RUN = "TIER_RUN"
    LTV_TRAINING = "LTV_TRAINING"


class JobStatus(StrEnum):
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"


# Hears the share of a job done (0..1) as the work passes its phases.
Progress = Callable[[float], Awaitable[None]]


async def no_progress(_fraction: float) -> None:
    """The `Progress` of work run synchronously: nobody listens."""


# What a job whose process died (its heartbeat lapsed) reports instead of RUNNING forever.
INTERRUPTED = "interrupted: the process running it stopped before it finished; start it again"


def is_stale(status: JobStatus, heartbeat_at: datetime, now: datetime, lease_seconds: float) -> bool:
    """A RUNNING job whose holder has not renewed its lease in time: its process is gone."""
    return status is JobStatus.RUNNING and heartbeat_at < now - timedelta(seconds=lease_seconds)


def clamp_progress(fraction: float) -> float:
    return round(min(max(fraction, 0.0), 1.0), 4)
