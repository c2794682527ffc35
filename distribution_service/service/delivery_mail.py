"""Golden-slot pushes as mail for members who chose e-mail: each such delivery is handed to users_service (which
owns the addresses) with the pushed items' titles. The delivery is its own outbox (see infra.mail_handoff); the
key is the delivery's id, so a retried hand-off sends once."""

from __future__ import annotations

from content_service.client import ContentClient
from distribution_service.domain.push_mail import push_mail
from distribution_service.store import DistributionStore
from infra.mail_handoff import Doc, MailHandoffWorker
from infra.settings import Settings
from users_service.client import UsersClient
from users_service.schemas import MemberMail


class DeliveryMail:
    def __init__(self, content: ContentClient, users: UsersClient) -> None:
        self.content = content
        self.users = users

    async def send(self, delivery: Doc) -> str | None:
        cid = str(delivery["community_id"])
        found = await self.content.lookup(cid, [str(i["content_id"]) for i in delivery["items"]])
        titles = [item.title for item in found if item is not None]
        if not titles:
            return "every pushed item was removed"
        subject, body = push_mail(delivery["slot"], delivery["day"], titles)
        mail = MemberMail(key=f"push-{delivery['_id']}", kind="push", subject=subject, body=body)
        queued = await self.users.mail_member(cid, str(delivery["member_id"]), mail)
        return None if queued.queued else queued.reason


def delivery_mail_worker(
    store: DistributionStore, content: ContentClient, users: UsersClient, settings: Settings
) -> MailHandoffWorker:
    return MailHandoffWorker(
        store.deliveries.delivery_mail,
        DeliveryMail(content, users).send,
        base_delay_seconds=settings.outbox_retry_base_seconds,
        max_delay_seconds=settings.outbox_retry_max_seconds,
        max_attempts=settings.outbox_max_attempts,
        lease_seconds=2 * settings.service_timeout_seconds,
    )
