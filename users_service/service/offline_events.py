"""Offline events of a campaign: registration with a signed QR token, on-site check-in by scanning it, and the
funnel from the online warm-up's viewers to attendees to attendees still active 72 hours after the event."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bson import ObjectId

from infra.errors import BadInputError, NotFoundError
from infra.moments import as_utc
from users_service.domain.campaigns import rate
from users_service.domain.referral_codes import ATTENDANCE, read_ids, sign_ids
from users_service.schemas.offline_events import (
    AttendanceRead,
    OfflineCheckIn,
    OfflineEventCreate,
    OfflineEventFunnel,
    OfflineEventRead,
    OfflineRegistration,
)
from users_service.service.campaigns import CampaignsService
from users_service.service.members import MembersService
from users_service.service.upstreams import Upstreams
from users_service.store.base import Doc
from users_service.store.offline_events import OfflineEventsStore

RETENTION_AFTER = timedelta(hours=72)
WARMUP_DAYS = 30  # warm-up viewers are counted over this long before the event (or since the campaign's start)


class OfflineEventNotFound(NotFoundError):
    """No offline event with this id in the community."""


class OfflineEventsService:
    def __init__(
        self,
        store: OfflineEventsStore,
        campaigns: CampaignsService,
        members: MembersService,
        upstreams: Upstreams,
        *,
        secret: bytes,
    ) -> None:
        self.store = store
        self.campaigns = campaigns
        self.members = members
        self.upstreams = upstreams
        self.secret = secret

    async def create(self, cid: ObjectId, event_in: OfflineEventCreate) -> OfflineEventRead:
        campaign_id = ObjectId(event_in.campaign_id)
        await self.campaigns.get_or_raise(cid, campaign_id)
        known = await self.upstreams.content.known_ids(
            str(cid), [i for i in (event_in.warmup_content_id, event_in.exhibit_content_id) if i]
        )
        for field, value in (
            ("warmupContentId", event_in.warmup_content_id),
            ("exhibitContentId", event_in.exhibit_content_id),
        ):
            if value and value not in known:
                raise BadInputError(f"no content with id {value} in this community", field=field)
        doc = await self.store.create(
            cid,
            {
                "campaign_id": campaign_id,
                "title": event_in.title,
                "venue": event_in.venue,
                "starts_at": as_utc(event_in.starts_at),
                "ends_at": as_utc(event_in.ends_at),
                "warmup_content_id": ObjectId(event_in.warmup_content_id) if event_in.warmup_content_id else None,
                "exhibit_content_id": ObjectId(event_in.exhibit_content_id) if event_in.exhibit_content_id else None,
            },
        )
        return event_read(doc)

    async def list_for_campaign(self, cid: ObjectId, campaign_id: ObjectId) -> list[OfflineEventRead]:
        await self.campaigns.get_or_raise(cid, campaign_id)
        return [event_read(d) for d in await self.store.list_for_campaign(cid, campaign_id)]

    async def register(self, cid: ObjectId, event_id: ObjectId, registration: OfflineRegistration) -> AttendanceRead:
        """Register the member (again: the same registration) and hand them their QR token."""
        event = await self._get_or_raise(cid, event_id)
        member = ObjectId((await self.members.get_or_raise(cid, ObjectId(registration.member_id))).id)
        if datetime.now(UTC) >= as_utc(event["ends_at"]):
            raise BadInputError("the event is over", field="eventId")
        doc = await self.store.register(cid, event_id, member)
        return attendance_read(doc, sign_ids(self.secret, ATTENDANCE, event_id, member))

    async def check_in(self, cid: ObjectId, check_in: OfflineCheckIn) -> AttendanceRead:
        """Staff scan the member's QR token at the door: a genuine token of a registration marks it attended."""
        ids = read_ids(self.secret, ATTENDANCE, check_in.qr_token, 2)
        if ids is None:
            raise BadInputError("not a QR token of this platform", field="qrToken")
        event_id, member_id = ids
        event = await self._get_or_raise(cid, event_id, field="qrToken")
        now = datetime.now(UTC)
        if not as_utc(event["starts_at"]) - timedelta(hours=12) <= now < as_utc(event["ends_at"]):
            raise BadInputError("check-in opens 12 hours before the event and closes at its end", field="qrToken")
        doc = await self.store.check_in(cid, event_id, member_id)
        if doc is None:
            raise BadInputError("this member did not register for the event", field="qrToken")
        return attendance_read(doc, None)

    async def attended(self, cid: ObjectId, campaign_id: ObjectId, member_id: ObjectId) -> int:
        """How many of the campaign's offline events the member was checked in at (the ATTEND task's fact)."""
        events = await self.store.list_for_campaign(cid, campaign_id)
        return await self.store.count_attended(cid, member_id, [e["_id"] for e in events])

    async def funnel(self, cid: ObjectId, event_id: ObjectId) -> OfflineEventFunnel:
        event = await self._get_or_raise(cid, event_id)
        starts, ends = as_utc(event["starts_at"]), as_utc(event["ends_at"])
        now = datetime.now(UTC)
        distribution = self.upstreams.distribution
        warmup: list[str] = []
        if event.get("warmup_content_id"):
            since = starts - timedelta(days=WARMUP_DAYS)
            warmup = (
                await distribution.content_engagers(
                    str(cid), str(event["warmup_content_id"]), since=since, until=min(starts, now)
                )
                if since < now
                else []
            )
        exhibit: list[str] = []
        if event.get("exhibit_content_id") and ends < now:
            exhibit = await distribution.content_engagers(
                str(cid), str(event["exhibit_content_id"]), since=ends, until=now
            )
        rows = await self.store.list_attendance(cid, event_id)
        attendees = [str(r["member_id"]) for r in rows if r.get("checked_in_at")]
        retained: int | None = None
        if now >= ends + RETENTION_AFTER:
            active = await distribution.activity_by_member(str(cid), since=ends + RETENTION_AFTER)
            retained = sum(1 for m in attendees if m in active)
        return OfflineEventFunnel(
            event_id=str(event_id),
            warmup_viewers=len(warmup),
            registered=len(rows),
            attendees=len(attendees),
            retained_72h=retained,
            exhibit_viewers=len(exhibit),
            attendance_rate=rate(len(attendees), len(rows)),
            retention_rate=rate(retained, len(attendees)) if retained is not None else None,
        )

    async def _get_or_raise(self, cid: ObjectId, event_id: ObjectId, *, field: str = "eventId") -> Doc:
        doc = await self.store.get(cid, event_id)
        if doc is None:
            raise OfflineEventNotFound(f"no offline event with id {event_id} in this community", field=field)
        return doc


def event_read(doc: Doc) -> OfflineEventRead:
    return OfflineEventRead(
        id=str(doc["_id"]),
        campaign_id=str(doc["campaign_id"]),
        title=doc["title"],
        venue=doc["venue"],
        starts_at=as_utc(doc["starts_at"]),
        ends_at=as_utc(doc["ends_at"]),
        warmup_content_id=str(doc["warmup_content_id"]) if doc.get("warmup_content_id") else None,
        exhibit_content_id=str(doc["exhibit_content_id"]) if doc.get("exhibit_content_id") else None,
        created_at=as_utc(doc["created_at"]),
    )


def attendance_read(doc: Doc, token: str | None) -> AttendanceRead:
    return AttendanceRead(
        event_id=str(doc["event_id"]),
        member_id=str(doc["member_id"]),
        registered_at=as_utc(doc["registered_at"]),
        checked_in_at=as_utc(doc["checked_in_at"]) if doc.get("checked_in_at") else None,
        qr_token=token,
    )
