"""Object types of offline events."""

from __future__ import annotations

from datetime import datetime

import strawberry

from users_service.schemas import AttendanceRead, OfflineEventFunnel, OfflineEventRead


@strawberry.type(description="An on-site event of a campaign, warmed up online before and exhibited after.")
class OfflineEvent:
    id: strawberry.ID = strawberry.field(description="Stable id of the event.")
    campaign_id: strawberry.ID = strawberry.field(description="The campaign it belongs to.")
    title: str = strawberry.field(description="The event's title, for display.")
    venue: str = strawberry.field(description="Where it takes place.")
    starts_at: datetime = strawberry.field(description="When doors open.")
    ends_at: datetime = strawberry.field(description="When it ends; on-site check-in closes then.")
    warmup_content_id: strawberry.ID | None = strawberry.field(description="The content that warms it up online.")
    exhibit_content_id: strawberry.ID | None = strawberry.field(description="The after-event exhibit.")

    @staticmethod
    def from_read(read: OfflineEventRead) -> OfflineEvent:
        return OfflineEvent(
            id=strawberry.ID(read.id),
            campaign_id=strawberry.ID(read.campaign_id),
            title=read.title,
            venue=read.venue,
            starts_at=read.starts_at,
            ends_at=read.ends_at,
            warmup_content_id=strawberry.ID(read.warmup_content_id) if read.warmup_content_id else None,
            exhibit_content_id=strawberry.ID(read.exhibit_content_id) if read.exhibit_content_id else None,
        )


@strawberry.type(description="A member's registration for an offline event.")
class OfflineEventAttendance:
    event_id: strawberry.ID = strawberry.field(description="The event.")
    member_id: strawberry.ID = strawberry.field(description="The member registered.")
    registered_at: datetime = strawberry.field(description="When they registered.")
    checked_in_at: datetime | None = strawberry.field(description="When their QR token was scanned on site.")
    qr_token: str | None = strawberry.field(
        description="Show as a QR code at the door (signed; names event and member). Only in the registration."
    )

    @staticmethod
    def from_read(read: AttendanceRead) -> OfflineEventAttendance:
        return OfflineEventAttendance(
            event_id=strawberry.ID(read.event_id),
            member_id=strawberry.ID(read.member_id),
            registered_at=read.registered_at,
            checked_in_at=read.checked_in_at,
            qr_token=read.qr_token,
        )


@strawberry.type(description="Warm-up viewers → registered → attendees → attendees active 72 hours after the end.")
class OfflineEventFunnelResult:
    event_id: strawberry.ID = strawberry.field(description="The event.")
    warmup_viewers: int = strawberry.field(description="Members who engaged with the warm-up before the event.")
    registered: int = strawberry.field(description="Members registered.")
    attendees: int = strawberry.field(description="Registered members checked in on site.")
    retained_72h: int | None = strawberry.field(
        description="Attendees active 72 hours or more after the end; null until then."
    )
    exhibit_viewers: int = strawberry.field(description="Members who engaged with the exhibit after the event.")
    attendance_rate: float | None = strawberry.field(description="attendees ÷ registered.")
    retention_rate: float | None = strawberry.field(description="retained72h ÷ attendees.")

    @staticmethod
    def from_read(read: OfflineEventFunnel) -> OfflineEventFunnelResult:
        return OfflineEventFunnelResult(
            event_id=strawberry.ID(read.event_id),
            warmup_viewers=read.warmup_viewers,
            registered=read.registered,
            attendees=read.attendees,
            retained_72h=read.retained_72h,
            exhibit_viewers=read.exhibit_viewers,
            attendance_rate=read.attendance_rate,
            retention_rate=read.retention_rate,
        )
