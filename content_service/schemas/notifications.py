"""A notification another service sends to the community's webhook (delivered by content's outbox relay)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import StringConstraints

from infra.schemas import ApiInput, ApiModel

Topic = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$", max_length=80)]


class NotificationCreate(ApiInput):
    # A dotted topic naming the sender's domain, e.g. `experiment.rolled_back`.
    topic: Topic
    # The sender's own id for the event: queueing it again sends nothing new.
    event_id: Annotated[str, StringConstraints(min_length=1, max_length=128)]
    data: dict[str, Any]


class NotificationQueued(ApiModel):
    event_id: str
    queued: bool
