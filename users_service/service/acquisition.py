"""Acquisition rules: spend and CAC per channel (spend ÷ sign-ups), trial programs' conversion and retention."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bson import ObjectId

from infra.errors import NotFoundError
from infra.moments import as_utc
from users_service.domain.acquisition import DURATION_DAYS, Channel, ProgramKind, cac_cents, rate
from users_service.schemas.acquisition import (
    AcquisitionReport,
    ChannelCac,
    Enrollment,
    ProgramCreate,
    ProgramRead,
    SpendCreate,
    SpendRead,
    SpendTotal,
)
from users_service.service.communities import CommunitiesService
from users_service.service.members import MembersService
from users_service.service.upstreams import Upstreams
from users_service.store.acquisition import AcquisitionStore
from users_service.store.members import MembersStore


class ProgramNotFound(NotFoundError):
    """No trial program with this id in the community."""


@dataclass(frozen=True)
class AcquisitionTargets:
    camp_conversion: float
    plan_retention: float
    ltv_to_cac_healthy_above: float


class AcquisitionService:
    def __init__(
        self,
        store: AcquisitionStore,
        members: MembersStore,
        communities: CommunitiesService,
        members_service: MembersService,
        upstreams: Upstreams,
        targets: AcquisitionTargets,
    ) -> None:
        self.store = store
        self.members = members
        self.communities = communities
        self.members_service = members_service
        self.upstreams = upstreams
        self.targets = targets

    async def record_spend(self, cid: ObjectId, spend_in: SpendCreate) -> SpendRead:
        await self.communities.get_or_raise(cid)
        return await self.store.create_spend(cid, spend_in.model_dump())

    async def spend(self, cid: ObjectId, start: datetime | None, end: datetime | None) -> SpendTotal:
        """Acquisition spend in [start, end): the C of CAC."""
        return await self.store.sum_spend(cid, start, end)

    async def report(self, cid: ObjectId, start: datetime | None, end: datetime | None) -> AcquisitionReport:
        await self.communities.get_or_raise(cid)
        signups = await self.members.signups_by_channel(cid, start, end)
        spend = await self.store.sum_spend(cid, start, end)
        channels = []
        for channel in Channel:
            n, avg_ltv = signups.get(channel.value, (0, None))
            spent = spend.by_channel.get(channel.value, 0)
            cac = cac_cents(spent, n)
            channels.append(
                ChannelCac(
                    channel=channel,
                    signups=n,
                    spend_cents=spent,
                    cac_cents=cac,
                    avg_ltv_cents=avg_ltv,
                    ltv_to_cac=round(avg_ltv / cac, 2) if avg_ltv is not None and cac else None,
                )
            )
        total = sum(n for n, _ in signups.values())
        return AcquisitionReport(
            start=start,
            end=end,
            signups=total,
            spend_cents=spend.spend_cents,
            cac_cents=cac_cents(spend.spend_cents, total),
            ltv_to_cac_healthy_above=self.targets.ltv_to_cac_healthy_above,
            channels=channels,
        )

    async def create_program(self, cid: ObjectId, program_in: ProgramCreate) -> ProgramRead:
        await self.communities.get_or_raise(cid)
        starts = as_utc(program_in.starts_at)
        days = DURATION_DAYS[program_in.kind]
        doc = await self.store.create_program(
            cid,
            {
                "kind": program_in.kind.value,
                "name": program_in.name,
                "duration_days": days,
                "starts_at": starts,
                "ends_at": starts + timedelta(days=days),
            },
        )
        return await self._measured(doc)

    async def enroll(self, cid: ObjectId, program_id: ObjectId, enrollment: Enrollment) -> ProgramRead:
        doc = await self._program_or_raise(cid, program_id)
        member = await self.members_service.get_or_raise(cid, ObjectId(enrollment.member_id))
        await self.store.enroll(cid, doc["_id"], ObjectId(member.id))
        return await self._measured(doc)

    async def list_programs(self, cid: ObjectId, *, limit: int) -> list[ProgramRead]:
        return [await self._measured(doc) for doc in await self.store.list_programs(cid, limit=limit)]

    async def _program_or_raise(self, cid: ObjectId, program_id: ObjectId) -> dict[str, Any]:
        doc = await self.store.get_program(cid, program_id)
        if doc is None:
            raise ProgramNotFound(f"no trial program with id {program_id} in this community", field="programId")
        return doc

    async def _measured(self, doc: dict[str, Any]) -> ProgramRead:
        """Conversion: enrollees who paid since the start. Retention: enrollees active after the end."""
        community_id = str(doc["community_id"])
        enrolled = await self.store.list_enrolled(doc["community_id"], doc["_id"])
        now = datetime.now(UTC)
        ended = doc["ends_at"] <= now
        converted = retained = 0
        if enrolled:
            paid = await self.upstreams.billing.revenue_by_member(community_id, since=doc["starts_at"])
            converted = sum(1 for m in enrolled if paid.get(m, 0) > 0)
            if ended:
                active = await self.upstreams.distribution.activity_by_member(community_id, since=doc["ends_at"])
                retained = sum(1 for m in enrolled if m in active)
        kind = ProgramKind(doc["kind"])
        return ProgramRead(
            id=str(doc["_id"]),
            kind=kind,
            name=doc["name"],
            duration_days=doc["duration_days"],
            starts_at=doc["starts_at"],
            ends_at=doc["ends_at"],
            enrolled=len(enrolled),
            ended=ended,
            converted=converted,
            conversion_rate=rate(converted, len(enrolled)),
            target_conversion_rate=self.targets.camp_conversion if kind == ProgramKind.EXPERIENCE_CAMP else None,
            retained=retained,
            retention_rate=rate(retained, len(enrolled)) if ended else None,
            target_retention_rate=self.targets.plan_retention if kind == ProgramKind.GROWTH_PLAN else None,
        )
