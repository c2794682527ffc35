"""Background-job calls of `UsersClient` (mixed into it): start a tier run or an LTV training, read a job."""

from __future__ import annotations

from datetime import datetime

from infra.http import ServiceClient
from infra.paths import community_path, segment
from users_service.schemas.jobs import JobRead
from users_service.schemas.ltv import LtvTrain
from users_service.schemas.value import RecomputeRequest


def _jobs(community_id: str) -> str:
    return f"{community_path(community_id)}/jobs"


class JobsClientMixin(ServiceClient):
    async def start_tier_run(self, community_id: str, as_of: datetime | None = None) -> JobRead:
        """Start the tier batch job in the background; answers at once with the RUNNING job."""
        body = RecomputeRequest(as_of=as_of).to_wire()
        return JobRead.model_validate(await self._call("POST", f"{_jobs(community_id)}/tier-runs", json=body))

    async def start_ltv_training(self, community_id: str, train_in: LtvTrain | None = None) -> JobRead:
        """Start training a new LTV version in the background; answers at once with the RUNNING job."""
        body = (train_in or LtvTrain()).to_wire()
        return JobRead.model_validate(await self._call("POST", f"{_jobs(community_id)}/ltv-trainings", json=body))

    async def get_job(self, community_id: str, job_id: str) -> JobRead:
        """The job's state; one whose process died reads FAILED."""
        return JobRead.model_validate(await self._call("GET", f"{_jobs(community_id)}/{segment(job_id)}"))
