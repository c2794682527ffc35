"""Acquisition calls of `UsersClient` (mixed into it)."""

from __future__ import annotations

from datetime import datetime

from infra.http import ServiceClient
from infra.paths import community_path, segment
from users_service.schemas.acquisition import (
    AcquisitionReport,
    Enrollment,
    ProgramCreate,
    ProgramList,
    ProgramRead,
    SpendCreate,
    SpendRead,
    SpendTotal,
)


def _acq(community_id: str) -> str:
    return f"{community_path(community_id)}/acquisition"


class AcquisitionClientMixin(ServiceClient):
    async def record_spend(self, community_id: str, spend_in: SpendCreate) -> SpendRead:
        body = await self._call("POST", f"{_acq(community_id)}/spend", json=spend_in.to_wire())
        return SpendRead.model_validate(body)

    async def acquisition_spend(
        self, community_id: str, start: datetime | None = None, end: datetime | None = None
    ) -> SpendTotal:
        """Acquisition spend in [start, end): the C of CAC."""
        params = {k: v.isoformat() for k, v in (("start", start), ("end", end)) if v is not None}
        body = await self._call("GET", f"{_acq(community_id)}/spend", params=params or None)
        return SpendTotal.model_validate(body)

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
        path = f"{_acq(community_id)}/programs/{segment(program_id, field='programId')}/enrollments"
        return ProgramRead.model_validate(await self._call("POST", path, json=enrollment.to_wire()))
