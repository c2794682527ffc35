"""Offline events in the schema: operators create events and scan QR tokens; members register."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from gateway.context import Info
from gateway.graphql.arguments import COMMUNITY_ARG, CommunityArg
from gateway.graphql.campaigns.offline_types import OfflineEvent, OfflineEventAttendance, OfflineEventFunnelResult
from users_service.schemas import OfflineCheckIn, OfflineEventCreate, OfflineRegistration


@strawberry.input(description="An on-site event of a campaign.")
class CreateOfflineEventInput:
    community_id: strawberry.ID | None = strawberry.field(default=None, description=COMMUNITY_ARG)
    campaign_id: strawberry.ID = strawberry.field(description="The campaign it belongs to.")
    title: str = strawberry.field(description="1-200 characters.")
    venue: str = strawberry.field(description="1-200 characters.")
    starts_at: datetime = strawberry.field(description="When doors open.")
    ends_at: datetime = strawberry.field(description="When it ends, after its start.")
    warmup_content_id: strawberry.ID | None = strawberry.field(default=None, description="Online warm-up content.")
    exhibit_content_id: strawberry.ID | None = strawberry.field(default=None, description="After-event exhibit.")


@strawberry.type(description="The event created.")
class CreateOfflineEventPayload:
    event: OfflineEvent = strawberry.field(description="The event created.")


@strawberry.input(description="Register the calling member for an offline event.")
class RegisterOfflineEventInput:
    event_id: strawberry.ID = strawberry.field(description="Id of the event, as in `OfflineEvent.id`.")


@strawberry.type(description="The registration with the member's QR token (registering again answers the same).")
class RegisterOfflineEventPayload:
    attendance: OfflineEventAttendance = strawberry.field(description="The registration and its QR token.")


@strawberry.input(description="A QR token scanned at the door.")
class CheckInOfflineEventInput:
    community_id: strawberry.ID | None = strawberry.field(default=None, description=COMMUNITY_ARG)
    qr_token: str = strawberry.field(description="The token from the member's QR code.")


@strawberry.type(description="The registration, checked in (the first scan's time is kept).")
class CheckInOfflineEventPayload:
    attendance: OfflineEventAttendance = strawberry.field(description="The registration, attended.")


@strawberry.type
class OfflineEventMutation:
    @strawberry.mutation(description="Operators: create an offline event of a campaign.")
    async def create_offline_event(
        self, info: Info, input: Annotated[CreateOfflineEventInput, strawberry.argument(description="The event.")]
    ) -> CreateOfflineEventPayload:
        cid = (await info.context.require_operator(input.community_id)).community_id
        event_in = OfflineEventCreate.model_validate(
            {
                "campaign_id": str(input.campaign_id),
                "title": input.title,
                "venue": input.venue,
                "starts_at": input.starts_at,
                "ends_at": input.ends_at,
                "warmup_content_id": str(input.warmup_content_id) if input.warmup_content_id else None,
                "exhibit_content_id": str(input.exhibit_content_id) if input.exhibit_content_id else None,
            }
        )
        read = await info.context.services.users.create_offline_event(cid, event_in)
        return CreateOfflineEventPayload(event=OfflineEvent.from_read(read))

    @strawberry.mutation(description="Members: register for an offline event and receive a QR token for the door.")
    async def register_offline_event(
        self, info: Info, input: Annotated[RegisterOfflineEventInput, strawberry.argument(description="The event.")]
    ) -> RegisterOfflineEventPayload:
        member = await info.context.require_member()
        read = await info.context.services.users.register_offline_event(
            member.community_id, str(input.event_id), OfflineRegistration(member_id=member.id)
        )
        return RegisterOfflineEventPayload(attendance=OfflineEventAttendance.from_read(read))

    @strawberry.mutation(description="Operators (door staff): check a registered member in by their QR token.")
    async def check_in_offline_event(
        self, info: Info, input: Annotated[CheckInOfflineEventInput, strawberry.argument(description="The scan.")]
    ) -> CheckInOfflineEventPayload:
        cid = (await info.context.require_operator(input.community_id)).community_id
        check_in = OfflineCheckIn.model_validate({"qr_token": input.qr_token})
        read = await info.context.services.users.check_in_offline_event(cid, check_in)
        return CheckInOfflineEventPayload(attendance=OfflineEventAttendance.from_read(read))


@strawberry.type
class OfflineEventQuery:
    @strawberry.field(description="A campaign's offline events, in time order.")
    async def offline_events(
        self,
        info: Info,
        campaign_id: Annotated[strawberry.ID, strawberry.argument(description="Id of the campaign.")],
        community_id: Annotated[strawberry.ID | None, CommunityArg] = None,
    ) -> list[OfflineEvent]:
        cid = await info.context.reader_community(community_id)
        reads = await info.context.services.users.list_offline_events(cid, str(campaign_id))
        return [OfflineEvent.from_read(r) for r in reads]

    @strawberry.field(description="Operators: an offline event's funnel from warm-up viewers to retained attendees.")
    async def offline_event_funnel(
        self,
        info: Info,
        event_id: Annotated[strawberry.ID, strawberry.argument(description="Id of the event.")],
        community_id: Annotated[strawberry.ID | None, CommunityArg] = None,
    ) -> OfflineEventFunnelResult:
        cid = (await info.context.require_operator(community_id)).community_id
        read = await info.context.services.users.offline_event_funnel(cid, str(event_id))
        return OfflineEventFunnelResult.from_read(read)
