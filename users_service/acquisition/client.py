"""Acquisition calls of `UsersClient` (mixed into it)."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote

from infra.http import ServiceClient
from users_service.acquisition.schemas import AcquisitionReport, Enrollment, ProgramCreate, ProgramList, ProgramRead


def _acq(community_id: str) -> str:
    return f"/communities/{quote(community_id, safe='')}/acquisition"


class AcquisitionClientMixin(ServiceClient):
    async def acquisition_report(
        self, community_id: str, start: datetime | None = None, end: datetime | None = None
    ) -> AcquisitionReport:
        """Sign-ups, spend and CAC per channel in [start, end)."""
        params = {k: v.isoformat() for k, v in (("start", start), ("end", end)) if v is not None}
        body = await self._call("GET", f"{_acq(community_id)}/report", params=params or None)
        return AcquisitionReport.model_validate(body)

    async def create_trial_program(self, community_id: str, program_in: ProgramCreate) -> ProgramRead:
        body = await self._call("POST", f"{_acq(community_id)}/programs", json=program_in.to_wire())
        return ProgramRead.model_validate(body)

    async def list_trial_programs(self, community_id: str, *, limit: int = 20) -> list[ProgramRead]:
        body = await self._call("GET", f"{_acq(community_id)}/programs", params={"limit": limit})
        return ProgramList.model_validate(body).programs

    async def enroll_in_trial_program(self, community_id: str, program_id: str, enrollment: Enrollment) -> ProgramRead:
        path = f"{_acq(community_id)}/programs/{quote(program_id, safe='')}/enrollments"
        return ProgramRead.model_validate(await self._call("POST", path, json=enrollment.to_wire()))
