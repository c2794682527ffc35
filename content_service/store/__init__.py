"""content_service's only MongoDB package: one module per concept, each collection opened by one class.

`ContentStore` composes them (`store.pieces`, `store.moderation`, ...), runs every part's indexes, and runs a
business write, its audit entry and its outbox events in one transaction (`transaction` + `record`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from bson import ObjectId
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.asynchronous.mongo_client import AsyncMongoClient

from content_service.store.audit import AuditStore
from content_service.store.base import Doc, Session
from content_service.store.crisis import CrisisStore
from content_service.store.incentives import IncentivesStore
from content_service.store.interaction import InteractionStore
from content_service.store.moderation import ModerationStore
from content_service.store.pieces import PiecesStore
from content_service.store.revisions import RevisionsStore
from content_service.store.settings import SettingsStore
from content_service.store.templates import TemplatesStore
from content_service.store.topics import TopicsStore
from content_service.store.webhooks import WebhooksStore
from infra.kept_docs import transaction_voiding
from infra.outbox import Outbox, OutboxEvent

__all__ = ["ContentStore", "Doc", "Session"]
T = TypeVar("T")


class ContentStore:
    def __init__(self, client: AsyncMongoClient[Doc], db: AsyncDatabase[Doc]) -> None:
        self.client = client
        self.db = db
        self.pieces = PiecesStore(db)
        self.settings = SettingsStore(db)
        self.revisions = RevisionsStore(db)
        self.audit = AuditStore(db)
        self.interaction = InteractionStore(db)
        self.topics = TopicsStore(db)
        self.moderation = ModerationStore(db)
        self.crisis = CrisisStore(db)
        self.templates = TemplatesStore(db)
        self.incentives = IncentivesStore(db)
        self.webhooks = WebhooksStore(db)
        self.outbox = Outbox(db["outbox"])
        # Set by the app to wake the outbox relay once events are committed.
        self.on_commit: Callable[[], None] = lambda: None

    async def ensure_indexes(self) -> None:
        for part in (
            self.pieces,
            self.settings,
            self.revisions,
            self.audit,
            self.interaction,
            self.topics,
            self.moderation,
            self.crisis,
            self.templates,
            self.incentives,
            self.webhooks,
            self.outbox,
        ):
            await part.ensure_indexes()

    async def transaction(self, callback: Callable[[Session], Awaitable[T]]) -> T:
        """`callback` writes with the session, in one transaction; the relay is woken after the commit."""
        result = await transaction_voiding(self.db, callback, self.pieces.cards)
        self.on_commit()
        return result

    async def record(
        self,
        session: Session,
        *,
        community_id: ObjectId,
        actor_id: str | None,
        action: str,
        target_type: str,
        target_id: str,
        detail: Doc | None = None,
        events: list[OutboxEvent] | None = None,
    ) -> None:
        """Audit who did what, and queue the events, inside the caller's transaction."""
        await self.audit.add(
            community_id=community_id,
            actor_id=actor_id,
            action=action,
            target_type=target_type,
            target_id=target_id,
            detail=detail,
            session=session,
        )
        if events:
            await self.outbox.add(events, session=session)
