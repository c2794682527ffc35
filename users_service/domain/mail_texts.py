"""The texts of the mails users_service writes itself (claim and reset codes). Plain text, no tracking."""

from __future__ import annotations

from datetime import datetime

from users_service.domain.account_codes import CodePurpose


def code_mail(purpose: CodePurpose, *, community: str, handle: str, code: str, expires_at: datetime) -> tuple[str, str]:
    """(subject, body) of the mail that carries a one-time code."""
    until = expires_at.strftime("%Y-%m-%d %H:%M UTC")
    if purpose is CodePurpose.CLAIM:
        subject = f"Claim your account in {community}"
        action = f"Your account @{handle} in {community} is waiting for you. To set your password, use this code"
    else:
        subject = f"Reset your password in {community}"
        action = f"Someone asked to reset the password of @{handle} in {community}. To set a new one, use this code"
    body = (
        f"{action}:\n\n    {code}\n\n"
        f"It works once, until {until}. If you did not expect this mail, ignore it: nothing changes without the code.\n"
    )
    return subject, body
