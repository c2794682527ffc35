"""Billing notices (dunning, receipts) as mail: each stored notice is handed to users_service, which owns members'
addresses and sends it. The notice is its own outbox (see infra.mail_handoff); the key is the notice's id."""

from __future__ import annotations

from billing_service.domain.notification_texts import notice_mail
from billing_service.store import BillingStore
from infra.mail_handoff import Doc, MailHandoffWorker
from infra.settings import Settings
from users_service.client import UsersClient
from users_service.schemas import MemberMail


class NotificationMail:
    def __init__(self, users: UsersClient) -> None:
        self.users = users

    async def send(self, notice: Doc) -> str | None:
        subject, body = notice_mail(notice["kind"], notice["message"])
        mail = MemberMail(
            key=f"billing-{notice['_id']}", kind=f"billing.{notice['kind'].lower()}", subject=subject, body=body
        )
        queued = await self.users.mail_member(str(notice["community_id"]), str(notice["member_id"]), mail)
        return None if queued.queued else queued.reason


def notification_mail_worker(store: BillingStore, users: UsersClient, settings: Settings) -> MailHandoffWorker:
    return MailHandoffWorker(
        store.subscriptions.notification_mail,
        NotificationMail(users).send,
        base_delay_seconds=settings.outbox_retry_base_seconds,
        max_delay_seconds=settings.outbox_retry_max_seconds,
        max_attempts=settings.outbox_max_attempts,
        lease_seconds=2 * settings.service_timeout_seconds,
    )
