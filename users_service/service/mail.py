"""Mail to members: the outbox's delivery through the process's mailer, and mail other services ask for.

users_service owns members' addresses, so every mail leaves from here: billing's notifications and distribution's
pushes name a member and a key, never an address. A key asked for twice is queued once.
"""

from __future__ import annotations

from bson import ObjectId

from infra.mailer import Mail, Mailer
from infra.outbox import Doc, Handler
from users_service.schemas.accounts import MemberMail, MemberMailQueued
from users_service.service.members import MembersService
from users_service.store import UsersStore

NO_ADDRESS = "no e-mail address on file"


class MailService:
    def __init__(self, store: UsersStore, members: MembersService) -> None:
        self.store = store
        self.members = members

    async def to_member(self, community_id: ObjectId, member_id: ObjectId, mail: MemberMail) -> MemberMailQueued:
        await self.members.get_or_raise(community_id, member_id)
        email = await self.store.members.get_email(community_id, member_id)
        if not email:
            return MemberMailQueued(queued=False, reason=NO_ADDRESS)
        queued = await self.store.mail_outbox.enqueue(
            community_id, key=f"{mail.kind}:{mail.key}", to=email, subject=mail.subject, body=mail.body, kind=mail.kind
        )
        if queued:
            self.store.on_commit()
        return MemberMailQueued(queued=True, duplicate=not queued)


def mail_handler(mailer: Mailer) -> Handler:
    """The outbox relay's handler for mail: one stored mail through the mailer."""

    async def deliver(doc: Doc) -> str:
        payload = doc["payload"]
        return await mailer.send(
            Mail(to=payload["to"], subject=payload["subject"], body=payload["body"], key=doc["_id"])
        )

    return deliver
