"""Outbound mail: one `Mailer` per process, chosen by MAIL_MODE (off, log or SMTP through aiosmtplib).

A mail is only ever sent from a durable outbox (users_service's `mail_outbox`), so a mailer may fail: the outbox
retries. Each mail's Message-ID is derived from its outbox id, so the rare second send after a crash (the SMTP
server accepted it, the process died before marking it) carries the same Message-ID, which receiving servers and
clients use to drop the duplicate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from typing import Protocol

import aiosmtplib

from infra.logging import get_logger
from infra.settings import Settings

log = get_logger(__name__)


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str
    # Stable across retries: the outbox id.
    key: str


class Mailer(Protocol):
    async def send(self, mail: Mail) -> str:
        """Send one mail; a short note for the outbox log; raises when it could not be handed over."""
        ...


def message_id(key: str, sender: str) -> str:
    """<key@sender's domain>, the key cut to what a Message-ID's left part may hold."""
    domain = sender.rsplit("@", 1)[-1].strip(" >") or "localhost"
    return f"<{re.sub(r'[^A-Za-z0-9._-]', '-', key)}@{domain}>"


def build_message(mail: Mail, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = message_id(mail.key, sender)
    message.set_content(mail.body)
    return message


class SmtpMailer:
    """Hands each mail to the SMTP server named in the settings, in its own short conversation."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    async def send(self, mail: Mail) -> str:
        s = self.settings
        await aiosmtplib.send(
            build_message(mail, s.mail_from),
            hostname=s.smtp_host,
            port=s.smtp_port,
            username=s.smtp_username,
            password=s.smtp_password,
            use_tls=s.smtp_tls == "tls",
            start_tls=True if s.smtp_tls == "starttls" else False,
            timeout=s.smtp_timeout_seconds,
        )
        return f"smtp {s.smtp_host}:{s.smtp_port}"


class LogMailer:
    """Logs each mail instead of sending it: the embedded mode's default. The body (it may carry a code) is logged
    only outside production, so a developer can claim an account from the log."""

    def __init__(self, *, with_body: bool) -> None:
        self.with_body = with_body

    async def send(self, mail: Mail) -> str:
        body = {"body": mail.body} if self.with_body else {}
        log.info("mail_logged", to=mail.to, subject=mail.subject, key=mail.key, **body)
        return "logged"


def mailer_for(settings: Settings) -> Mailer:
    """SMTP for MAIL_MODE=smtp, else the log (MAIL_MODE=off starts no relay at all: mail waits in the outbox)."""
    if settings.mail_delivery == "smtp":
        return SmtpMailer(settings)
    return LogMailer(with_body=not settings.is_production)
