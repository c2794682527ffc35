"""Background jobs on the wire: one job's state, progress and, once done, its result or error."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from infra.schemas import ApiModel
from users_service.domain.jobs import JobKind, JobStatus

__all__ = ["JobKind", "JobRead", "JobStatus"]


class JobRead(ApiModel):
    id: str
    kind: JobKind
    status: JobStatus
    # 0..1; 1 once SUCCEEDED.
    progress: float
    started_at: datetime
    heartbeat_at: datetime
    finished_at: datetime | None = None
    error: str | None = None
    error_code: str | None = None
    # The synchronous operation's answer on the wire (TierRunRead for TIER_RUN, LtvModelRead for LTV_TRAINING).
    result: dict[str, Any] | None = None
