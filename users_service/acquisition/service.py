"""Acquisition rules: CAC per channel (spend ÷ sign-ups), trial programs' conversion and retention."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bson import ObjectId

from infra.errors import NotFoundError
from infra.schemas import object_id
from users_service.acquisition.programs import DURATION_DAYS, ProgramKind, cac_cents, rate
from users_service.acquisition.schemas import (
    AcquisitionReport,
    ChannelCac,
    Enrollment,
    ProgramCreate,
    ProgramRead,
)
from users_service.acquisition.store import AcquisitionStore
from users_service.domain.acquisition import Channel
from users_service.store import UsersStore
from users_service.value.service import Upstreams


@dataclass(frozen=True)
class AcquisitionTargets:
    camp_conversion: float
    plan_retention: float
    ltv_to_cac_healthy_above: float


class AcquisitionService:
    def __init__(
        self, store: AcquisitionStore, users: UsersStore, upstreams: Upstreams, targets: AcquisitionTargets
    ) -> None:
        self.store = store
        self.users = users
        self.upstreams = upstreams
        self.targets = targets

    async def _community(self, community_id: str) -> ObjectId:
        cid = object_id(community_id, field="communityId")
        if await self.users.get_community(cid) is None:
            raise NotFoundError(f"no community with id {community_id}", field="communityId")
        return cid

    async def report(self, community_id: str, start: datetime | None, end: datetime | None) -> AcquisitionReport:
        cid = await self._community(community_id)
        signups = await self.store.signups_by_channel(cid, start, end)
        spend = await self.users.sum_spend(cid, start, end)
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

    async def create_program(self, community_id: str, program_in: ProgramCreate) -> ProgramRead:
        cid = await self._community(community_id)
        starts = program_in.starts_at if program_in.starts_at.tzinfo else program_in.starts_at.replace(tzinfo=UTC)
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
        return await self._measured(community_id, doc)

    async def enroll(self, community_id: str, program_id: str, enrollment: Enrollment) -> ProgramRead:
        cid = object_id(community_id, field="communityId")
        doc = await self._program_or_raise(cid, program_id)
        member = await self.users.get_member(cid, object_id(enrollment.member_id, field="memberId"))
        if member is None:
            raise NotFoundError("no such member in this community", field="memberId")
        await self.store.enroll(cid, doc["_id"], ObjectId(member.id))
        return await self._measured(community_id, doc)

    async def list_programs(self, community_id: str, *, limit: int) -> list[ProgramRead]:
        cid = object_id(community_id, field="communityId")
        return [await self._measured(community_id, doc) for doc in await self.store.list_programs(cid, limit=limit)]

    async def _program_or_raise(self, cid: ObjectId, program_id: str) -> dict[str, Any]:
        doc = await self.store.get_program(cid, object_id(program_id, field="programId"))
        if doc is None:
            raise NotFoundError(f"no trial program with id {program_id} in this community", field="programId")
        return doc

    async def _measured(self, community_id: str, doc: dict[str, Any]) -> ProgramRead:
        """Conversion: enrollees who paid since the start. Retention: enrollees active after the end."""
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
