"""Inputs of the feed mutations: events, push preferences, follows and blocks."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import strawberry
from strawberry.types.base import get_object_definition

from gateway.graphql.distribution.enums import EventType, Scene, Slot

# An input kept as graphql-core coerced it: keyed by GraphQL (camelCase, the services' wire) names, enums already
# the service's members, date-times already parsed.
RawInput = Mapping[str, Any]


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
    events: list[RecordEventInput] = strawberry.field(description="At most 500 events.")


def _as_coerced(_cls: type, value: RawInput, _context: object) -> RawInput:
    """Strawberry's `from_input` hook: the value as coerced, not one object built per event and field (strawberry
    resolves each field's type again for every value: most of a 100-event request's CPU, measured). The resolvers
    read it with `raw`; the service's wire model validates it."""
    return value


def raw(input: object) -> RawInput:
    """The coerced value of a RecordEventInput or RecordEventsInput argument (see `_as_coerced`)."""
    assert isinstance(input, Mapping), "RecordEvent(s)Input is kept as coerced"
    return input


for _kept in (RecordEventInput, RecordEventsInput):
    get_object_definition(_kept, strict=True).from_input = _as_coerced


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
