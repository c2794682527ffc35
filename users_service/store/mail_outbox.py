"""The `mail_outbox` collection: every mail users_service sends, written in the transaction that causes it.

A thin naming of `infra.outbox.Outbox`: the mail's id is its outbox id (and its Message-ID), so a mail asked for
twice under one key (a retried notification from billing or distribution) is queued once.
"""

from __future__ import annotations

from bson import ObjectId
from pymongo.asynchronous.database import AsyncDatabase

from infra.outbox import Outbox, OutboxEvent
from users_service.store.base import Doc, Session

MAIL = "mail"


class MailOutboxStore:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self.outbox = Outbox(db["mail_outbox"])

    async def ensure_indexes(self) -> None:
        await self.outbox.ensure_indexes()

    async def enqueue(
        self,
        community_id: ObjectId,
        *,
        key: str,
        to: str,
        subject: str,
        body: str,
        kind: str,
        session: Session | None = None,
    ) -> bool:
        """Queue one mail under `key`; False when a mail with this key was queued before (nothing is written)."""
        event = OutboxEvent(
            destination=MAIL,
            topic=kind,
            community_id=str(community_id),
            payload={"to": to, "subject": subject, "body": body},
            event_id=key,
        )
        return await self.outbox.add_once(event, session=session)

    async def get(self, community_id: ObjectId, key: str) -> Doc | None:
        return await self.outbox.get(str(community_id), key)
