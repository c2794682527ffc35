"""Events that train the feed, push preferences, and follows and blocks of authors."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from distribution_service.schemas import (
    MAX_EVENT_BATCH,
    EventCreate,
    PushPreferencesUpdate,
)
from gateway.context import Info
from gateway.graphql.distribution.inputs import (
    BlockAuthorInput,
    FollowAuthorInput,
    RawInput,
    RecordEventInput,
    RecordEventsInput,
    SetPushPreferencesInput,
    UnblockAuthorInput,
    UnfollowAuthorInput,
    raw,
)
from gateway.graphql.distribution.types import AuthorRelations, PushPreferences, RecordEventPayload, RecordEventsPayload
from infra.errors import BadInputError

MAX_EVENTS_PER_BATCH = MAX_EVENT_BATCH


def _wire(member_id: str, event: RawInput) -> dict[str, Any]:
    """One coerced RecordEventInput in the wire model's (camelCase) names, for the caller."""
    return {**event, "memberId": member_id}


def _json_wire(member_id: str, event: RawInput) -> dict[str, Any]:
    """`_wire` in plain JSON values (enums are strings already; a date-time in ISO-8601), for the service to
    validate."""
    wire = _wire(member_id, event)
    occurred_at = wire.get("occurredAt")
    if isinstance(occurred_at, datetime):
        wire["occurredAt"] = occurred_at.isoformat()
    return wire


@strawberry.type
class FeedMutation:
    @strawberry.mutation(description="Log an interaction of the caller with an item of their community.")
    async def record_event(self, info: Info, input: RecordEventInput) -> RecordEventPayload:
        member = await info.context.require_member()
        event = EventCreate.model_validate(_wire(member.id, raw(input)))
        recorded = await info.context.services.distribution.record_event(member.community_id, event)
        return RecordEventPayload(ok=True, event_id=strawberry.ID(recorded.id), duplicate=recorded.duplicate)

    @strawberry.mutation(
        description=(
            f"Log up to {MAX_EVENTS_PER_BATCH} interactions at once (more is refused, nothing written); each "
            "clientEventId is recorded once. Answers once the events are durably stored; the counters ranking reads "
            "catch up within about a second."
        )
    )
    async def record_events(self, info: Info, input: RecordEventsInput) -> RecordEventsPayload:
        member = await info.context.require_member()
        events = raw(input)["events"]
        if not 1 <= len(events) <= MAX_EVENTS_PER_BATCH:
            raise BadInputError(f"events must hold 1 to {MAX_EVENTS_PER_BATCH} events", field="events")
        # Validated once, by the service (EventBatch: a bad event refuses the batch, nothing written; the same coded
        # errors the gateway's own validation gave), from the coerced input as sent.
        wires = [_json_wire(member.id, e) for e in events]
        recorded = await info.context.services.distribution.record_event_wires(member.community_id, wires)
        return RecordEventsPayload(
            ok=True,
            results=[
                RecordEventPayload(ok=True, event_id=strawberry.ID(r.id), duplicate=r.duplicate) for r in recorded.items
            ],
        )


@strawberry.type
class DeliveryMutation:
    @strawberry.mutation(description="The caller's push opt-out and quiet hours (omitted fields keep their value).")
    async def set_push_preferences(self, info: Info, input: SetPushPreferencesInput) -> PushPreferences:
        member = await info.context.require_member()
        given = {k: v for k, v in vars(input).items() if v is not None}
        update = PushPreferencesUpdate(member_id=member.id, **given)
        saved = await info.context.services.distribution.set_push_preferences(member.community_id, update)
        return PushPreferences(
            opted_out=saved.opted_out,
            quiet_start=saved.quiet_start,
            quiet_end=saved.quiet_end,
            by_email=saved.by_email,
        )


@strawberry.type
class RelationsMutation:
    @strawberry.mutation(description="Follow an author: their content becomes feed candidates. Repeating is fine.")
    async def follow_author(self, info: Info, input: FollowAuthorInput) -> AuthorRelations:
        member = await info.context.require_member()
        distribution = info.context.services.distribution
        return AuthorRelations.from_read(
            await distribution.follow_author(member.community_id, member.id, str(input.author_id))
        )

    @strawberry.mutation(description="Stop following an author. Repeating is fine.")
    async def unfollow_author(self, info: Info, input: UnfollowAuthorInput) -> AuthorRelations:
        member = await info.context.require_member()
        distribution = info.context.services.distribution
        return AuthorRelations.from_read(
            await distribution.unfollow_author(member.community_id, member.id, str(input.author_id))
        )

    @strawberry.mutation(
        description="Block an author: their content never reaches the caller's feed or pushes; ends a follow."
    )
    async def block_author(self, info: Info, input: BlockAuthorInput) -> AuthorRelations:
        member = await info.context.require_member()
        distribution = info.context.services.distribution
        return AuthorRelations.from_read(
            await distribution.block_author(member.community_id, member.id, str(input.author_id))
        )

    @strawberry.mutation(description="Lift a block (a follow it ended is not restored). Repeating is fine.")
    async def unblock_author(self, info: Info, input: UnblockAuthorInput) -> AuthorRelations:
        member = await info.context.require_member()
        distribution = info.context.services.distribution
        return AuthorRelations.from_read(
            await distribution.unblock_author(member.community_id, member.id, str(input.author_id))
        )
