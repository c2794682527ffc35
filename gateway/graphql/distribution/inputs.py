"""Inputs of the feed mutations: events, push preferences, follows and blocks."""

from __future__ import annotations

from datetime import datetime

import strawberry

from gateway.graphql.distribution.enums import EventType, Scene, Slot


@strawberry.input
class RecordEventInput:
    content_id: strawberry.ID
    type: EventType
    slot: Slot | None = None
    scene: Scene | None = None
    client_event_id: str | None = strawberry.field(
        default=None, description="The client's own id: sending the same event again records it once."
    )
    dwell_ms: int | None = None
    decision_id: strawberry.ID | None = strawberry.field(
        default=None, description="The feed (Feed.decisionId) or delivery the event answers."
    )
    occurred_at: datetime | None = strawberry.field(
        default=None, description="When it happened on the client (a batch sent later); never in the future."
    )


@strawberry.input
class RecordEventsInput:
    events: list[RecordEventInput] = strawberry.field(description="At most 100 events.")


@strawberry.input
class SetPushPreferencesInput:
    opted_out: bool | None = strawberry.field(default=None, description="True: no golden-slot pushes at all.")
    quiet_start: str | None = strawberry.field(default=None, description="Local HH:MM; no push from then...")
    quiet_end: str | None = strawberry.field(default=None, description="...until this local HH:MM (may wrap).")
    by_email: bool | None = strawberry.field(
        default=None, description="True: each push also comes by e-mail (to the address on file), beside the inbox."
    )


@strawberry.input
class FollowAuthorInput:
    author_id: strawberry.ID = strawberry.field(description="A member of the caller's community, not the caller.")


@strawberry.input
class UnfollowAuthorInput:
    author_id: strawberry.ID


@strawberry.input
class BlockAuthorInput:
    author_id: strawberry.ID = strawberry.field(description="A member of the caller's community, not the caller.")


@strawberry.input
class UnblockAuthorInput:
    author_id: strawberry.ID
