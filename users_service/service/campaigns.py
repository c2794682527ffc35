"""Campaigns: theme, window, budget and tasks; participation by check-in with streaks in the member's timezone."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from datetime import UTC, datetime

from bson import ObjectId

from infra.errors import BadInputError, ForbiddenError, NotFoundError
from infra.moments import as_utc
from users_service.domain.campaigns import STEP_OF
from users_service.domain.perks import Perk
from users_service.domain.streaks import Streak, check_in
from users_service.schemas.campaigns import (
    CampaignCreate,
    CampaignRead,
    CampaignTaskRead,
    CheckInCreate,
    ParticipationRead,
    RewardSpec,
)
from users_service.service.communities import CommunitiesService
from users_service.service.members import MembersService
from users_service.service.value import ValueService
from users_service.store.base import Doc
from users_service.store.campaigns import CampaignsStore


class CampaignNotFound(NotFoundError):
    """No campaign with this id in the community."""


def running(campaign: Doc, now: datetime) -> bool:
    return as_utc(campaign["starts_at"]) <= now < as_utc(campaign["ends_at"])


class CampaignsService:
    def __init__(
        self, store: CampaignsStore, communities: CommunitiesService, members: MembersService, value: ValueService
    ) -> None:
        self.store = store
        self.communities = communities
        self.members = members
        self.value = value

    async def taker_or_raise(self, cid: ObjectId, campaign: Doc, member_id: ObjectId) -> ObjectId:
        """The member's id, when they may take part: a campaign reserved for a perk (the growth path) takes only
        members whose RFM layer's treatment grants it, read now (a member who moves layer moves with it)."""
        member = await self.members.get_or_raise(cid, member_id)
        perk = campaign.get("perk")
        if perk and Perk(perk) not in (await self.value.treatments(cid)).perks_of(member.rfm_layer):
            raise ForbiddenError(
                f"this campaign is for members whose layer grants {perk}; yours is {member.rfm_layer.value}",
                field="campaignId",
            )
        return ObjectId(member.id)

    async def create(self, cid: ObjectId, campaign_in: CampaignCreate) -> CampaignRead:
        await self.communities.get_or_raise(cid)
        tasks = [
            {"id": f"t{i}", **task.model_dump(mode="json", exclude={"reward"}), "reward": task.reward.model_dump()}
            for i, task in enumerate(campaign_in.tasks, start=1)
        ]
        doc = await self.store.create(
            cid,
            {
                "name": campaign_in.name,
                "theme": campaign_in.theme,
                "starts_at": as_utc(campaign_in.starts_at),
                "ends_at": as_utc(campaign_in.ends_at),
                "budget_cents": campaign_in.budget_cents,
                "spent_cents": 0,
                "remaining_cents": campaign_in.budget_cents,
                "holding_days": campaign_in.holding_days,
                "tasks": tasks,
                "perk": campaign_in.perk.value if campaign_in.perk else None,
            },
        )
        return campaign_read(doc)

    async def get_or_raise(self, cid: ObjectId, campaign_id: ObjectId) -> Doc:
        doc = await self.store.get(cid, campaign_id)
        if doc is None:
            raise CampaignNotFound(f"no campaign with id {campaign_id} in this community", field="campaignId")
        return doc

    async def get(self, cid: ObjectId, campaign_id: ObjectId) -> CampaignRead:
        return campaign_read(await self.get_or_raise(cid, campaign_id))

    async def lookup(self, cid: ObjectId, ids: Sequence[str]) -> list[CampaignRead | None]:
        """Campaigns by id in the order asked, None where the community has none (a list's links, batched)."""
        found = await self.store.get_many(cid, [ObjectId(i) for i in dict.fromkeys(ids)])
        return [campaign_read(found[ObjectId(i)]) if ObjectId(i) in found else None for i in ids]

    async def list(self, cid: ObjectId, *, limit: int) -> list[CampaignRead]:
        return [campaign_read(doc) for doc in await self.store.list_campaigns(cid, limit=limit)]

    async def check_in(self, cid: ObjectId, campaign_id: ObjectId, check_in_in: CheckInCreate) -> ParticipationRead:
        """Check the member in now, in their zone (the community's when they name none); the first check-in
        makes them a participant. A concurrent twin is re-read and counted once (same local day)."""
        campaign = await self.get_or_raise(cid, campaign_id)
        member_id = await self.taker_or_raise(cid, campaign, ObjectId(check_in_in.member_id))
        now = datetime.now(UTC)
        if not running(campaign, now):
            raise BadInputError("the campaign is not running now", field="campaignId")
        zone = check_in_in.timezone or (await self.communities.get_or_raise(cid)).timezone
        for _ in range(20):
            doc = await self.store.get_participant(cid, campaign_id, member_id)
            before = streak_of(doc)
            after, outcome = check_in(before, now, zone)
            if after == before:
                return participation(campaign_id, member_id, after, outcome)
            fields = {k: v for k, v in asdict(after).items() if k != "last_day"}
            fields["last_day"] = after.last_day.isoformat() if after.last_day else None
            if await self.store.save_participant(cid, campaign_id, member_id, before.check_ins, fields):
                return participation(campaign_id, member_id, after, outcome)
        raise BadInputError("too many concurrent check-ins; retry", field="memberId")

    async def participation(self, cid: ObjectId, campaign_id: ObjectId, member_id: ObjectId) -> ParticipationRead:
        await self.get_or_raise(cid, campaign_id)
        doc = await self.store.get_participant(cid, campaign_id, member_id)
        return participation(campaign_id, member_id, streak_of(doc), None)


def streak_of(doc: Doc | None) -> Streak:
    if doc is None:
        return Streak()
    last_day = doc.get("last_day")
    return Streak(
        current=doc["current"],
        best=doc["best"],
        check_ins=doc["check_ins"],
        last_at=as_utc(doc["last_at"]) if doc.get("last_at") else None,
        last_zone=doc.get("last_zone"),
        last_day=datetime.fromisoformat(last_day).date() if last_day else None,
    )


def participation(campaign_id: ObjectId, member_id: ObjectId, streak: Streak, outcome: object) -> ParticipationRead:
    return ParticipationRead.model_validate(
        {
            "campaign_id": str(campaign_id),
            "member_id": str(member_id),
            "current_streak": streak.current,
            "best_streak": streak.best,
            "check_ins": streak.check_ins,
            "timezone": streak.last_zone,
            "outcome": outcome,
        }
    )


def campaign_read(doc: Doc) -> CampaignRead:
    return CampaignRead(
        id=str(doc["_id"]),
        name=doc["name"],
        theme=doc["theme"],
        starts_at=as_utc(doc["starts_at"]),
        ends_at=as_utc(doc["ends_at"]),
        budget_cents=doc["budget_cents"],
        spent_cents=doc["spent_cents"],
        remaining_cents=doc["remaining_cents"],
        holding_days=doc["holding_days"],
        perk=doc.get("perk"),
        tasks=[
            CampaignTaskRead(
                id=t["id"],
                kind=t["kind"],
                step=STEP_OF[t["kind"]],
                title=t["title"],
                count=t["count"],
                tag=t.get("tag"),
                reward=RewardSpec.model_validate(t["reward"]),
            )
            for t in doc["tasks"]
        ],
        created_at=as_utc(doc["created_at"]),
    )
